/**
 * What an Idempotency-Key's record in KV does when it is not what the Worker wrote: a corrupt or
 * foreign record is no record (the create goes on, and the Worker says so in its log).
 */
import { describe, expect, it } from "vitest";
import { FAST_VARS, useUnitWorker, validBody } from "../testing/unit-worker.js";
import { hashKey } from "./fingerprint.js";
import { recordKey } from "./records.js";

const unit = useUnitWorker();
const env = () => unit.env("kv", { ...FAST_VARS });
const post = (key: string, n: number) =>
  unit.request(env(), "/api/share", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(validBody(n)),
  });

describe("an Idempotency-Key record the Worker cannot read", () => {
  it("is no record: the create goes on, is logged, and the key then answers with the new share", async () => {
    for (const [i, junk] of ["{not json", JSON.stringify({ v: 2, fp: "x" })].entries()) {
      const header = `"order-${i}"`;
      const key = recordKey(await hashKey(`order-${i}`));
      await unit.kv.put(key, junk);
      let res: Response | undefined;
      const lines = await unit.logsOf(async () => (res = await post(header, 10 + i)));
      expect(res!.status, junk).toBe(201);
      expect(res!.headers.get("idempotent-replayed")).toBeNull();
      expect(lines.map((l) => JSON.parse(l) as unknown)).toContainEqual({
        level: "warn",
        event: "corrupt_idempotency_record",
        key,
      });
      const { id } = (await res!.json()) as { id: string };
      const again = await post(header, 10 + i);
      expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([201, "true"]);
      expect(((await again.json()) as { id: string }).id).toBe(id);
    }
  });
});
