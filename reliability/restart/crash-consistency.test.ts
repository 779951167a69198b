/**
 * kill -9 in the middle of creates with images and deletes (each held at its half-way point: a
 * create's image copied, its record not written; a delete's record gone, its image not): after the
 * runtime is back, no share is half there for anyone to see. Every record that says its image is stored has it served; every image R2 still holds
 * is served only when its share's record exists; a create answered 201 is readable and listed, a
 * delete answered 204 is gone; monitoring's totals (an admin rescan) agree with the list.
 */
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { postShare, useHarness } from "../support/use-harness.js";

const ADMIN_TOKEN = "crash-admin-token";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);
const h = useHarness({
  vars: { ADMIN_TOKEN, KV_RETRY_BASE_MS: "1" },
  handlers: [
    http.get(/\/generated\//, () =>
      HttpResponse.arrayBuffer(PNG.slice().buffer, { headers: { "content-type": "image/png" } }),
    ),
  ],
});
const factory = createShareFactory(9090);
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const body = () => {
  const b = factory.createBody({ storeImage: true });
  return { ...b, generatedUrl: `https://img.example.com/generated/${Math.random()}.png` };
};

async function create(): Promise<{ status: number; id?: string }> {
  try {
    const res = await postShare(h(), JSON.stringify(body()));
    const json = (await res.json()) as { id?: string };
    return { status: res.status, ...(json.id ? { id: json.id } : {}) };
  } catch {
    return { status: 0 };
  }
}

async function remove(id: string): Promise<number> {
  try {
    const res = await h().fetch(`/api/share/${id}`, { method: "DELETE", headers: auth });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

async function listedIds(): Promise<{ id: string; isR2Stored: boolean }[]> {
  const out: { id: string; isR2Stored: boolean }[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
    const res = await h().fetch(`/api/shares?${query}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      shares: { id: string; isR2Stored: boolean }[];
      cursor: string | null;
    };
    out.push(...page.shares);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("SIGKILL during creates with images and deletes", () => {
  it("leaves no share half there, and monitoring agrees with the list", async () => {
    const seeded: string[] = [];
    for (let i = 0; i < 8; i++) {
      const made = await create();
      expect(made.status).toBe(201);
      seeded.push(made.id!);
    }
    // Hold every create between its image copy and its record (KV puts wait), and every delete
    // between its record and its image (R2 deletes wait), then kill the runtime right there.
    await h().faults.set([
      { op: "put", kind: "latency", ms: 60_000 },
      { service: "r2", op: "delete", kind: "latency", ms: 60_000 },
    ]);
    const imagesBefore = (await h().r2.list("images/")).length;
    const creates = Array.from({ length: 8 }, () => create());
    const deletes = seeded.map((id) => remove(id).then((status) => ({ id, status })));
    await until("every create copied its image and every delete removed its record", async () => {
      const images = (await h().r2.list("images/")).length;
      const records = await Promise.all(seeded.map((id) => h().kv.get(`share:${id}`)));
      return images === imagesBefore + creates.length && records.every((r) => r === null);
    });
    await h().crashAndRecover();
    const created = await Promise.all(creates);
    const deleted = await Promise.all(deletes);
    await h().faults.clear();
    expect(
      [...created, ...deleted.map((d) => ({ status: d.status }))].map((a) => a.status),
    ).toEqual(Array(creates.length + deletes.length).fill(503));

    // Half-done work in the store: images without records, of both kinds.
    expect((await h().r2.list("images/")).length).toBe(imagesBefore + creates.length);
    const listed = await listedIds();
    const ids = new Set(listed.map((s) => s.id));
    for (const { id, status } of created) if (status === 201) expect(ids).toContain(id);
    for (const { id, status } of deleted) {
      if (status === 204) {
        expect(ids).not.toContain(id);
        expect((await h().fetch(`/images/${id}`)).status).toBe(404);
      }
    }
    // Records and images: a record that says stored has its image; an image without its record
    // (a cut-off create or delete) is served by nobody.
    for (const share of listed) {
      const image = await h().fetch(`/images/${share.id}`);
      await image.body?.cancel();
      expect(image.status, share.id).toBe(share.isR2Stored ? 200 : 404);
    }
    for (const key of await h().r2.list("images/")) {
      const id = key.slice("images/".length);
      if (ids.has(id)) continue;
      const image = await h().fetch(`/images/${id}`);
      await image.body?.cancel();
      expect(image.status, `orphan ${id}`).toBe(404);
    }
    const res = await h().fetch("/api/monitoring", { headers: auth });
    const m = (await res.json()) as { shares: { total: number; r2Stored: number } };
    expect(m.shares.total).toBe(listed.length);
    expect(m.shares.r2Stored).toBe(listed.filter((s) => s.isR2Stored).length);
  });
});
