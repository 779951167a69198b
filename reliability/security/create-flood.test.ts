/**
 * One client floods POST /api/share (each create may copy 10 MiB into R2). With the limits
 * wrangler.jsonc deploys, the Rate Limiting binding stops it with 429 `rate_limited`, Retry-After
 * and nothing written, while other clients keep creating. An IPv6 client cannot escape by
 * rotating addresses within its /64.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readWorkerConfig } from "../../harness/node/config.js";
import { responseProblems, viewResponse } from "../support/error-shape.js";
import { kvMutations, useHarness } from "../support/use-harness.js";

const deployed = readWorkerConfig(path.join(import.meta.dirname, "../../wrangler.jsonc"));
const limiter = deployed.rateLimits.find((r) => r.binding === "SHARE_CREATE_LIMITER");
// The deployed numbers: the harness default, passed explicitly over use-harness's lifted ones.
const h = useHarness({
  rateLimits: limiter
    ? { [limiter.binding]: { limit: limiter.limit, period: limiter.period } }
    : {},
});

const create = (ip: string, n: number) =>
  h().fetch("/api/share", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: JSON.stringify({
      generatedUrl: `https://img.example/${n}.png`,
      originalUrl: "https://img.example/o.png",
      prompt: `flood ${n}`,
      style: "ink",
    }),
  });

/**
 * Creates from `ip` until one is refused. Windows are aligned to the wall clock, so a burst may
 * straddle one boundary: 2 x limit + 1 creates always meet a refusal inside one period.
 */
async function flood(ip: string): Promise<{ created: number; refused: Response }> {
  const limit = limiter!.limit;
  for (let n = 0; n < 2 * limit + 1; n++) {
    const res = await create(ip, n);
    if (res.status === 429) return { created: n, refused: res };
    expect(res.status).toBe(201);
    await res.body?.cancel();
  }
  throw new Error(`${2 * limit + 1} creates from ${ip} were never limited`);
}

describe("a create flood from one client", () => {
  it("is declared in wrangler.jsonc for the deployed Worker", () => {
    expect(limiter).toMatchObject({ period: 60 });
    expect(limiter!.limit).toBeGreaterThan(0);
    expect(limiter!.limit).toBeLessThanOrEqual(60);
  });

  it("is answered 429 rate_limited with Retry-After, writing nothing for refused creates", async () => {
    const before = await kvMutations(h());
    const { created, refused } = await flood("198.51.100.7");
    expect(created).toBeGreaterThanOrEqual(limiter!.limit);
    const view = await viewResponse(refused);
    expect(responseProblems(view)).toEqual([]);
    expect(JSON.parse(view.text)).toEqual({
      error: {
        code: "rate_limited",
        message: "Too many shares created from this address; try again in 60 seconds",
      },
    });
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await kvMutations(h())).toBe(before + created);
  });

  it("does not stop another client", async () => {
    await flood("198.51.100.8");
    const other = await create("203.0.113.50", 0);
    expect(other.status).toBe(201);
  });

  it("counts a whole IPv6 /64 as one client", async () => {
    const { created } = await flood("2001:db8:77:1::1");
    expect(created).toBeGreaterThan(0);
    const rotated = await create("2001:db8:77:1:ffff:1234:5678:9abc", 99);
    expect(rotated.status).toBe(429);
    const otherPrefix = await create("2001:db8:77:2::1", 100);
    expect(otherPrefix.status).toBe(201);
  });

  it("answers a bad body 400, not 429, even from a limited client (validation comes first)", async () => {
    const res = await h().fetch("/api/share", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.7" },
      body: "{}",
    });
    expect(res.status).toBe(400);
  });
});
