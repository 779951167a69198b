import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "../clock.js";
import { testBackend } from "./contract.js";
import { createMemoryBackend } from "./memory.js";

testBackend("memory", () => createMemoryBackend());

describe("memory backend expiry", () => {
  afterEach(() => setClock(() => Date.now()));

  it("expires keys on the clock, in get and in list", async () => {
    const b = createMemoryBackend();
    const t0 = Date.now();
    setClock(() => t0);
    await b.put("share:x", "v", { expirationTtl: 60 });
    setClock(() => t0 + 59_000);
    expect(await b.get("share:x")).toBe("v");
    setClock(() => t0 + 60_000);
    expect(await b.get("share:x")).toBeNull();
    expect((await b.list({ prefix: "share:" })).keys).toEqual([]);
  });
});
