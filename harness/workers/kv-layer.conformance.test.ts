/**
 * The transparency promise, proved against Cloudflare's own KV test cases: the cases of
 * Miniflare's `packages/miniflare/test/plugins/kv/index.spec.ts` and workerd's
 * `src/workerd/api/tests/kv-test.js` (rewritten here, not copied), plus the binding's surface.
 * Each case runs on Miniflare's raw binding and on the binding a Worker gets, in both of its
 * modes (`direct`: no rules, nothing to model; `layer`: every call through the KV layer's
 * service), with faults off, and must observe identical values and error messages. Each case
 * also checks what Cloudflare's test expects, so identical-but-wrong cannot pass. Most also run
 * on the production profile with its deliberate differences set aside (write limit, replication
 * delay, `cacheStatus`), so the model answers Cloudflare's cases as Miniflare does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeHarness, type ProbeHarness } from "../test-support/probe-harness.js";

let probe: ProbeHarness;
/**
 * The production profile with its deliberate differences set aside (no write limit, no
 * replication delay; `cacheStatus` is not compared): what is left must match Miniflare.
 */
let production: ProbeHarness;
beforeAll(async () => {
  [probe, production] = await Promise.all([
    createProbeHarness(),
    createProbeHarness({
      profile: "production",
      replicationWindowMs: 0,
      writeRate: { burst: 1000 },
    }),
  ]);
});
afterAll(() => Promise.all([probe?.harness.dispose(), production?.harness.dispose()]));

const TARGETS = {
  raw: "RAW",
  direct: "LAYER_0:direct",
  layer: "LAYER_0:layer",
  production: "LAYER_0",
} as const;
type TargetName = keyof typeof TARGETS;
const harnessOf = (target: TargetName) => (target === "production" ? production : probe);

/** A binding as a case sees it: every key it names is put under the target's own namespace. */
interface Kv {
  ns: string;
  /** A call with the key exactly as given (no namespace). */
  unprefixed(method: string, ...args: unknown[]): Promise<unknown>;
  call(method: string, ...args: unknown[]): Promise<unknown>;
  scenario(name: string, key: string, arg?: number): Promise<unknown>;
}

/** What a call did: its value, or its error's name and message. */
type Seen = { value: unknown } | { error: { name: string; message: string } };

async function seen(p: Promise<unknown>): Promise<Seen> {
  try {
    return { value: await p };
  } catch (e) {
    const error = e as Error & { errorName?: string };
    return { error: { name: error.errorName ?? error.name, message: error.message } };
  }
}

/**
 * Observations with the namespace taken out of every string and cursors made comparable; with
 * `production`, its `cacheStatus` (`HIT`/`MISS`, null in Miniflare) is set aside too.
 */
function normalise(value: unknown, ns: string, production = false): unknown {
  const again = (v: unknown) => normalise(v, ns, production);
  if (typeof value === "string") return value.split(ns).join("");
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [again(k), again(v)]));
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(again);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === "cursor" && typeof v === "string") return [k, "<cursor>"];
        if (k === "cacheStatus" && production) return [k, null];
        return [k, again(v)];
      }),
    );
  }
  return value;
}

function kvFor(target: TargetName, caseIndex: number): Kv {
  const ns = `c${caseIndex}-${target}-`;
  const prefixed = (method: string, args: unknown[]) => {
    const [first, ...rest] = args;
    if (method === "list") {
      const options = (first ?? {}) as { prefix?: string };
      return [{ ...options, prefix: ns + (options.prefix ?? "") }, ...rest];
    }
    if (typeof first === "string") return [ns + first, ...rest];
    if (Array.isArray(first)) return [first.map((k: string) => ns + k), ...rest];
    return args;
  };
  const h = harnessOf(target);
  return {
    ns,
    unprefixed: (method, ...args) => h.call(TARGETS[target], method, ...args),
    call: (method, ...args) => h.call(TARGETS[target], method, ...prefixed(method, args)),
    scenario: (name, key, arg) => h.scenario(TARGETS[target], name, ns + key, arg),
  };
}

interface Case {
  /** Where the case comes from. */
  from: string;
  name: string;
  /** Runs on one target; returns what it observed. */
  run(kv: Kv): Promise<unknown>;
  /** What Cloudflare's test expects of the observation (checked on every target). */
  expected(observed: unknown): void;
  /** Why the production profile is not compared (it differs on purpose, or a test there covers it). */
  notInProduction?: string;
}

const MF = "miniflare kv/index.spec.ts";
const WD = "workerd api/tests/kv-test.js";
const SURFACE = "binding surface";

const now = () => Math.floor(Date.now() / 1000);
const FAR = now() + 7200;
const err = (message: string, name = "Error") => ({ error: { name, message } });
const longKey = "x".repeat(513);
let fixedExpirations: { past: number; soon: number } | undefined;
/** One past and one too-soon expiration for every target of the case (fixed at first use). */
const expirations = () => (fixedExpirations ??= { past: now() - 10, soon: now() + 30 });

async function validatesKey(kv: Kv, method: "get" | "put" | "delete") {
  const args = method === "put" ? ["value"] : [];
  const out: Seen[] = [];
  // Raw keys, not namespaced: the namespace would make "" and "." valid.
  for (const key of ["", ".", "..", longKey]) {
    out.push(await seen(kv.unprefixed(method, key, ...args)));
  }
  return out;
}

function keyValidation(method: "GET" | "PUT" | "DELETE") {
  return (o: unknown) =>
    expect(o).toEqual([
      err("Key name cannot be empty.", "TypeError"),
      err('"." is not allowed as a key name.', "TypeError"),
      err('".." is not allowed as a key name.', "TypeError"),
      err(`KV ${method} failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.`),
    ]);
}

async function putAll(
  kv: Kv,
  values: Record<string, { value: string; expiration?: number; metadata?: unknown }>,
) {
  for (const [key, v] of Object.entries(values)) {
    await kv.call("put", key, v.value, {
      ...(v.expiration !== undefined ? { expiration: v.expiration } : {}),
      ...(v.metadata !== undefined ? { metadata: v.metadata } : {}),
    });
  }
}

/** Pages of `list` following cursors, as Miniflare's `testList` does. */
async function pages(kv: Kv, options: { prefix?: string; limit?: number }, count: number) {
  const out: unknown[] = [];
  let cursor = "";
  for (let i = 0; i < count; i++) {
    const page = (await kv.call("list", { ...options, cursor })) as {
      keys: unknown[];
      list_complete: boolean;
      cursor?: string;
    };
    out.push(page);
    cursor = page.cursor ?? "";
  }
  return out;
}

const VALUE_LIMIT = 25 * 1024 * 1024;

/**
 * A value one byte past 25 MiB, put by `scenario`, is refused with production's text and not
 * stored; with `atLimit` (the scenario's answer), one of exactly 25 MiB is stored.
 */
function valueSizeCase(name: string, scenario: string, atLimit?: unknown): Case {
  return {
    from: MF,
    name,
    notInProduction: "25 MiB values: kv-layer.production.test.ts › value: 25 MiB",
    run: async (kv) => [
      await seen(kv.scenario(scenario, "over", VALUE_LIMIT + 1)),
      await seen(kv.call("get", "over")),
      ...(atLimit === undefined
        ? []
        : [await seen(kv.scenario(scenario, "at", VALUE_LIMIT)), await kv.call("delete", "at")]),
    ],
    expected: (o) =>
      expect(o).toEqual([
        err("KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400."),
        { value: null },
        ...(atLimit === undefined ? [] : [{ value: atLimit }, undefined]),
      ]),
  };
}

const listed = (...names: (string | Record<string, unknown>)[]) =>
  names.map((n) => (typeof n === "string" ? { name: n } : n));

const CASES: Case[] = [
  {
    from: MF,
    name: "get: validates key",
    run: (kv) => validatesKey(kv, "get"),
    expected: keyValidation("GET"),
  },
  {
    from: MF,
    name: "get: returns value",
    run: async (kv) => {
      await kv.call("put", "key", "value");
      return seen(kv.call("get", "key"));
    },
    expected: (o) => expect(o).toEqual({ value: "value" }),
  },
  {
    from: MF,
    name: "get: returns ArrayBuffer values",
    run: async (kv) => (await kv.scenario("putBinary", "bin")) as unknown,
    expected: (o) =>
      expect((o as Record<string, { bytes: number[] }>).buffer!.bytes).toEqual([
        0, 1, 2, 127, 128, 254, 255,
      ]),
  },
  {
    from: MF,
    name: "get: returns stream values",
    run: async (kv) => (await kv.scenario("putBinary", "st")) as unknown,
    expected: (o) =>
      expect((o as Record<string, { stream: number[] }>).stream!.stream).toEqual([
        0, 1, 2, 127, 128, 254, 255,
      ]),
  },
  {
    from: MF,
    name: "bulk get: returns value",
    run: async (kv) => {
      await kv.call("put", "key1", "value1");
      return seen(kv.call("get", ["key1", "key2"]));
    },
    expected: (o) =>
      expect(o).toEqual({
        value: new Map([
          ["key1", "value1"],
          ["key2", null],
        ]),
      }),
  },
  {
    from: MF,
    name: "bulk get: check max keys",
    run: async (kv) => {
      await kv.call("put", "key1", "value1");
      return seen(
        kv.call(
          "get",
          Array.from({ length: 101 }, (_, i) => `key${i}`),
        ),
      );
    },
    expected: (o) =>
      expect(o).toEqual(err("KV GET_BULK failed: 400 You can request a maximum of 100 keys")),
  },
  {
    from: MF,
    name: "bulk get: check minimum keys",
    run: (kv) => seen(kv.call("get", [])),
    expected: (o) =>
      expect(o).toEqual(err("KV GET_BULK failed: 400 You must request a minimum of 1 key")),
  },
  {
    from: MF,
    name: "bulk get: invalid type",
    run: async (kv) => [
      await seen(kv.call("get", ["key"], { type: "invalid" })),
      await seen(kv.call("get", ["key"], "arrayBuffer")),
      await seen(kv.call("getWithMetadata", ["key"], "stream")),
    ],
    expected: (o) =>
      expect(o).toEqual([
        err('KV GET_BULK failed: 400 "invalid" is not a valid type. Use "json" or "text"'),
        err('KV GET_BULK failed: 400 "arrayBuffer" is not a valid type. Use "json" or "text"'),
        err('KV GET_BULK failed: 400 "stream" is not a valid type. Use "json" or "text"'),
      ]),
  },
  {
    from: MF,
    name: "bulk get: request json type",
    run: async (kv) => {
      await kv.call("put", "key1", '{"example": "ex"}');
      await kv.call("put", "key2", "example");
      return [
        await seen(kv.call("get", ["key1"])),
        await seen(kv.call("get", ["key1"], "json")),
        await seen(kv.call("get", ["key1", "key2"], "json")),
      ];
    },
    expected: (o) =>
      expect(o).toEqual([
        { value: new Map([["key1", '{"example": "ex"}']]) },
        { value: new Map([["key1", { example: "ex" }]]) },
        err(
          "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value",
        ),
      ]),
  },
  {
    from: MF,
    name: "bulk get: check metadata",
    run: async (kv) => {
      await kv.call("put", "key1", "value1", { expiration: FAR, metadata: { testing: true } });
      await kv.call("put", "key2", "value2");
      return seen(kv.call("getWithMetadata", ["key1", "key2"]));
    },
    expected: (o) =>
      expect(o).toEqual({
        value: new Map([
          ["key1", { value: "value1", metadata: { testing: true } }],
          ["key2", { value: "value2", metadata: null }],
        ]),
      }),
  },
  {
    from: MF,
    name: "bulk get: check metadata with int and as string",
    run: async (kv) => {
      await kv.call("put", "key1", "value1", { expiration: FAR, metadata: 123 });
      await kv.call("put", "key2", "value2", { expiration: FAR, metadata: "example" });
      return seen(kv.call("getWithMetadata", ["key1", "key2"]));
    },
    expected: (o) =>
      expect(o).toEqual({
        value: new Map([
          ["key1", { value: "value1", metadata: 123 }],
          ["key2", { value: "value2", metadata: "example" }],
        ]),
      }),
  },
  {
    from: MF,
    name: "bulk get: get with metadata for 404",
    run: (kv) => seen(kv.call("getWithMetadata", ["key1"])),
    expected: (o) => expect(o).toEqual({ value: new Map([["key1", null]]) }),
  },
  {
    from: MF,
    name: "bulk get: get over size limit (25 MiB in total)",
    notInProduction: "25 MiB values: kv-layer.production.test.ts › value: 25 MiB",
    run: async (kv) => {
      await kv.scenario("putSized", "big1", 13 * 1024 * 1024);
      await kv.scenario("putSized", "big2", 13 * 1024 * 1024);
      const out = await seen(kv.call("getWithMetadata", ["big1", "big2"]));
      await kv.call("delete", "big1");
      await kv.call("delete", "big2");
      return out;
    },
    expected: (o) =>
      expect(o).toEqual(
        err("KV GET_BULK failed: 413 Total size of request exceeds the limit of 25MB"),
      ),
  },
  {
    from: MF,
    name: "get: returns null for non-existent keys",
    run: (kv) => seen(kv.call("get", "key")),
    expected: (o) => expect(o).toEqual({ value: null }),
  },
  {
    from: MF,
    name: "get: validates but ignores cache ttl",
    run: async (kv) => {
      await kv.call("put", "key", "value");
      return [
        await seen(kv.call("get", "key", { cacheTtl: "not a number" })),
        await seen(kv.call("get", "key", { cacheTtl: 10 })),
        await seen(kv.call("get", "key", { cacheTtl: 30 })),
        await seen(kv.call("get", "key", { cacheTtl: 60 })),
        await seen(kv.call("getWithMetadata", "key", { cacheTtl: 29 })),
      ];
    },
    expected: (o) =>
      expect(o).toEqual([
        err("KV GET failed: 400 Invalid cache_ttl of 0. Cache TTL must be at least 30."),
        err("KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30."),
        { value: "value" },
        { value: "value" },
        err("KV GET failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30."),
      ]),
  },
  {
    from: MF,
    name: "put: validates key",
    run: (kv) => validatesKey(kv, "put"),
    expected: keyValidation("PUT"),
  },
  {
    from: MF,
    name: "put: puts value (metadata, expiration in list)",
    run: async (kv) => {
      await kv.call("put", "key", "value", { expiration: FAR, metadata: { testing: true } });
      return [await seen(kv.call("getWithMetadata", "key")), await seen(kv.call("list", {}))];
    },
    expected: (o) =>
      expect(o).toEqual([
        { value: { value: "value", metadata: { testing: true }, cacheStatus: null } },
        {
          value: {
            keys: [{ name: "key", expiration: FAR, metadata: { testing: true } }],
            list_complete: true,
            cacheStatus: null,
          },
        },
      ]),
  },
  {
    from: MF,
    name: "put: puts empty value",
    run: async (kv) => {
      await kv.call("put", "key", "");
      return [await seen(kv.call("get", "key")), await seen(kv.call("getWithMetadata", "key"))];
    },
    expected: (o) =>
      expect(o).toEqual([
        { value: "" },
        { value: { value: "", metadata: null, cacheStatus: null } },
      ]),
  },
  {
    from: MF,
    name: "bulk get: check metadata for falsy values",
    run: async (kv) => {
      await kv.call("put", "key1", "", { metadata: { testing: true } });
      return seen(kv.call("getWithMetadata", ["key1"]));
    },
    expected: (o) =>
      expect(o).toEqual({ value: new Map([["key1", { value: "", metadata: { testing: true } }]]) }),
  },
  {
    from: MF,
    name: "bulk get: check metadata for falsy json values",
    run: async (kv) => {
      await kv.call("put", "key1", "0", { metadata: { testing: "zero" } });
      await kv.call("put", "key2", "false", { metadata: { testing: "false" } });
      return seen(kv.call("getWithMetadata", ["key1", "key2"], "json"));
    },
    expected: (o) =>
      expect(o).toEqual({
        value: new Map([
          ["key1", { value: 0, metadata: { testing: "zero" } }],
          ["key2", { value: false, metadata: { testing: "false" } }],
        ]),
      }),
  },
  {
    from: MF,
    name: "put: overrides existing keys",
    run: async (kv) => {
      await kv.call("put", "key", "value1");
      await kv.call("put", "key", "value2", { expiration: FAR, metadata: { testing: true } });
      return seen(kv.call("getWithMetadata", "key"));
    },
    expected: (o) =>
      expect(o).toEqual({
        value: { value: "value2", metadata: { testing: true }, cacheStatus: null },
      }),
  },
  {
    from: MF,
    name: "put: keys are case-sensitive",
    run: async (kv) => {
      await kv.call("put", "key", "lower");
      await kv.call("put", "KEY", "upper");
      return [await seen(kv.call("get", "key")), await seen(kv.call("get", "KEY"))];
    },
    expected: (o) => expect(o).toEqual([{ value: "lower" }, { value: "upper" }]),
  },
  {
    from: MF,
    name: "put: validates expiration ttl",
    run: async (kv) => [
      await seen(kv.call("put", "key", "value", { expirationTtl: "nan" })),
      await seen(kv.call("put", "key", "value", { expirationTtl: 0 })),
      await seen(kv.call("put", "key", "value", { expirationTtl: 30 })),
      await seen(kv.call("put", "key", "value", { expirationTtl: -5 })),
    ],
    expected: (o) =>
      expect(o).toEqual([
        err(
          "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.",
        ),
        err(
          "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0.",
        ),
        err("KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."),
        err(
          "KV PUT failed: 400 Invalid expiration_ttl of -5. Please specify integer greater than 0.",
        ),
      ]),
  },
  {
    from: MF,
    name: "put: validates expiration",
    run: async (kv) => {
      const { past, soon } = expirations();
      return [
        await seen(kv.call("put", "key", "value", { expiration: "nan" })),
        await seen(kv.call("put", "key", "value", { expiration: past })),
        await seen(kv.call("put", "key", "value", { expiration: soon })),
      ];
    },
    expected: (o) => {
      const { past, soon } = expirations();
      expect(o).toEqual([
        err(
          "KV PUT failed: 400 Invalid expiration of 0. Please specify integer greater than the current number of seconds since the UNIX epoch.",
        ),
        err(
          `KV PUT failed: 400 Invalid expiration of ${past}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
        ),
        err(
          `KV PUT failed: 400 Invalid expiration of ${soon}. Expiration times must be at least 60 seconds in the future.`,
        ),
      ]);
    },
  },
  valueSizeCase("put: validates value size (25 MiB)", "putSized"),
  {
    from: MF,
    name: "put: validates metadata size",
    run: async (kv) => [
      await seen(kv.call("put", "key", "value", { metadata: { key: "x".repeat(1024 - 10 + 1) } })),
      await seen(kv.call("put", "key", "value", { metadata: { key: "x".repeat(1024 - 10) } })),
    ],
    expected: (o) =>
      expect(o).toEqual([
        err("KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."),
        { value: undefined },
      ]),
  },
  {
    from: MF,
    name: "delete: validates key",
    run: (kv) => validatesKey(kv, "delete"),
    expected: keyValidation("DELETE"),
  },
  {
    from: MF,
    name: "delete: deletes existing keys, and does nothing for missing ones",
    run: async (kv) => {
      await kv.call("put", "key", "value");
      const before = await seen(kv.call("get", "key"));
      await kv.call("delete", "key");
      return [before, await seen(kv.call("get", "key")), await seen(kv.call("delete", "none"))];
    },
    expected: (o) => expect(o).toEqual([{ value: "value" }, { value: null }, { value: undefined }]),
  },
  {
    from: MF,
    name: "list: lists keys in sorted order",
    run: async (kv) => {
      await putAll(kv, { key3: { value: "3" }, key1: { value: "1" }, key2: { value: "2" } });
      return pages(kv, {}, 1);
    },
    expected: (o) =>
      expect(o).toEqual([
        { keys: listed("key1", "key2", "key3"), list_complete: true, cacheStatus: null },
      ]),
  },
  {
    from: MF,
    name: "list: lists keys matching prefix",
    run: async (kv) => {
      await putAll(kv, {
        section1key1: { value: "11" },
        section1key2: { value: "12" },
        section2key1: { value: "21" },
      });
      return pages(kv, { prefix: "section1" }, 1);
    },
    expected: (o) =>
      expect((o as { keys: unknown }[])[0]!.keys).toEqual(listed("section1key1", "section1key2")),
  },
  {
    from: MF,
    name: "list: prefix is case-sensitive",
    run: async (kv) => {
      await putAll(kv, {
        key1: { value: "l1" },
        key2: { value: "l2" },
        KEY1: { value: "u1" },
        KEY2: { value: "u2" },
      });
      return pages(kv, { prefix: "KEY" }, 1);
    },
    expected: (o) => expect((o as { keys: unknown }[])[0]!.keys).toEqual(listed("KEY1", "KEY2")),
  },
  {
    from: MF,
    name: "list: prefix permits special characters",
    run: async (kv) => {
      await putAll(kv, {
        "key\\_%1": { value: "1" },
        "key\\a": { value: "bad1" },
        "key\\_%2": { value: "2" },
        "key\\bbb": { value: "bad2" },
        "key\\_%3": { value: "3" },
      });
      return pages(kv, { prefix: "key\\_%" }, 1);
    },
    expected: (o) =>
      expect((o as { keys: unknown }[])[0]!.keys).toEqual(
        listed("key\\_%1", "key\\_%2", "key\\_%3"),
      ),
  },
  {
    from: MF,
    name: "list: lists keys with expiration and metadata",
    run: async (kv) => {
      await putAll(kv, {
        key1: { value: "1", expiration: FAR },
        key2: { value: "2", expiration: FAR + 100, metadata: { testing: 2 } },
        key3: { value: "3", metadata: { testing: 3 } },
      });
      return pages(kv, {}, 1);
    },
    expected: (o) =>
      expect((o as { keys: unknown }[])[0]!.keys).toEqual([
        { name: "key1", expiration: FAR },
        { name: "key2", expiration: FAR + 100, metadata: { testing: 2 } },
        { name: "key3", metadata: { testing: 3 } },
      ]),
  },
  {
    from: MF,
    name: "list: returns an empty list with no keys or no matching keys",
    run: async (kv) => {
      const empty = await pages(kv, {}, 1);
      await putAll(kv, { key1: { value: "1" } });
      return [empty, await pages(kv, { prefix: "none" }, 1)];
    },
    expected: (o) =>
      expect(o).toEqual([
        [{ keys: [], list_complete: true, cacheStatus: null }],
        [{ keys: [], list_complete: true, cacheStatus: null }],
      ]),
  },
  {
    from: MF,
    name: "list: paginates keys",
    run: async (kv) => {
      await putAll(kv, { key1: { value: "1" }, key2: { value: "2" }, key3: { value: "3" } });
      return pages(kv, { limit: 2 }, 2);
    },
    expected: (o) =>
      expect(o).toEqual([
        {
          keys: listed("key1", "key2"),
          list_complete: false,
          cursor: "<cursor>",
          cacheStatus: null,
        },
        { keys: listed("key3"), list_complete: true, cacheStatus: null },
      ]),
  },
  {
    from: MF,
    name: "list: paginates keys matching prefix",
    run: async (kv) => {
      await putAll(kv, {
        section1key1: { value: "11" },
        section1key2: { value: "12" },
        section1key3: { value: "13" },
        section2key1: { value: "21" },
      });
      return pages(kv, { prefix: "section1", limit: 2 }, 2);
    },
    expected: (o) =>
      expect((o as { keys: unknown }[]).map((p) => p.keys)).toEqual([
        listed("section1key1", "section1key2"),
        listed("section1key3"),
      ]),
  },
  {
    from: MF,
    name: "list: accepts long prefix",
    run: async (kv) => {
      const long = "x".repeat(512 - kv.ns.length);
      await kv.call("put", long, "value");
      const page = (await kv.call("list", { prefix: long })) as { keys: { name: string }[] };
      return page.keys.map((k) => k.name === kv.ns + long);
    },
    expected: (o) => expect(o).toEqual([true]),
  },
  {
    from: MF,
    name: "list: paginates with variable limit",
    run: async (kv) => {
      await putAll(kv, { key1: { value: "1" }, key2: { value: "2" }, key3: { value: "3" } });
      const first = (await kv.call("list", { limit: 1 })) as { cursor: string };
      return [first, await kv.call("list", { limit: 2, cursor: first.cursor })];
    },
    expected: (o) =>
      expect(o).toEqual([
        { keys: listed("key1"), list_complete: false, cursor: "<cursor>", cacheStatus: null },
        { keys: listed("key2", "key3"), list_complete: true, cacheStatus: null },
      ]),
  },
  {
    from: MF,
    name: "list: returns keys inserted whilst paginating",
    run: async (kv) => {
      await putAll(kv, { key1: { value: "1" }, key3: { value: "3" }, key5: { value: "5" } });
      const first = (await kv.call("list", { limit: 2 })) as { cursor: string };
      await putAll(kv, { key2: { value: "2" }, key4: { value: "4" } });
      return [first, await kv.call("list", { limit: 2, cursor: first.cursor })];
    },
    expected: (o) =>
      expect((o as { keys: unknown }[]).map((p) => p.keys)).toEqual([
        listed("key1", "key3"),
        listed("key4", "key5"),
      ]),
  },
  {
    from: MF,
    name: "list: sorts lexicographically",
    run: async (kv) => {
      await putAll(kv, { ", ": { value: "v" }, "!": { value: "v" } });
      return pages(kv, {}, 1);
    },
    expected: (o) => expect((o as { keys: unknown }[])[0]!.keys).toEqual(listed("!", ", ")),
  },
  {
    from: MF,
    name: "list: validates limit and prefix length",
    run: async (kv) => [
      await seen(kv.call("list", { limit: 1001 })),
      await seen(kv.unprefixed("list", { prefix: longKey })),
      await seen(kv.call("list", { limit: 1000 })),
    ],
    expected: (o) =>
      expect((o as Seen[]).slice(0, 2)).toEqual([
        err(
          "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
        ),
        err("KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."),
      ]),
  },
  {
    from: WD,
    name: "getTest: get with options {}, json, stream and arrayBuffer",
    run: async (kv) => {
      await kv.call("put", "success", "value-success");
      await kv.call("put", "get-json", JSON.stringify({ example: "values" }));
      return [
        await seen(kv.call("get", "success", {})),
        await seen(kv.call("get", "get-json")),
        await seen(kv.call("get", "get-json", "json")),
        await seen(kv.call("get", "success", "stream")),
        await seen(kv.call("get", "success", "arrayBuffer")),
        await seen(kv.call("get", "fail-client")),
      ];
    },
    expected: (o) =>
      expect(o).toEqual([
        { value: "value-success" },
        { value: '{"example":"values"}' },
        { value: { example: "values" } },
        { value: { $stream: "value-success" } },
        { value: new TextEncoder().encode("value-success") },
        { value: null },
      ]),
  },
  {
    from: WD,
    name: "getBulkTest: quoted keys, 100 keys, cacheTtl on bulk",
    run: async (kv) => {
      await kv.call("put", "key1", '{"example":"values-key1"}');
      await kv.call("put", 'key"2', '{"example":"values-key\\"2"}');
      const hundred = Array.from({ length: 100 }, (_, i) => `key${i}`);
      return [
        await seen(kv.call("get", ["key1", 'key"2'])),
        await seen(kv.call("get", ["key1", "not-found"], { cacheTtl: 100 })),
        await seen(kv.call("get", hundred, {}).then((m) => (m as Map<string, unknown>).size)),
        await seen(kv.call("get", ["key1", 'key"2'], "json")),
      ];
    },
    expected: (o) =>
      expect(o).toEqual([
        {
          value: new Map([
            ["key1", '{"example":"values-key1"}'],
            ['key"2', '{"example":"values-key\\"2"}'],
          ]),
        },
        {
          value: new Map([
            ["key1", '{"example":"values-key1"}'],
            ["not-found", null],
          ]),
        },
        { value: 100 },
        {
          value: new Map([
            ["key1", { example: "values-key1" }],
            ['key"2', { example: 'values-key"2' }],
          ]),
        },
      ]),
  },
  {
    from: WD,
    name: "getBulkTest: getWithMetadata single and bulk, unicode metadata",
    run: async (kv) => {
      const metadata = { someMetadataKey: "someMetadataValue", someUnicodeMeta: "🤓" };
      await kv.call("put", "key1", "value-key1", { metadata });
      return [
        await seen(kv.call("getWithMetadata", "key1")),
        await seen(kv.call("getWithMetadata", ["key1"])),
        await seen(kv.call("getWithMetadata", ["key1", "missing"], "text")),
      ];
    },
    expected: (o) => {
      const metadata = { someMetadataKey: "someMetadataValue", someUnicodeMeta: "🤓" };
      expect(o).toEqual([
        { value: { value: "value-key1", metadata, cacheStatus: null } },
        { value: new Map([["key1", { value: "value-key1", metadata }]]) },
        {
          value: new Map([
            ["key1", { value: "value-key1", metadata }],
            ["missing", null],
          ]),
        },
      ]);
    },
  },
  {
    from: WD,
    name: "listTest: cursor and list_complete shape, cacheStatus, not-found prefix",
    run: async (kv) => {
      for (let i = 0; i < 5; i++) {
        await kv.call("put", `test${i}`, "v", {
          metadata: { someMetadataKey: "someMetadataValue" },
        });
      }
      const first = (await kv.call("list", { prefix: "te", limit: 3 })) as { cursor: string };
      return [
        first,
        await kv.call("list", { prefix: "te", limit: 100, cursor: first.cursor }),
        await kv.call("list", { prefix: "not-found" }),
      ];
    },
    expected: (o) => {
      const m = { metadata: { someMetadataKey: "someMetadataValue" } };
      expect(o).toEqual([
        {
          keys: ["test0", "test1", "test2"].map((name) => ({ name, ...m })),
          list_complete: false,
          cursor: "<cursor>",
          cacheStatus: null,
        },
        {
          keys: ["test3", "test4"].map((name) => ({ name, ...m })),
          list_complete: true,
          cacheStatus: null,
        },
        { keys: [], list_complete: true, cacheStatus: null },
      ]);
    },
  },
  {
    from: WD,
    name: "putTest: expiration, expirationTtl and an ArrayBuffer value",
    run: async (kv) => {
      await kv.call("put", "foo_with_exp", "bar1", { expiration: FAR });
      await kv.call("put", "foo_with_expTtl", "bar2 a bit longer value", { expirationTtl: 3600 });
      const bin = (await kv.scenario("putBinary", "foo_bin")) as Record<string, unknown>;
      const { keys } = (await kv.call("list", { prefix: "foo_with" })) as {
        keys: { name: string; expiration: number }[];
      };
      return {
        names: keys.map((k) => k.name),
        exp: keys[0]!.expiration,
        ttlInRange: Math.abs(keys[1]!.expiration - (now() + 3600)) <= 60,
        buffer: bin.buffer,
      };
    },
    expected: (o) =>
      expect(o).toMatchObject({
        names: ["foo_with_exp", "foo_with_expTtl"],
        exp: FAR,
        ttlInRange: true,
      }),
  },
  valueSizeCase("put: validates value size of a stream with no length (25 MiB)", "putSizedStream", {
    listed: [true],
  }),
  {
    from: MF,
    name: "put: validates metadata size with a streamed value",
    run: async (kv) => [
      await seen(kv.scenario("putStreamWithMetadata", "key", 1025)),
      await seen(kv.scenario("putStreamWithMetadata", "key", 1024)),
    ],
    expected: (o) =>
      expect(o).toEqual([
        err("KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."),
        { value: { metadataLength: 1024 } },
      ]),
  },
  {
    from: MF,
    name: "list: lists keys with expiration",
    run: async (kv) => {
      await putAll(kv, {
        key1: { value: "1", expiration: FAR },
        key2: { value: "2", expiration: FAR + 100 },
        key3: { value: "3", expiration: FAR + 200 },
      });
      return pages(kv, {}, 1);
    },
    expected: (o) =>
      expect(o).toEqual([
        {
          keys: [
            { name: "key1", expiration: FAR },
            { name: "key2", expiration: FAR + 100 },
            { name: "key3", expiration: FAR + 200 },
          ],
          list_complete: true,
          cacheStatus: null,
        },
      ]),
  },
  {
    from: MF,
    name: "list: lists keys with metadata",
    run: async (kv) => {
      await putAll(kv, {
        key1: { value: "1", metadata: { testing: 1 } },
        key2: { value: "2", metadata: { testing: 2 } },
        key3: { value: "3", metadata: { testing: 3 } },
      });
      return pages(kv, {}, 1);
    },
    expected: (o) =>
      expect((o as { keys: unknown }[])[0]!.keys).toEqual([
        { name: "key1", metadata: { testing: 1 } },
        { name: "key2", metadata: { testing: 2 } },
        { name: "key3", metadata: { testing: 3 } },
      ]),
  },
  {
    from: WD,
    name: "getBulkTest: bulk get with empty options, getWithMetadata of json values",
    run: async (kv) => {
      await kv.call("put", "key1", '{"example":"values-key1"}', { metadata: "example-metadata" });
      await kv.call("put", "key2", '{"example":"values-key2"}', { metadata: "example-metadata" });
      return [
        await seen(kv.call("get", ["key1", "key2"], {})),
        await seen(kv.call("getWithMetadata", ["key1"], "json")),
        await seen(kv.call("getWithMetadata", ["key1", "key2"], { type: "json" })),
      ];
    },
    expected: (o) => {
      const json = (k: string) => ({
        value: { example: `values-${k}` },
        metadata: "example-metadata",
      });
      expect(o).toEqual([
        {
          value: new Map([
            ["key1", '{"example":"values-key1"}'],
            ["key2", '{"example":"values-key2"}'],
          ]),
        },
        { value: new Map([["key1", json("key1")]]) },
        {
          value: new Map([
            ["key1", json("key1")],
            ["key2", json("key2")],
          ]),
        },
      ]);
    },
  },
  {
    from: WD,
    name: "listTest: a cursor the namespace did not issue",
    notInProduction: "cursors are opaque there: kv-layer.consistency.test.ts › cursors are opaque",
    run: async (kv) => {
      await putAll(kv, { a: { value: "1" }, b: { value: "2" } });
      return seen(kv.call("list", { limit: 100, cursor: "123" }));
    },
    // Miniflare reads a cursor as base64 of the last key listed: "123" is a key that sorts
    // after the case's own, so the page is empty and complete.
    expected: (o) =>
      expect(o).toEqual({ value: { keys: [], list_complete: true, cacheStatus: null } }),
  },
  {
    from: WD,
    name: "kv-resizable-arraybuffer-test: buffers changed or shrunk after put() keep their bytes",
    run: (kv) => kv.scenario("putMutatedBuffers", "buf"),
    expected: (o) =>
      expect(o).toEqual({
        resizable: "initial",
        shrunk: Array.from({ length: 64 }, (_, i) => i),
        fixed: expect.stringMatching(/^(initial|changed)$/),
      }),
  },
  {
    from: WD,
    name: "deleteBulkTest: deleteBulk is not on the binding without the experimental flag",
    run: async (kv) => ((await kv.scenario("surface", "s")) as { unknown: string[] }).unknown,
    expected: (o) => expect(o).toEqual(["undefined", "undefined", "undefined", "undefined"]),
  },
  {
    from: SURFACE,
    name: "getWithMetadata in every type (text, json, arrayBuffer, stream), and for a missing key",
    run: async (kv) => {
      await kv.call("put", "key", '{"a":1}', { metadata: { m: true } });
      const types = ["text", "json", "arrayBuffer", "stream"];
      return [
        ...(await Promise.all(types.map((type) => seen(kv.call("getWithMetadata", "key", type))))),
        await seen(kv.call("getWithMetadata", "key", { type: "json", cacheTtl: 60 })),
        await seen(kv.call("getWithMetadata", "missing", "stream")),
      ];
    },
    expected: (o) => {
      const meta = { metadata: { m: true }, cacheStatus: null };
      expect(o).toEqual([
        { value: { value: '{"a":1}', ...meta } },
        { value: { value: { a: 1 }, ...meta } },
        { value: { value: new TextEncoder().encode('{"a":1}'), ...meta } },
        { value: { value: { $stream: '{"a":1}' }, ...meta } },
        { value: { value: { a: 1 }, ...meta } },
        { value: { value: null, metadata: null, cacheStatus: null } },
      ]);
    },
  },
  {
    from: SURFACE,
    name: "the binding looks like a KvNamespace (tag, prototype, descriptors, constructor)",
    run: (kv) => kv.scenario("surface", "s"),
    expected: (o) =>
      expect(o).toMatchObject({
        string: "[object KvNamespace]",
        tag: "[object KvNamespace]",
        constructorName: "KvNamespace",
        construct: { name: "TypeError", message: "Illegal constructor" },
        instanceOfConstructor: true,
        ownKeys: [],
        protoNames: ["get", "list", "put", "getWithMetadata", "delete", "constructor"],
        forIn: ["get", "list", "put", "getWithMetadata", "delete"],
        json: "{}",
      }),
  },
  {
    from: SURFACE,
    name: "unbound methods and a foreign `this` throw Illegal invocation at once",
    run: (kv) => kv.scenario("unbound", "k"),
    expected: (o) =>
      expect(o).toMatchObject({
        detached: {
          sync: true,
          name: "TypeError",
          message: expect.stringMatching(/^Illegal invocation/),
        },
        otherThis: { sync: true, name: "TypeError" },
      }),
  },
  {
    from: SURFACE,
    name: "put() refuses Blobs and objects with KV's TypeError, turns numbers into text",
    run: (kv) => kv.scenario("putValues", "v"),
    expected: (o) => {
      const refused = {
        name: "TypeError",
        message:
          "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.",
      };
      expect(o).toMatchObject({ blob: refused, object: refused, number: { stored: "123" } });
    },
  },
  {
    from: SURFACE,
    name: "metadata that is a class instance is stored as its JSON",
    run: (kv) => kv.scenario("metadataValues", "m"),
    expected: (o) =>
      expect(o).toMatchObject({
        toJson: { metadata: { a: 1, viaToJson: true } },
        classInstance: { metadata: { a: 1 } },
        date: { metadata: "1970-01-01T00:00:00.000Z" },
        map: { metadata: {} },
        bigint: { name: "TypeError" },
        null: { metadata: null },
      }),
  },
  {
    from: SURFACE,
    name: "ArrayBuffer views, DataViews and streams are stored as their bytes",
    run: (kv) => kv.scenario("putBinary", "b"),
    expected: (o) =>
      expect(o).toMatchObject({
        view: { bytes: [2, 127, 128] },
        dataView: { bytes: [1, 2, 127] },
        textStream: { bytes: [...new TextEncoder().encode("streamed text")] },
        empty: { bytes: [], stream: [] },
      }),
  },
  {
    from: SURFACE,
    name: "odd arguments are coerced or refused exactly as workerd does",
    run: async (kv) => {
      await kv.call("put", "k", "v");
      return kv.scenario("oddArguments", "k");
    },
    expected: (o) =>
      expect(o).toMatchObject({
        getNoArgs: { name: "TypeError" },
        getBadType: { name: "TypeError" },
        getHugeCacheTtl: { name: "TypeError" },
        getStringCacheTtl: {
          message: "KV GET failed: 400 Invalid cache_ttl of 0. Cache TTL must be at least 30.",
        },
      }),
  },
];

describe("KV conformance: raw Miniflare binding vs the binding a Worker gets", () => {
  it("has at least 50 cases from Cloudflare's tests and the binding's surface", () => {
    expect(CASES.filter((c) => c.from !== SURFACE).length).toBeGreaterThanOrEqual(50);
  });

  CASES.forEach((c, i) => {
    it(`${c.from}: ${c.name}`, async () => {
      const observed: Partial<Record<TargetName, unknown>> = {};
      for (const target of Object.keys(TARGETS) as TargetName[]) {
        if (target === "production" && c.notInProduction) continue;
        const kv = kvFor(target, i);
        observed[target] = normalise(await c.run(kv), kv.ns, target === "production");
      }
      c.expected(observed.raw);
      expect(observed.direct, "direct mode differs from the raw binding").toEqual(observed.raw);
      expect(observed.layer, "through the KV layer differs from the raw binding").toEqual(
        observed.raw,
      );
      if (!c.notInProduction) {
        expect(observed.production, "the production profile differs from the raw binding").toEqual(
          observed.raw,
        );
      }
    });
  });
});

/** Binding-surface scenarios, and what the raw binding shows for each (checked on every target). */
const WORKER_SCENARIOS: { name: string; expected(observed: unknown): void }[] = [
  {
    name: "surface",
    expected: (o) =>
      expect(o).toMatchObject({
        string: "[object KvNamespace]",
        unknown: ["undefined", "undefined", "undefined", "undefined"],
      }),
  },
  {
    name: "unbound",
    expected: (o) => expect(o).toMatchObject({ detached: { sync: true, name: "TypeError" } }),
  },
  {
    name: "putValues",
    expected: (o) => expect(o).toMatchObject({ blob: { name: "TypeError" } }),
  },
  {
    name: "metadataValues",
    expected: (o) => expect(o).toMatchObject({ classInstance: { metadata: { a: 1 } } }),
  },
  {
    name: "putBinary",
    expected: (o) => expect(o).toMatchObject({ view: { bytes: [2, 127, 128] } }),
  },
  {
    name: "oddArguments",
    expected: (o) => expect(o).toMatchObject({ getNoArgs: { name: "TypeError" } }),
  },
];

describe("KV conformance: the binding in the Worker's own env, as every request gets it", () => {
  /** A rule that matches no key the scenarios use: the harness then routes through the layer. */
  const NOWHERE = {
    op: "any",
    kind: "latency",
    ms: 0,
    prefix: "no-scenario-key-has-this:",
  } as const;

  WORKER_SCENARIOS.forEach((s, i) => {
    it(`${s.name}: env binding (direct and through the layer) = raw Miniflare binding`, async () => {
      const key = (target: string) => `w${i}-${target}-k`;
      const prepare = (target: string) => probe.call("RAW", "put", key(target), "v");
      await prepare("raw");
      const raw = normalise(await probe.scenario("RAW", s.name, key("raw")), "w" + i + "-raw-");
      await prepare("direct");
      const direct = normalise(await probe.workerScenario(s.name, key("direct")), `w${i}-direct-`);
      await probe.harness.faults.set([NOWHERE]);
      let layer: unknown;
      try {
        await prepare("layer");
        layer = normalise(await probe.workerScenario(s.name, key("layer")), `w${i}-layer-`);
      } finally {
        await probe.harness.faults.clear();
      }
      s.expected(raw);
      expect(direct, "the Worker's binding (direct) differs from the raw binding").toEqual(raw);
      expect(
        layer,
        "the Worker's binding (through the layer) differs from the raw binding",
      ).toEqual(raw);
    });
  });
});

/**
 * Miniflare's expiry cases move its KV object's internal fake clock, which no public API
 * reaches. Here the harness's virtual clock moves instead (so these run last): before the move,
 * the raw binding and the Worker's binding read the same; after it, the Worker's binding (routed
 * through the layer, as every call is once the clock has moved) reads what Cloudflare's test
 * expects.
 */
describe("KV conformance: expiry on the clock the Worker's binding follows", () => {
  const WORKER = "LAYER_0";
  const sec = () => Math.floor(probe.harness.clock.now() / 1000);

  it(`${MF}: get: returns null for expired keys`, async () => {
    const read = (target: string) => probe.call(target, "get", "exp-get");
    for (const target of [TARGETS.raw, WORKER]) {
      await probe.call(target, "put", "exp-get", "value", { expirationTtl: 60 });
      expect(await read(target), target).toBe("value");
    }
    await probe.harness.clock.advance(60_000);
    expect(await read(WORKER)).toBeNull();
    expect(await probe.call(WORKER, "getWithMetadata", "exp-get")).toEqual({
      value: null,
      metadata: null,
      cacheStatus: null,
    });
  });

  it(`${MF}: list: ignores expired keys`, async () => {
    const start = sec();
    for (let i = 1; i <= 3; i++) {
      await probe.call(WORKER, "put", `exp-list:${i}`, `value${i}`, { expiration: start + i * 60 });
    }
    const list = () => probe.call(WORKER, "list", { prefix: "exp-list:" });
    expect(((await list()) as { keys: unknown[] }).keys).toHaveLength(3);
    await probe.harness.clock.advance(130_000);
    expect(await list()).toEqual({
      keys: [{ name: "exp-list:3", expiration: start + 180 }],
      list_complete: true,
      cacheStatus: null,
    });
  });
});
