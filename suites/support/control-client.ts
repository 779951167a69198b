/**
 * @module suites/support/control-client
 * `TargetControl` over the dev server's control API (`<base>/__harness/...`), for a session's
 * own harness: restart, faults, virtual clock, direct KV, counters and logs. Crashes, R2 reads
 * and image-host handlers have no HTTP route, so a session does not offer them.
 */
import type { CountersReport, FaultRule, KvSnapshot, LogLine } from "../../harness/types.js";
import type { TargetControl, TargetKv } from "./target.js";

/** `fetch` relative to one base URL. */
export type Call = (path: string, init?: RequestInit) => Promise<Response>;

/** A JSON control call; a non-2xx answer throws with the control API's own error message. */
export function controlJson(call: Call) {
  return async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await call(`/__harness${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...init.headers },
    });
    if (!res.ok) throw new Error(`control API ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

export function createControlClient(call: Call): TargetControl {
  const json = controlJson(call);
  const kv: TargetKv = {
    get: async (key) => (await kv.getWithMetadata(key)).value,
    getWithMetadata: async (key) => {
      const res = await call(`/__harness/kv/${encodeURIComponent(key)}`);
      if (res.status === 404) return { value: null, metadata: null };
      const body = (await res.json()) as {
        value: string;
        metadata: unknown;
        expiration: number | null;
      };
      return {
        value: body.value,
        metadata: body.metadata,
        ...(body.expiration !== null ? { expiration: body.expiration } : {}),
      };
    },
    // One entry straight into the store, as harness.kv.put (a snapshot load would also restart
    // the Worker's isolates, which a single write must not).
    put: async (key, value, options = {}) =>
      void (await json(`/kv/${encodeURIComponent(key)}`, {
        method: "PUT",
        body: JSON.stringify({ value, ...options }),
      })),
    delete: async (key) =>
      void (await json(`/kv/${encodeURIComponent(key)}`, { method: "DELETE" })),
    list: (options = {}) => {
      const query = new URLSearchParams(
        Object.entries(options)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]): [string, string] => [k, String(v)]),
      );
      return json(`/kv?${query}`);
    },
    // Merged into the store (no ?replace): the Worker's isolates restart afterwards.
    load: async (snapshot) =>
      void (await json("/snapshot", { method: "PUT", body: JSON.stringify(snapshot) })),
    snapshot: (options = {}) =>
      json<KvSnapshot>(
        `/snapshot${options.prefix ? `?prefix=${encodeURIComponent(options.prefix)}` : ""}`,
      ),
  };
  return {
    restart: async () => void (await json("/restart", { method: "POST" })),
    faults: {
      add: async (rule) =>
        (await json<{ rule: FaultRule }>("/faults", { method: "POST", body: JSON.stringify(rule) }))
          .rule,
      clear: async () => void (await json("/faults", { method: "DELETE" })),
    },
    clock: {
      now: async () => (await json<{ now: number }>("/clock")).now,
      advance: async (ms) =>
        void (await json("/clock/advance", { method: "POST", body: JSON.stringify({ ms }) })),
    },
    kv,
    counters: {
      get: () => json<CountersReport>("/counters"),
      reset: async () => void (await json("/counters", { method: "DELETE" })),
    },
    logs: { all: async () => (await json<{ lines: LogLine[] }>("/logs")).lines },
  };
}
