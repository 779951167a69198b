import { describe, expect, it } from "vitest";
import { LogBuffer } from "./logs.js";

describe("LogBuffer", () => {
  it("parses JSON lines, keeps text lines and stamps the virtual time", () => {
    const logs = new LogBuffer(() => 42, false);
    logs.push('{"level":"warn","event":"kv.retry"}');
    logs.push("plain text");
    logs.push("   ");
    expect(logs.all()).toEqual([
      {
        at: 42,
        text: '{"level":"warn","event":"kv.retry"}',
        json: { level: "warn", event: "kv.retry" },
      },
      { at: 42, text: "plain text" },
    ]);
    logs.clear();
    expect(logs.all()).toEqual([]);
  });

  it("drops the oldest lines past its bound", () => {
    const logs = new LogBuffer(() => 0, false, 2);
    for (const t of ["a", "b", "c"]) logs.push(t);
    expect(logs.all().map((l) => l.text)).toEqual(["b", "c"]);
  });
});
