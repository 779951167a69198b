/**
 * @module harness/workers/kv-scenarios
 * Named KV scenarios with values JSON cannot carry (Blobs, class instances, streams, the
 * binding's own surface), each answering what a Worker would see, and the JSON encoding of
 * their results (Maps, bytes, streams, `undefined`). The probe worker runs them on any binding;
 * the placeholder Worker runs them on its own `env` binding, so the same checks reach the binding
 * exactly as the harness hands it to a Worker.
 */

type Target = Record<string, (...args: unknown[]) => Promise<unknown>>;

export async function encode(value: unknown): Promise<unknown> {
  if (value instanceof Map) {
    const entries: [unknown, unknown][] = [];
    for (const [k, v] of value) entries.push([k, await encode(v)]);
    return { $map: entries };
  }
  if (value instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(value)] };
  if (value instanceof ReadableStream) return { $stream: await new Response(value).text() };
  if (value === undefined) return { $undefined: true };
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await encode(v);
    return out;
  }
  return value;
}

export const errorOf = (e: unknown) => {
  const error = e as Error;
  return { name: error.name, message: error.message };
};

/** `bytes` bytes of `x` in 1 MiB chunks, as a stream with no length. */
function sizedStream(bytes: number): ReadableStream<Uint8Array> {
  const chunk = 1024 * 1024;
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(chunk, left);
      left -= n;
      controller.enqueue(new Uint8Array(n).fill(120));
    },
  });
}

/** Calls whose arguments JSON cannot carry, each answering what a Worker would see. */
export const SCENARIOS: Record<
  string,
  (kv: KVNamespace, key: string, arg: number) => Promise<unknown>
> = {
  /** A value of `arg` bytes made inside workerd (JSON would be too slow a carrier). */
  async putSized(kv, key, bytes) {
    await kv.put(key, new Uint8Array(bytes).fill(120));
    return { length: (await kv.get(key, "arrayBuffer"))?.byteLength ?? null };
  },
  /** A stream of `arg` bytes with no length: the size is known only once it is read. */
  async putSizedStream(kv, key, bytes) {
    await kv.put(key, sizedStream(bytes));
    // The listing says it was stored without reading 25 MiB back.
    return { listed: (await kv.list({ prefix: key })).keys.map((k) => k.name === key) };
  },
  /** A streamed value with metadata serialising to `arg` bytes (`{"key":"xx…"}`). */
  async putStreamWithMetadata(kv, key, bytes) {
    const metadata = { key: "x".repeat(bytes - '{"key":""}'.length) };
    await kv.put(key, new Blob(["value"]).stream(), { metadata });
    return { metadataLength: JSON.stringify((await kv.getWithMetadata(key)).metadata).length };
  },
  /**
   * Buffers changed or shrunk after `put()` is called but before it settles: KV stores the bytes
   * as they were at the call (workerd's kv-resizable-arraybuffer-test).
   */
  async putMutatedBuffers(kv, key) {
    const resizable = new ArrayBuffer(7, { maxByteLength: 16 });
    new TextEncoder().encodeInto("initial", new Uint8Array(resizable));
    const first = kv.put(`${key}:rab`, resizable);
    new TextEncoder().encodeInto("changed", new Uint8Array(resizable));
    await first;
    const shrinking = new ArrayBuffer(64, { maxByteLength: 128 });
    new Uint8Array(shrinking).forEach((_, i, view) => (view[i] = i));
    const second = kv.put(`${key}:shrink`, shrinking);
    shrinking.resize(0);
    await second;
    const fixed = new ArrayBuffer(7);
    new TextEncoder().encodeInto("initial", new Uint8Array(fixed));
    const third = kv.put(`${key}:fixed`, fixed);
    new TextEncoder().encodeInto("changed", new Uint8Array(fixed));
    await third;
    const shrunk = await kv.get(`${key}:shrink`, "arrayBuffer");
    return {
      resizable: await kv.get(`${key}:rab`),
      shrunk: shrunk ? [...new Uint8Array(shrunk)] : null,
      fixed: await kv.get(`${key}:fixed`),
    };
  },
  /** Milliseconds `arg` sequential reads of `key` take, timed inside workerd (for the bench). */
  async timedReads(kv, key, n) {
    const started = performance.now();
    for (let i = 0; i < n; i++) await kv.get(key);
    return { ms: performance.now() - started };
  },
  /** Milliseconds `arg` sequential puts to distinct keys take (for the bench). */
  async timedWrites(kv, key, n) {
    const started = performance.now();
    for (let i = 0; i < n; i++) await kv.put(`${key}:${i}`, "value");
    return { ms: performance.now() - started };
  },
  /** One put of the value `v<arg>` (the write-rate property gives each put its own number). */
  async putValue(kv, key, n) {
    await kv.put(key, `v${n}`);
    return { ok: true };
  },
  /** `arg` reads of `key` in one invocation: how many succeed, and the first error. */
  async manyReads(kv, key, n) {
    let ok = 0;
    for (let i = 0; i < n; i++) {
      try {
        await (i % 2 ? kv.get(key) : kv.get([key]));
        ok += 1;
      } catch (e) {
        return { ok, error: errorOf(e) };
      }
    }
    return { ok };
  },
  /** `arg` puts of distinct values to `key` at once: which were accepted, what the rest saw. */
  async concurrentPuts(kv, key, n) {
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        kv.put(key, `v${i}`).then(
          () => ({ i, ok: true }),
          (e: unknown) => ({ i, ok: false, message: (e as Error).message }),
        ),
      ),
    );
    return { results, stored: await kv.get(key) };
  },
  /** What `kv` looks like as an object: everything a Worker could inspect. */
  async surface(kv) {
    const proto = Object.getPrototypeOf(kv) as object;
    const ctor = (kv as unknown as { constructor: new () => unknown }).constructor;
    const forIn: string[] = [];
    for (const k in kv) forIn.push(k);
    const attempt = (f: () => unknown) => {
      try {
        const v = f();
        return { value: typeof v };
      } catch (e) {
        return errorOf(e);
      }
    };
    const descriptor = (key: PropertyKey) => {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      return d && { writable: d.writable, enumerable: d.enumerable, configurable: d.configurable };
    };
    const any = kv as unknown as Record<string, unknown>;
    return {
      string: String(kv),
      tag: Object.prototype.toString.call(kv),
      constructorName: ctor.name,
      constructorLength: ctor.length,
      construct: attempt(() => new ctor()),
      instanceOfConstructor: kv instanceof ctor,
      ownKeys: Reflect.ownKeys(kv).map(String),
      protoNames: Object.getOwnPropertyNames(proto),
      protoSymbols: Object.getOwnPropertySymbols(proto).map(String),
      protoOfProtoIsObject: Object.getPrototypeOf(proto) === Object.prototype,
      descriptors: Object.fromEntries(
        [...Object.getOwnPropertyNames(proto), Symbol.toStringTag].map((k) => [
          String(k),
          descriptor(k),
        ]),
      ),
      forIn,
      json: JSON.stringify(kv),
      keys: Object.keys(kv),
      extensible: Object.isExtensible(kv),
      unknown: [typeof any.deleteBulk, typeof any.then, typeof any.fetch, typeof any.connect],
      methods: ["get", "list", "put", "getWithMetadata", "delete"].map((m) => {
        const f = any[m] as (...a: unknown[]) => unknown;
        const Ctor = f as unknown as new () => unknown;
        return { name: f.name, length: f.length, construct: attempt(() => new Ctor()) };
      }),
    };
  },
  /** An unbound method, and one called on another object: workerd's `Illegal invocation`. */
  async unbound(kv, key) {
    const out: Record<string, unknown> = {};
    for (const [name, run] of [
      [
        "detached",
        () => {
          const get = kv.get as (k: string) => Promise<unknown>;
          return get(key);
        },
      ],
      ["otherThis", () => (kv.get as (k: string) => Promise<unknown>).call({}, key)],
      ["spread", () => ({ ...kv }).get?.(key)],
    ] as const) {
      try {
        const p = run();
        out[name] = { sync: false, result: await Promise.resolve(p).then(encode, errorOf) };
      } catch (e) {
        out[name] = { sync: true, ...errorOf(e) };
      }
    }
    return out;
  },
  /** Values put() refuses or turns into text. */
  async putValues(kv, key) {
    const out: Record<string, unknown> = {};
    const values: [string, unknown][] = [
      ["blob", new Blob(["x"])],
      ["object", { a: 1 }],
      ["array", [1, 2]],
      ["number", 123],
      ["boolean", true],
      ["null", null],
      ["undefined", undefined],
      ["date", new Date(0)],
    ];
    for (const [name, value] of values) {
      try {
        await kv.put(`${key}:${name}`, value as string);
        out[name] = { stored: await kv.get(`${key}:${name}`) };
      } catch (e) {
        out[name] = errorOf(e);
      }
    }
    return out;
  },
  /** Binary and stream values, read back as bytes, text and a stream. */
  async putBinary(kv, key) {
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const puts: [string, unknown][] = [
      ["buffer", bytes.slice().buffer],
      ["view", bytes.subarray(2, 5)],
      ["dataView", new DataView(bytes.buffer, 1, 3)],
      ["stream", new Blob([bytes]).stream()],
      ["textStream", new Response("streamed text").body],
      ["empty", new Uint8Array(0)],
    ];
    const out: Record<string, unknown> = {};
    for (const [name, value] of puts) {
      await kv.put(`${key}:${name}`, value as ArrayBuffer);
      const stream = await kv.get(`${key}:${name}`, "stream");
      out[name] = {
        bytes: [...new Uint8Array((await kv.get(`${key}:${name}`, "arrayBuffer"))!)],
        stream: stream ? [...new Uint8Array(await new Response(stream).arrayBuffer())] : null,
        withMetadata: await encode(await kv.getWithMetadata(`${key}:${name}`, "arrayBuffer")),
      };
    }
    return out;
  },
  /** Metadata that is not plain JSON: class instances, dates, toJSON, functions, BigInt. */
  async metadataValues(kv, key) {
    class WithToJson {
      a = 1;
      toJSON() {
        return { a: this.a, viaToJson: true };
      }
    }
    class Plain {
      a = 1;
      get b() {
        return 2;
      }
    }
    const out: Record<string, unknown> = {};
    const values: [string, unknown][] = [
      ["toJson", new WithToJson()],
      ["classInstance", new Plain()],
      ["date", new Date(0)],
      ["map", new Map([["a", 1]])],
      ["nested", { list: [1, "two", { three: 3 }], unicode: "🤓", nothing: null }],
      ["function", () => 1],
      ["bigint", 10n],
      ["undefined", undefined],
      ["null", null],
    ];
    for (const [name, metadata] of values) {
      try {
        await kv.put(`${key}:${name}`, "v", { metadata });
        out[name] = {
          metadata: await encode((await kv.getWithMetadata(`${key}:${name}`)).metadata),
        };
      } catch (e) {
        out[name] = errorOf(e);
      }
    }
    return out;
  },
  /** Arguments workerd coerces or refuses before any request: missing, non-string, odd options. */
  async oddArguments(kv, key) {
    const any = kv as unknown as Target;
    const out: Record<string, unknown> = {};
    const calls: [string, () => Promise<unknown>][] = [
      ["getNoArgs", () => any.get!()],
      ["getNumberKey", () => any.get!(123)],
      ["getUndefinedKey", () => any.get!(undefined)],
      ["getObjectKey", () => any.get!({})],
      ["getNumberOption", () => any.get!(key, 5)],
      ["getBadType", () => any.get!(key, "banana")],
      ["getBadTypeOption", () => any.get!(key, { type: "banana" })],
      ["getHugeCacheTtl", () => any.get!(key, { cacheTtl: 1e12 })],
      ["getFloatCacheTtl", () => any.get!(key, { cacheTtl: 30.7 })],
      ["getStringCacheTtl", () => any.get!(key, { cacheTtl: "abc" })],
      ["putNoValue", () => any.put!(key)],
      ["putFloatTtl", () => any.put!(`${key}:f`, "v", { expirationTtl: 60.9 })],
      ["listNoArgs", () => any.list!().then((r) => typeof r)],
      ["listNullPrefix", () => any.list!({ prefix: null, limit: 1 }).then((r) => typeof r)],
      ["listZeroLimit", () => any.list!({ limit: 0, prefix: key }).then((r) => typeof r)],
      ["listStringLimit", () => any.list!({ limit: "abc", prefix: key }).then((r) => typeof r)],
      ["deleteNoArgs", () => any.delete!()],
    ];
    for (const [name, run] of calls) {
      try {
        const p = run();
        out[name] = { result: await encode(await p) };
      } catch (e) {
        out[name] = errorOf(e);
      }
    }
    return out;
  },
};
