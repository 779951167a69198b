/**
 * Without ADMIN_TOKEN (the default deployment), deleting is disabled, not open: 403
 * `admin_disabled` whatever Authorization says, and no route but POST /api/share writes to KV.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createShareFactory } from "../../fixtures/factories/index.js";
import { kvMutations, postShare, useHarness } from "../support/use-harness.js";

const h = useHarness();

describe("without ADMIN_TOKEN", () => {
  it("answers DELETE with 403 admin_disabled and keeps the share", async () => {
    const res = await postShare(h(), JSON.stringify(createShareFactory(5).createBody()));
    const { id } = (await res.json()) as { id: string };
    const before = await kvMutations(h());
    for (const authorization of [
      undefined,
      "Bearer ",
      "Bearer undefined",
      "Bearer null",
      "Bearer  ",
    ]) {
      const del = await h().fetch(`/api/share/${id}`, {
        method: "DELETE",
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(del.status).toBe(403);
      expect(((await del.json()) as { error: { code: string } }).error.code).toBe("admin_disabled");
    }
    expect(await kvMutations(h())).toBe(before);
    expect((await h().fetch(`/api/share/${id}`)).status).toBe(200);
  });

  it("has no other route that changes KV", async () => {
    const before = await kvMutations(h());
    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      for (const path of [
        "/api/shares",
        "/api/share",
        "/api/monitoring",
        "/healthz",
        "/api/admin",
        "/admin",
        "/s/x",
      ]) {
        if (method === "POST" && path === "/api/share") continue;
        const res = await h().fetch(path, {
          method,
          headers: { authorization: "Bearer x", "content-type": "application/json" },
          body: "{}",
        });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        await res.body?.cancel();
      }
    }
    expect(await kvMutations(h())).toBe(before);
  });

  it("treats an empty or blank ADMIN_TOKEN (a blank .dev.vars line) as unset", async () => {
    const app = createApp();
    for (const token of ["", " ", "\t  "]) {
      const res = await app.request(
        "/api/share/abc",
        { method: "DELETE", headers: { authorization: `Bearer ${token}` } },
        { STORAGE_BACKEND: "memory", ADMIN_TOKEN: token },
      );
      expect(res.status, JSON.stringify(token)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("admin_disabled");
    }
  });
});
