/**
 * The Cloudflare API token never shows up in what `npm run fixtures:pull` prints or writes, on
 * success or on Cloudflare's error answers (the REST API is mocked with msw; nothing leaves Node).
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cfErrorResponse,
  createFakeCloudflareKv,
  FAKE_ACCOUNT,
  FAKE_API_BASE,
  FAKE_NAMESPACE,
} from "../../fixtures/capture/fake-cloudflare-kv.js";
import { runPullCli } from "../../fixtures/capture/pull-cli.js";

const TOKEN = "cfat_QmF9x2Lr7Tz4Wn8Yp1Kd6Hs3Jv5Gc0Ab";
const server = setupServer();
let dir: string;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  dir = await mkdtemp(join(tmpdir(), "token-scan-"));
});
afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

async function pull(env: Record<string, string>): Promise<{ code: number; printed: string }> {
  let printed = "";
  const write = (s: string) => (printed += s);
  const code = await runPullCli(
    [
      "--account-id",
      FAKE_ACCOUNT,
      "--namespace-id",
      FAKE_NAMESPACE,
      "--out",
      `out-${Date.now()}.json`,
    ],
    { env, cwd: dir, baseUrl: FAKE_API_BASE, stdout: { write }, stderr: { write, isTTY: false } },
  );
  return { code, printed };
}

describe("fixtures:pull output", () => {
  it("never contains the API token, whatever Cloudflare answers", async () => {
    const fake = createFakeCloudflareKv();
    server.use(...fake.handlers);
    fake.state.token = TOKEN;
    fake.state.entries.set("share:a", { value: JSON.stringify({ prompt: "p" }) });

    const ok = await pull({ CLOUDFLARE_API_TOKEN: TOKEN });
    expect(ok.code).toBe(0);

    const wrong = await pull({ CLOUDFLARE_API_TOKEN: `${TOKEN}-revoked` });
    expect(wrong.code).toBe(1);
    expect(wrong.printed).toMatch(/401/);

    fake.state.readOnlyDenied = true;
    const denied = await pull({ CLOUDFLARE_API_TOKEN: TOKEN });
    expect(denied.code).toBe(1);
    fake.state.readOnlyDenied = false;

    // Transient 500s are retried (and may be reported while retrying).
    fake.state.failures.list.push(cfErrorResponse(500), cfErrorResponse(500));
    const failing = await pull({ CLOUDFLARE_API_TOKEN: TOKEN });
    expect(failing.code).toBe(0);

    for (const { printed } of [ok, wrong, denied, failing]) {
      expect(printed).not.toContain(TOKEN);
      expect(printed).not.toContain(TOKEN.slice(5, 25));
    }
    for (const file of await readdir(dir)) {
      expect(await readFile(join(dir, file), "utf8")).not.toContain(TOKEN.slice(5, 25));
    }
  });
});
