/**
 * @module harness/server/control-schemas
 * zod schemas for control API input. All are strict, so a misspelt field (`probabilty`) is a 400
 * rather than something silently ignored.
 */
import { z } from "zod";
import { faultRuleSchema } from "../node/fault-rule-schema.js";
import type { KvSnapshot } from "../types.js";

// One fault rule schema for the library and the control API: the harness's own.
export { faultRuleSchema };

const count = z.number().int().nonnegative();

/**
 * `PUT /__harness/faults` takes `{ "rules": [...] }` or a bare array. Two schemas rather than a
 * union so an error names the field (`rules[1].kind`) instead of "no union member matched".
 */
export const faultRulesArraySchema = z.array(faultRuleSchema);
export const faultRulesObjectSchema = z.strictObject({ rules: faultRulesArraySchema });

export const clockAdvanceSchema = z.strictObject({ ms: count });

export const clockSetSchema = z.strictObject({ epochMs: count });

/** Query strings arrive as text; numbers are coerced and bounded like KV's own `list()`. */
export const kvListQuerySchema = z.strictObject({
  prefix: z.string().optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const snapshotQuerySchema = z.strictObject({ prefix: z.string().optional() });

export const snapshotLoadQuerySchema = z.strictObject({
  replace: z.enum(["true", "false"]).optional(),
});

export const logsQuerySchema = z.strictObject({
  op: z.string().min(1).optional(),
  outcome: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).optional(),
});

export const snapshotSchema = z.strictObject({
  version: z.literal(1),
  takenAt: z.number(),
  entries: z.array(
    z.strictObject({
      key: z.string().min(1),
      value: z.string(),
      encoding: z.enum(["utf8", "base64"]).optional(),
      metadata: z.unknown().optional(),
      expiration: z.number().int().positive().optional(),
    }),
  ),
}) satisfies z.ZodType<KvSnapshot>;

/** `PUT /__harness/kv/:key`: one entry written straight into the store, as `harness.kv.put`. */
export const kvPutSchema = z.strictObject({
  value: z.string(),
  metadata: z.unknown().optional(),
  /** Seconds since the epoch. */
  expiration: z.number().int().positive().optional(),
  /** Seconds from now; KV's minimum is 60. */
  expirationTtl: z.number().int().positive().optional(),
});

/** `POST /__harness/seed`: what `npm run seed` sends to a running dev server. */
export const seedRequestSchema = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  /** Shares are made in the 29 days before this (ms since epoch); default: start of today. */
  now: z.number().int().positive().optional(),
  /** Delete every KV entry first. */
  clear: z.boolean().optional(),
});

/** `POST /__harness/record/start`: the fixture file to record the session into (a `.json` under fixtures/). */
export const recordStartSchema = z.strictObject({ file: z.string().min(1) });

/** `POST /__harness/fixtures/load`: a fixture file under the fixtures folder. */
export const fixtureLoadSchema = z.strictObject({ path: z.string().min(1) });
