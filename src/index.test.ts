import { describe, expect, it, vi } from "vitest";
import worker from "./index.js";
import { envFor, useMiniflareEnv } from "./testing/miniflare-env.js";

const { world } = useMiniflareEnv();

describe("default export", () => {
  it("handles requests through fetch(request, env, ctx) and logs one JSON line per storage op", async () => {
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, "log")
      .mockImplementation((line: string) => void lines.push(line));
    const ctx = {
      waitUntil: vi.fn(),
      passThroughOnException: vi.fn(),
      props: {},
    } as unknown as ExecutionContext;
    const env = envFor("kv", world);
    const res = await worker.fetch(
      new Request("http://localhost/api/share/abc", {
        headers: { authorization: "Bearer test-admin-token" },
      }),
      env,
      ctx,
    );
    spy.mockRestore();
    expect(res.status).toBe(404);
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(
      expect.objectContaining({ op: "get", key: "share:abc", outcome: "miss", backend: "kv" }),
    );
    expect(lines.join("\n")).not.toContain("test-admin-token");
  });
});
