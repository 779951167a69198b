/**
 * @module reliability/restart/traffic
 * Concurrent client traffic for the restart and crash tests: each client loops over create, get,
 * list, monitoring and health until stopped, and every answer is kept with its start and end time,
 * so a test can tell which requests were in flight when the runtime switched.
 */
import { createShareFactory } from "../../fixtures/factories/index.js";
import { viewResponse, type ResponseView } from "../support/error-shape.js";

/** One HTTP call: a path, and the init for it. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export interface Answer {
  kind: "create" | "get" | "list" | "monitoring" | "health";
  path: string;
  start: number;
  end: number;
  /** The answer, or the error when there was none. */
  view?: ResponseView;
  error?: string;
}

export interface Traffic {
  answers: Answer[];
  /** Ids answered 201. */
  created: string[];
  stop(): Promise<void>;
}

/** Traffic stops by itself after this long, so a stuck test cannot leave clients running. */
export const TRAFFIC_MAX_MS = 45_000;

/**
 * Start `clients` loops that send requests through `send` until `stop()` (or `TRAFFIC_MAX_MS`).
 * @example const t = startTraffic(path => harness.fetch(path), 8, 1); ...; await t.stop();
 */
export function startTraffic(send: Send, clients: number, seed: number): Traffic {
  const factory = createShareFactory(seed);
  const answers: Answer[] = [];
  const created: string[] = [];
  let stopped = false;
  const deadline = setTimeout(() => (stopped = true), TRAFFIC_MAX_MS);
  const call = async (kind: Answer["kind"], path: string, init?: RequestInit) => {
    const start = performance.now();
    try {
      const view = await viewResponse(await send(path, init));
      answers.push({ kind, path, start, end: performance.now(), view });
      return view;
    } catch (error) {
      answers.push({ kind, path, start, end: performance.now(), error: String(error) });
      return undefined;
    }
  };
  const loop = async (client: number) => {
    for (let step = client; !stopped; step++) {
      // Yield to timers between requests, so failing requests cannot spin without end.
      await new Promise((resolve) => setImmediate(resolve));
      switch (step % 5) {
        case 0: {
          const view = await call("create", "/api/share", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(factory.createBody()),
          });
          if (view?.status === 201) created.push((JSON.parse(view.text) as { id: string }).id);
          break;
        }
        case 1: {
          const id = created[step % Math.max(1, created.length)];
          if (id) await call("get", `/api/share/${id}`);
          break;
        }
        case 2:
          await call("list", "/api/shares?limit=5");
          break;
        case 3:
          await call("monitoring", "/api/monitoring");
          break;
        default:
          await call("health", "/healthz");
      }
    }
  };
  const running = Array.from({ length: clients }, (_, c) => loop(c));
  return {
    answers,
    created,
    stop: async () => {
      stopped = true;
      clearTimeout(deadline);
      await Promise.all(running);
    },
  };
}

/** Answers whose request was running when the window [from, to] began. */
export function inFlightAt(answers: readonly Answer[], from: number): Answer[] {
  return answers.filter((a) => a.start < from && a.end > from);
}

/** Answers whose request started while the window [from, to] was open. */
export function arrivedDuring(answers: readonly Answer[], from: number, to: number): Answer[] {
  return answers.filter((a) => a.start >= from && a.start < to);
}
