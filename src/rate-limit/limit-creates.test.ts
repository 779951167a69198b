/**
 * A deployment without the Rate Limiting binding (the limit itself is exercised end to end in
 * `suites/create.suite.ts`): creates are not limited, and the log holds no limiter failure.
 */
import { describe, expect, it } from "vitest";
import { useUnitWorker, validBody } from "../testing/unit-worker.js";

const unit = useUnitWorker();

describe("creates without SHARE_CREATE_LIMITER bound", () => {
  it("are neither limited nor logged as a failed limit", async () => {
    const env = unit.env("kv");
    const statuses: number[] = [];
    const lines = await unit.logsOf(async () => {
      for (let n = 0; n < 3; n++) statuses.push((await unit.postShare(env, validBody(n))).status);
    });
    expect(statuses).toEqual([201, 201, 201]);
    expect(lines.filter((l) => l.includes("rate_limit"))).toEqual([]);
  });
});
