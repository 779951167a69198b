/**
 * @module testing/unit-protocol
 * What the Worker's unit tests (Node) and the unit test worker (workerd) say to each other: the
 * env a request runs with, and the control calls. Both sides import these types only.
 */

/** The KV calls the counting wrapper tells apart (`get` with an array is `getMany`). */
export type KvOp = "get" | "getMany" | "getWithMetadata" | "put" | "delete" | "list";

/** The env one app request runs with: vars plus which real bindings it gets. */
export interface UnitEnv {
  vars: Record<string, string>;
  /** `SHARE_DATA_KV`: the real KV binding behind the counting/failing wrapper. */
  kv: boolean;
  /** `SHARE_IMAGES`: the real R2 bucket. */
  r2: boolean;
}

/** Request header carrying the JSON `UnitEnv` (removed before the Worker sees the request). */
export const UNIT_ENV_HEADER = "x-unit-env";

/** Control calls are `POST /__unit/<op>` with a JSON body; everything else goes to the Worker. */
export const CONTROL_PREFIX = "/__unit/";

/** Fault settings of the counting wrapper; each call replaces the previous ones. */
export interface KvFaults {
  /** Ops that throw `message` instead of reaching KV (the next `times` calls, or all). */
  failing?: KvOp[];
  message?: string;
  times?: number;
  /** Ops that never answer (to exercise KV_OP_TIMEOUT_MS). */
  hanging?: KvOp[];
}

/** A control call's answer. */
export type ControlResult =
  { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };

/** Values JSON cannot carry, tagged on the way out of workerd. */
export type Encoded = { $map: [unknown, unknown][] } | { $undefined: true };
