/**
 * The JSON lines an operator reads in `wrangler tail` or Workers Logs: a failed KV call is one
 * `level: "error"` line naming the op that failed (workerd reports a failed list as `KV GET
 * failed`), a success is `level: "info"`, and a Worker answering 500 for its own configuration
 * logs a `warn` event with the error code and message.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker } from "./testing/unit-worker.js";

const unit = useUnitWorker();
type Line = Record<string, unknown>;

async function linesOf(action: () => Promise<unknown>): Promise<Line[]> {
  return (await unit.logsOf(action)).map((l) => JSON.parse(l) as Line);
}

describe("storage log lines", () => {
  it("logs a failed list as an error labelled LIST, with the backend and key prefix", async () => {
    await unit.faults({ failing: ["list"], message: "KV GET failed: 503 Service Unavailable" });
    let status = 0;
    const lines = await linesOf(async () => {
      status = (await unit.request(unit.env("kv"), "/api/shares")).status;
    });
    expect(status).toBe(503);
    const failed = lines.filter((l) => l.op === "list");
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) {
      expect(line).toMatchObject({
        level: "error",
        outcome: "error",
        backend: "kv",
        key: "share:",
        error: "KV LIST failed: 503 Service Unavailable",
      });
      expect(typeof line.ms).toBe("number");
    }
  });

  it("keeps a message that is not KV's own as it is", async () => {
    await unit.faults({ failing: ["list"], message: "Network connection lost." });
    const lines = await linesOf(() => unit.request(unit.env("kv"), "/api/shares"));
    expect(lines.filter((l) => l.op === "list")).toContainEqual(
      expect.objectContaining({ level: "error", error: "Network connection lost." }),
    );
  });

  it("logs a successful list at level info with the number of keys", async () => {
    const lines = await linesOf(() => unit.request(unit.env("kv"), "/api/shares"));
    expect(lines.filter((l) => l.op === "list")).toContainEqual(
      expect.objectContaining({ level: "info", outcome: "ok", backend: "kv", count: 0 }),
    );
  });
});

describe("configuration errors", () => {
  it("log a warn event with the code and message the client got", async () => {
    let body: { error: { code: string; message: string } } | undefined;
    const lines = await linesOf(async () => {
      const res = await unit.request(
        unit.env("memory", { CACHE_MAX_ENTRIES: "lots" }),
        "/api/shares",
      );
      body = (await res.json()) as typeof body;
    });
    expect(body?.error.code).toBe("config_invalid");
    expect(lines).toContainEqual({
      level: "warn",
      event: "app_error",
      code: "config_invalid",
      message: body?.error.message,
    });
  });
});
