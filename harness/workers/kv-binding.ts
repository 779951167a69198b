/**
 * @module harness/workers/kv-binding
 * A KV namespace binding as the Worker sees it, built inside the Worker's own isolate for each
 * invocation (one per `kv_namespaces` entry).
 * It has `KVNamespace`'s exact surface (its prototype's keys, descriptors and tag are copied from
 * the real binding's, so unknown properties are `undefined`, `String(kv)` is
 * `[object KvNamespace]` and unbound methods throw workerd's `Illegal invocation`). Each call is
 * handed, arguments untouched, to a real `KvNamespace`: Miniflare's own (`direct` mode) or one
 * whose backend is the KV layer's service (`layer` mode), so workerd itself coerces, validates
 * and shapes everything. It also counts the isolate's KV operations per namespace and enforces the
 * optional per-invocation operation limit (one budget over every namespace, as in production).
 */
import type { KvCounters } from "../types.js";
import type { KvMode } from "./harness-env.js";

/** The real bindings one isolate's KV calls can go to. */
export interface KvTargets {
  raw: KVNamespace;
  layer: KVNamespace;
  layerMeta: KVNamespace;
}

export interface InvocationOptions {
  /** The Worker's binding name (counts are kept per binding). */
  binding: string;
  mode: KvMode;
  isolate: number;
  opsPerInvocation?: number;
  /** The invocation's operations so far, shared by every namespace it holds. */
  budget?: { ops: number };
}

type Op = "get" | "list" | "put" | "getWithMetadata" | "delete";
type OpCounts = Pick<KvCounters, "reads" | "writes" | "deletes" | "lists">;

const OPS: readonly string[] = ["get", "list", "put", "getWithMetadata", "delete"];
const COUNTER: Record<Op, keyof OpCounts> = {
  get: "reads",
  getWithMetadata: "reads",
  put: "writes",
  delete: "deletes",
  list: "lists",
};

/** Production's error once an invocation has made its allowed number of KV operations. */
export const OPS_LIMIT_MESSAGE = "Too many API requests by single worker invocation.";

const ILLEGAL_INVOCATION =
  "Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.";

interface Invocation extends InvocationOptions {
  targets: KvTargets;
  budget: { ops: number };
}

/** One isolate's counts of one namespace. */
export interface CountsEntry {
  binding: string;
  isolate: number;
  counts: OpCounts;
}

const invocations = new WeakMap<object, Invocation>();
const counts = new Map<string, CountsEntry>();
let prototype: object | undefined;

/** This isolate's KV operation counts, per binding and isolate index (a probe holds several). */
export function isolateCounts(): CountsEntry[] {
  return [...counts.values()].map((e) => ({ ...e, counts: { ...e.counts } }));
}

export function resetIsolateCounts(): void {
  counts.clear();
}

function count(binding: string, isolate: number, op: Op): void {
  const id = `${isolate} ${binding}`;
  let entry = counts.get(id);
  if (!entry) {
    entry = { binding, isolate, counts: { reads: 0, writes: 0, deletes: 0, lists: 0 } };
    counts.set(id, entry);
  }
  entry.counts[COUNTER[op]] += 1;
}

/**
 * An error thrown inside the layer's service reaches the caller marked `remote`; the real binding
 * throws a plain local error with the same name and message.
 */
function local(error: unknown): never {
  if (error instanceof Error && (error as Error & { remote?: boolean }).remote) {
    const Ctor = error.name === "TypeError" ? TypeError : Error;
    throw new Ctor(error.message);
  }
  throw error;
}

function call(inv: Invocation, op: Op, args: unknown[]): unknown {
  if (inv.opsPerInvocation !== undefined && inv.budget.ops >= inv.opsPerInvocation) {
    return Promise.reject(new Error(OPS_LIMIT_MESSAGE));
  }
  inv.budget.ops += 1;
  count(inv.binding, inv.isolate, op);
  const { raw, layer, layerMeta } = inv.targets;
  const target = inv.mode === "direct" ? raw : op === "getWithMetadata" ? layerMeta : layer;
  // Called as a method (a sync TypeError from workerd stays sync, as on the real binding).
  const result = (target as unknown as Record<Op, (...a: unknown[]) => Promise<unknown>>)[op](
    ...args,
  );
  return inv.mode === "direct" ? result : result.catch(local);
}

function forwarder(op: Op): (...args: unknown[]) => unknown {
  // A method (not a constructor), named like the real one, with length 0 like workerd's.
  return {
    [op](this: unknown, ...args: unknown[]) {
      const inv = typeof this === "object" && this !== null ? invocations.get(this) : undefined;
      if (!inv) throw new TypeError(ILLEGAL_INVOCATION);
      return call(inv, op, args);
    },
  }[op]!;
}

/** A prototype with the real binding's own keys and descriptors, methods replaced by forwarders. */
function prototypeLike(real: object): object {
  const realProto = Object.getPrototypeOf(real) as object;
  const proto = Object.create(Object.getPrototypeOf(realProto) as object) as object;
  for (const key of Reflect.ownKeys(realProto)) {
    const descriptor = Object.getOwnPropertyDescriptor(realProto, key)!;
    if (typeof key === "string" && OPS.includes(key)) descriptor.value = forwarder(key as Op);
    Object.defineProperty(proto, key, descriptor);
  }
  // `kv instanceof kv.constructor` holds for the real binding; keep it true for ours.
  const ctor = (realProto as { constructor: object }).constructor;
  const ownCheck = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(ctor, Symbol.hasInstance, {
    value: (o: unknown) =>
      (typeof o === "object" && o !== null && invocations.has(o)) || ownCheck.call(ctor, o),
    configurable: true,
  });
  return proto;
}

/**
 * The binding for one invocation.
 * @example env.MY_KV = createKvBinding(targets, { binding: "MY_KV", mode: "direct", isolate: 0 });
 */
export function createKvBinding(targets: KvTargets, options: InvocationOptions): KVNamespace {
  prototype ??= prototypeLike(targets.raw);
  const binding = Object.create(prototype) as object;
  invocations.set(binding, { ...options, targets, budget: options.budget ?? { ops: 0 } });
  return binding as KVNamespace;
}
