/**
 * Regression (found by reading the soak's delete path): with KV_WRITE_FALLBACK=memory, a DELETE
 * that failed with 503 "nothing was deleted" had already dropped the pending share, so a share
 * acknowledged with 202 vanished although the client was told the delete did not happen.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShareHarness } from "../../harness/share/index.js";
import type { Harness } from "../../harness/types.js";
import { createShareFactory } from "../../fixtures/factories/index.js";

const TOKEN = "regression-admin-token";
let harness: Harness;

beforeAll(async () => {
  harness = await createShareHarness({
    persistTo: "temp",
    vars: { KV_WRITE_FALLBACK: "memory", KV_RETRY_BASE_MS: "1", ADMIN_TOKEN: TOKEN },
  });
});
afterAll(() => harness?.dispose());

describe("a failed delete of a pending share", () => {
  it("keeps the share, and a later delete removes it", async () => {
    await harness.faults.set([{ op: "put", kind: "error", status: 503 }]);
    const created = await harness.fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(createShareFactory(3).createBody()),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    // KV reads fail as well: the delete cannot tell whether KV holds a copy.
    await harness.faults.add({ op: "getWithMetadata", kind: "error", status: 503, first: 1 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const failed = await harness.fetch(`/api/share/${id}`, { method: "DELETE", headers: auth });
    expect(failed.status).toBe(503);
    await failed.body?.cancel();

    const after = await harness.fetch(`/api/share/${id}`);
    expect(after.status).toBe(200);
    await after.body?.cancel();

    await harness.faults.clear();
    const deleted = await harness.fetch(`/api/share/${id}`, { method: "DELETE", headers: auth });
    expect(deleted.status).toBe(204);
    const gone = await harness.fetch(`/api/share/${id}`);
    expect(gone.status).toBe(404);
    await gone.body?.cancel();
  });
});
