/**
 * kill -9 in the middle of a create: the runtime dies after the create wrote its key's record and
 * before its share. The client got 503 worker_unavailable; its retry with the same
 * Idempotency-Key creates the share once, with one id, and every further retry returns it.
 */
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import type { Harness } from "../../harness/types.js";
import { useHarness } from "../support/use-harness.js";

const h = useHarness({ vars: { KV_RETRY_BASE_MS: "5" } });

const post = (harness: Harness, key: string, body: unknown) =>
  harness.fetch("/api/share", {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify(body),
  });

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function sharesWith(harness: Harness, generatedUrl: string): Promise<string[]> {
  const page = await harness.kv.list({ prefix: "share:" });
  const ids: string[] = [];
  for (const key of page.keys) {
    const value = await harness.kv.get(key.name);
    if (value && (JSON.parse(value) as { generatedUrl: string }).generatedUrl === generatedUrl) {
      ids.push(key.name.slice("share:".length));
    }
  }
  return ids;
}

describe("kill -9 between a create's two writes", () => {
  it("a retry with the same key finishes it: one share, one id", async () => {
    const body = createShareFactory(41).createBody();
    // The share's write never returns; the key's record (idem:) is written before it.
    await h().faults.add({ op: "put", prefix: "share:", kind: "hang", ms: 60_000 });
    const cut = post(h(), '"checkout-41"', body);
    await until("the key's record is in KV", async () => {
      return (await h().kv.list({ prefix: "idem:" })).keys.length === 1;
    });
    await h().crashAndRecover();
    const lost = await cut;
    expect(lost.status).toBe(503);
    expect(((await lost.json()) as { error: { code: string } }).error.code).toBe(
      "worker_unavailable",
    );
    await h().faults.clear();
    expect(await sharesWith(h(), body.generatedUrl)).toEqual([]);

    const retry = await post(h(), '"checkout-41"', body);
    expect(retry.status).toBe(201);
    const { id } = (await retry.json()) as { id: string };
    expect(await sharesWith(h(), body.generatedUrl)).toEqual([id]);
    for (let i = 0; i < 3; i++) {
      const again = await post(h(), '"checkout-41"', body);
      expect([again.status, ((await again.json()) as { id: string }).id]).toEqual([201, id]);
    }
    await h().restart();
    const afterRestart = await post(h(), '"checkout-41"', body);
    expect(((await afterRestart.json()) as { id: string }).id).toBe(id);
    expect(await sharesWith(h(), body.generatedUrl)).toEqual([id]);
  });
});
