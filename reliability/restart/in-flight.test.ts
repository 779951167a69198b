/**
 * Requests in flight while the runtime restarts or crashes, with slow KV (latency faults): each
 * one completes or gets 503 `worker_unavailable` with Retry-After and the error shape; a graceful
 * restart lets the requests in flight finish first; requests that arrive during the boot wait for
 * it and get the Worker's answer. The same through the dev server's HTTP proxy and control API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "../../harness/server/dev-server.js";
import type { Harness } from "../../harness/types.js";
import { responseProblems, viewResponse } from "../support/error-shape.js";
import { useHarness } from "../support/use-harness.js";
import { arrivedDuring, inFlightAt, startTraffic, type Answer, type Send } from "./traffic.js";

const SLOW_KV = { op: "any", kind: "latency", ms: 40, jitterMs: 80 } as const;
const CLIENTS = 8;

interface Window {
  kind: "restart" | "crash";
  from: number;
  to: number;
}

/** Traffic through `send` while `switches` run one after another; returns what clients saw. */
async function underSwitches(
  send: Send,
  switches: { kind: Window["kind"]; run: () => Promise<unknown> }[],
  seed: number,
): Promise<{ answers: Answer[]; windows: Window[]; created: string[] }> {
  const traffic = startTraffic(send, CLIENTS, seed);
  const windows: Window[] = [];
  const settle = async () => {
    // Let every client get a few requests under way before the next switch.
    const mark = traffic.answers.length;
    const until = performance.now() + 20_000;
    while (traffic.answers.length < mark + CLIENTS * 2 && performance.now() < until)
      await new Promise((r) => setTimeout(r, 10));
  };
  try {
    for (const s of switches) {
      await settle();
      const from = performance.now();
      await s.run();
      windows.push({ kind: s.kind, from, to: performance.now() });
    }
    await settle();
  } finally {
    await traffic.stop();
  }
  return { answers: traffic.answers, windows, created: traffic.created };
}

function problemsOf(answers: readonly Answer[]): string[] {
  return answers.flatMap((a) =>
    a.view
      ? responseProblems(a.view).map((p) => `${a.kind} ${a.path}: ${p}`)
      : [`${a.kind} ${a.path}: no answer (${a.error})`],
  );
}

const unavailable = (a: Answer) =>
  a.view?.status === 503 && a.view.text.includes("worker_unavailable");

async function expectAllCreatedInKv(harness: Harness, ids: readonly string[]): Promise<void> {
  for (const id of ids) expect(await harness.kv.get(`share:${id}`), id).not.toBeNull();
}

function checkRun(run: Awaited<ReturnType<typeof underSwitches>>): void {
  const { answers, windows } = run;
  expect(problemsOf(answers)).toEqual([]);
  expect(answers.every((a) => a.view && (a.view.status < 500 || a.view.status === 503))).toBe(true);
  for (const w of windows) {
    // The traffic really overlapped every switch.
    expect(inFlightAt(answers, w.from).length, `${w.kind} had requests in flight`).toBeGreaterThan(
      0,
    );
    // Requests that arrived while the runtime was down waited for the boot and got a real answer,
    // unless a later crash cut them off (a slow one can still run when the next switch begins).
    const cutByLaterCrash = (a: Answer) =>
      windows.some((c) => c.kind === "crash" && c.from > w.from && inFlightAt([a], c.from).length);
    expect(
      arrivedDuring(answers, w.from, w.to).filter((a) => unavailable(a) && !cutByLaterCrash(a)),
    ).toEqual([]);
  }
  // A graceful restart drained the requests in flight: none was cut off.
  for (const w of windows.filter((x) => x.kind === "restart")) {
    expect(inFlightAt(answers, w.from).filter(unavailable)).toEqual([]);
  }
}

describe("restart and crash under traffic, through the harness", () => {
  const h = useHarness({ isolates: 2, vars: { KV_RETRY_BASE_MS: "5" } });
  beforeAll(async () => {
    await h().faults.set([SLOW_KV]);
  });

  it("answers every request with the Worker's answer or 503 worker_unavailable + Retry-After", async () => {
    let n = 0;
    const send: Send = (path, init) => h().fetch(path, init, n++ % 2);
    const run = await underSwitches(
      send,
      [
        { kind: "restart", run: () => h().restart() },
        { kind: "crash", run: () => h().crashAndRecover() },
        { kind: "restart", run: () => h().restart() },
        { kind: "crash", run: () => h().crashAndRecover() },
      ],
      3,
    );
    checkRun(run);
    // A crash cuts off what was in flight; those got the 503 (not a transport error or a 500).
    const cut = run.windows
      .filter((w) => w.kind === "crash")
      .flatMap((w) => inFlightAt(run.answers, w.from));
    expect(cut.filter(unavailable).length).toBeGreaterThan(0);
    await expectAllCreatedInKv(h(), run.created);
  });

  it("holds a request sent just after a crash or restart began for the new Worker", async () => {
    for (const begin of [() => h().crashAndRecover(), () => h().restart()]) {
      const switching = begin();
      // Sent once the call returned its promise: the runtime is already switching, so this
      // request waits for the new one instead of reaching the old one and being cut off.
      const sent = h().fetch("/api/shares?limit=1");
      await switching;
      const view = await viewResponse(await sent);
      expect(view.status, view.text).toBe(200);
    }
  });
});

describe("restart and crash under traffic, through the dev server", () => {
  const h = useHarness({ isolates: 1, vars: { KV_RETRY_BASE_MS: "5" } });
  let server: DevServer;
  beforeAll(async () => {
    await h().faults.set([SLOW_KV]);
    server = await startDevServer({ harness: h(), port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("never answers 500: in-flight requests complete or get 503 with Retry-After", async () => {
    const send: Send = (path, init) => fetch(`${server.url}${path}`, init);
    const control = async () => {
      const res = await fetch(`${server.url}/__harness/restart`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(200);
      await res.body?.cancel();
    };
    const run = await underSwitches(
      send,
      [
        { kind: "restart", run: control },
        { kind: "crash", run: () => h().crashAndRecover() },
        { kind: "restart", run: control },
      ],
      4,
    );
    checkRun(run);
    await expectAllCreatedInKv(h(), run.created);
  });

  it("answers control calls cut off by a crash with 503 worker_unavailable, not 500", async () => {
    const calls = Array.from({ length: 6 }, () => fetch(`${server.url}/__harness/counters`));
    await h().crashAndRecover();
    for (const res of await Promise.all(calls)) {
      const text = await res.text();
      expect([200, 503], text).toContain(res.status);
      if (res.status === 503) {
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(JSON.parse(text)).toMatchObject({ error: { code: "worker_unavailable" } });
      }
    }
  });
});
