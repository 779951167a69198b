import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { workerdChildren } from "../harness/index.js";
import { createShareHarness } from "../harness/share/index.js";
import { placeholderPng } from "../harness/server/placeholder-image.js";
import { OWNER_FILE } from "./store-owner.js";

const ROOT = path.join(import.meta.dirname, "../");
let store: string;

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(script: "dev" | "seed", args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", `cli/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** A zombie (state Z) has exited; it only waits for its new parent to reap it. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

beforeAll(() => {
  store = mkdtempSync(path.join(tmpdir(), "dev-cli-"));
});

afterAll(() => {
  rmSync(store, { recursive: true, force: true });
});

// One story on one store (seed, serve, use, stop): its steps run in order even when
// `npm run test:flake` shuffles tests.
describe("npm run seed, then npm run dev on the same store", { shuffle: false }, () => {
  let dev: Run;
  let url: string;
  let workerds: number[];

  it("seed writes shares into the persisted store", async () => {
    const seed = run("seed", ["--count", "3", "--seed", "7", "--persist-to", store]);
    expect(await seed.exited).toBe(0);
    expect(seed.stdout()).toMatch(
      /Seeded 3 shares and \d+ placeholder images \(seed 7, --now \S+\) into .* share:\S+ \.\. share:/,
    );
    expect(existsSync(path.join(store, OWNER_FILE))).toBe(false);
  });

  it("dev prints the URLs it serves and leaves a non-empty store alone", async () => {
    dev = run("dev", [
      "--port",
      "0",
      "--persist-to",
      store,
      "--isolates",
      "2",
      "--no-watch",
      "--seed-shares",
      "5",
    ]);
    await vi.waitFor(() => expect(dev.stdout()).toContain("Dashboard:"), {
      timeout: 30_000,
      interval: 100,
    });
    url = /Dashboard: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(dev.stdout())![1]!;
    expect(dev.stdout()).toContain("the store already holds data, nothing seeded");
    workerds = workerdChildren(dev.child.pid);
    expect(workerds.length).toBeGreaterThan(0);
  });

  it("prints links that all answer 200", async () => {
    const links = [...dev.stdout().matchAll(/^ {2}[^:]+: +(http:\/\/\S+)$/gm)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) {
      expect({ link, status: (await fetch(link)).status }).toEqual({ link, status: 200 });
    }
  });

  it("proxies to the isolate named by x-harness-isolate", async () => {
    const res = await fetch(`${url}/healthz`, { headers: { "x-harness-isolate": "1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-harness-isolate")).toBe("1");
    expect(await res.json()).toMatchObject({ ok: true });

    const bad = await fetch(`${url}/healthz`, { headers: { "x-harness-isolate": "2" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_isolate" } });
  });

  it("serves the control API and the seeded shares on the same port", async () => {
    const state = (await (await fetch(`${url}/__harness/state`)).json()) as { isolates: number };
    expect(state.isolates).toBe(2);
    const listed = (await (await fetch(`${url}/__harness/kv?prefix=share:`)).json()) as {
      keys: { name: string }[];
    };
    expect(listed.keys).toHaveLength(3);
    const id = listed.keys[0]!.name.slice("share:".length);
    const share = await fetch(`${url}/api/share/${id}`);
    expect(share.status).toBe(200);
    expect(await share.json()).toMatchObject({ id });
    expect((await fetch(`${url}/__harness/`)).headers.get("content-type")).toContain("text/html");
  });

  it("copies a share's image into R2 from a generated placeholder, and says so", async () => {
    const created = await fetch(`${url}/api/share`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        generatedUrl: "https://images.example.com/generated/dev.png",
        originalUrl: "https://images.example.com/original/dev.jpg",
        prompt: "a lighthouse, copied in dev",
        style: "ink",
        storeImage: true,
      }),
    });
    expect(created.status).toBe(201);
    const share = (await created.json()) as { id: string; isR2Stored: boolean; warning?: unknown };
    expect(share).toMatchObject({ isR2Stored: true });
    expect(share.warning).toBeUndefined();
    const image = await fetch(`${url}/images/${share.id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(
      placeholderPng("https://images.example.com/generated/dev.png"),
    );
    expect(dev.stdout()).toContain(
      "[outbound] GET https://images.example.com/generated/dev.png: answered with a generated placeholder PNG",
    );
  });

  it("refuses a second dev server on the same store, naming the first", async () => {
    const second = run("dev", ["--port", "0", "--persist-to", store, "--no-watch"]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(
      `npm run dev: npm run dev (pid ${dev.child.pid}, ${url}) is already using ${store}. Use it at ${url}`,
    );
  });

  it("seed into the store the dev server holds goes through it, and the Worker sees it at once", async () => {
    const before = (await (await fetch(`${url}/api/monitoring`)).json()) as {
      shares: { total: number };
    };
    const seed = run("seed", ["--count", "4", "--seed", "8", "--persist-to", store]);
    expect(await seed.exited).toBe(0);
    expect(seed.stdout()).toContain(
      `npm run dev (pid ${dev.child.pid}, ${url}) is serving ${store}: seeding through its control API.`,
    );
    expect(seed.stdout()).toMatch(/Seeded 4 shares and \d+ placeholder images \(seed 8, /);
    const afterSeed = (await (await fetch(`${url}/api/monitoring`)).json()) as {
      shares: { total: number };
    };
    expect(afterSeed.shares.total).toBe(before.shares.total + 4);
  });

  it("stops on SIGTERM with exit code 0, no workerd left and the store on disk", async () => {
    dev.child.kill("SIGTERM");
    expect(await dev.exited).toBe(0);
    expect(dev.stdout()).toContain("Stopped. The store is kept on disk.");
    await vi.waitFor(() => expect(workerds.filter(running)).toEqual([]));
    expect(existsSync(path.join(store, OWNER_FILE))).toBe(false);

    const harness = await createShareHarness({ persistTo: store });
    try {
      expect((await harness.kv.list({ prefix: "share:" })).keys).toHaveLength(3 + 1 + 4);
    } finally {
      await harness.dispose();
    }
  });
});

describe("npm run dev killed with SIGKILL in the middle of creates", () => {
  const start = async (env?: NodeJS.ProcessEnv) => {
    const server = run("dev", ["--port", "0", "--persist-to", store, "--no-watch"], env);
    await vi.waitFor(() => expect(server.stdout()).toContain("Dashboard:"), {
      timeout: 30_000,
      interval: 100,
    });
    return { server, at: /Dashboard: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(server.stdout())![1]! };
  };
  const create = async (at: string, n: number): Promise<string | undefined> => {
    try {
      const res = await fetch(`${at}/api/share`, {
        method: "POST",
        // One client address per create: the rate limit is not what this checks.
        headers: {
          "content-type": "application/json",
          "cf-connecting-ip": `10.9.${n >> 8}.${n & 255}`,
        },
        body: JSON.stringify({
          generatedUrl: `https://images.example.com/generated/kill-${n}.png`,
          originalUrl: "https://images.example.com/original/kill.jpg",
          prompt: `created while the dev server is killed ${n}`,
          style: "ink",
          storeImage: true,
        }),
      });
      return res.status === 201 ? ((await res.json()) as { id: string }).id : undefined;
    } catch {
      return undefined; // cut off by the kill: neither acknowledged nor promised
    }
  };

  it("loses no acknowledged share or image: a new dev server takes the store over and serves them", async () => {
    // A SIGKILLed server cannot remove Miniflare's temp folder: it gets one of this test's own.
    const killedTmp = mkdtempSync(path.join(tmpdir(), "dev-killed-"));
    onTestFinished(() => rmSync(killedTmp, { recursive: true, force: true }));
    const first = await start({ TMPDIR: killedTmp });
    const workerdsOfFirst = workerdChildren(first.server.child.pid);
    const acked: string[] = [];
    let n = 0;
    const clients = Array.from({ length: 4 }, async () => {
      while (first.server.child.exitCode === null && first.server.child.signalCode === null) {
        const id = await create(first.at, n++);
        if (id) acked.push(id);
      }
    });
    await vi.waitFor(() => expect(acked.length).toBeGreaterThanOrEqual(8), { timeout: 30_000 });
    first.server.child.kill("SIGKILL");
    await first.server.exited;
    await Promise.all(clients);
    // workerd ends with the process that started it, and the stale claim does not lock the store.
    await vi.waitFor(() => expect(workerdsOfFirst.filter(running)).toEqual([]));

    const second = await start();
    try {
      for (const id of acked) {
        const share = await fetch(`${second.at}/api/share/${id}`);
        expect(share.status, id).toBe(200);
        expect(await share.json()).toMatchObject({ id, isR2Stored: true });
        const image = await fetch(`${second.at}/images/${id}`);
        expect(image.status, id).toBe(200);
        expect(image.headers.get("content-type")).toBe("image/png");
        await image.body?.cancel();
      }
    } finally {
      second.server.child.kill("SIGTERM");
      expect(await second.server.exited).toBe(0);
    }
  });
});

describe("npm run dev with the memory backend and vars from a file", () => {
  it("reads the file, lets --var override it, names the sources and never keeps shares", async () => {
    const envFile = path.join(store, "local.env");
    writeFileSync(envFile, "ADMIN_TOKEN=from-file-token\nKV_WRITE_FALLBACK=reject\n");
    const dev = run("dev", [
      "--port",
      "0",
      "--backend",
      "memory",
      "--no-watch",
      "--env-file",
      envFile,
      "--var",
      "KV_WRITE_FALLBACK=memory",
    ]);
    try {
      await vi.waitFor(() => expect(dev.stdout()).toContain("Dashboard:"), {
        timeout: 30_000,
        interval: 100,
      });
      const out = dev.stdout();
      const url = /Dashboard: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;
      expect(out).toContain("backend memory");
      expect(out).toContain("shares in isolate memory (lost on restart)");
      expect(out).toContain(
        `Vars: ADMIN_TOKEN from ${path.relative(ROOT, envFile)}; KV_WRITE_FALLBACK from --var`,
      );
      expect(out).not.toContain("from-file-token");
      expect(out).toContain("Ctrl-C stops; the memory backend's shares are lost");

      const created = await fetch(`${url}/api/share`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          generatedUrl: "https://images.example.com/g.png",
          originalUrl: "https://images.example.com/o.png",
          prompt: "a memory-backed share",
          style: "ink",
        }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const deleted = await fetch(`${url}/api/share/${id}`, {
        method: "DELETE",
        headers: { authorization: "Bearer from-file-token" },
      });
      expect(deleted.status).toBe(204);
      expect(deleted.headers.get("content-type")).toBeNull();
    } finally {
      dev.child.kill("SIGTERM");
      expect(await dev.exited).toBe(0);
    }
    expect(dev.stdout()).toContain("Stopped. The memory backend's shares are gone.");
  });
});

describe("Ctrl-C on npm run dev, as a terminal sends it", () => {
  it("stops cleanly once, though the signal reaches the server several times", async () => {
    const persistTo = path.join(store, "ctrl-c");
    // Through npm and tsx, in a process group of its own: a terminal's Ctrl-C signals the whole
    // group, and npm and tsx also relay it to the server.
    const child = spawn(
      "npm",
      ["run", "dev", "--", "--port", "0", "--persist-to", persistTo, "--no-watch"],
      {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    // `close`, not `exit`: npm may exit before the server (its grandchild, writing to the same
    // pipes) has printed its last lines; `close` waits for every writer to let go of them.
    const exited = new Promise<number | string | null>((resolve) =>
      child.on("close", (code, signal) => resolve(code ?? signal)),
    );
    await vi.waitFor(() => expect(out).toContain("Dashboard:"), { timeout: 60_000, interval: 100 });
    const owner = JSON.parse(readFileSync(path.join(persistTo, OWNER_FILE), "utf8")) as {
      pid: number;
    };
    const workerds = workerdChildren(owner.pid);
    expect(workerds.length).toBeGreaterThan(0);

    process.kill(-child.pid!, "SIGINT");
    // npm re-raises the signal on itself once its script has exited.
    expect([0, "SIGINT"]).toContain(await exited);
    expect(out).toContain("Stopped. The store is kept on disk.");
    expect(out).not.toContain("exiting without waiting for cleanup");
    await vi.waitFor(() => expect(workerds.filter(running)).toEqual([]));
    expect(existsSync(path.join(persistTo, OWNER_FILE))).toBe(false);
  });
});

describe("bad flags", () => {
  it("exit with code 2 and say what is wrong, before booting anything", async () => {
    const dev = run("dev", ["--isolates", "many"]);
    expect(await dev.exited).toBe(2);
    expect(dev.stderr()).toContain(
      "npm run dev: option '--isolates <n>' argument 'many' is invalid",
    );
    expect(dev.stderr()).toContain("npm run dev -- --help");
  });
});
