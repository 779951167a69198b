/**
 * @module harness/node/fault-rule-schema
 * Validates fault rules before they reach the layer (the control API reuses this schema).
 */
import { z } from "zod";
import { HarnessError } from "../errors.js";
import type { FaultRule } from "../types.js";

const count = z.number().int().nonnegative();

/** Rules held at once: every KV and R2 call checks each of them. */
export const MAX_FAULT_RULES = 1000;

/** Throw `BAD_RULE` when `n` rules would be more than the harness holds. */
export function assertRuleCount(n: number): void {
  if (n > MAX_FAULT_RULES) {
    throw new HarnessError(
      "BAD_RULE",
      `fault rules: ${n} is more than the ${MAX_FAULT_RULES} the harness holds at once (every KV and R2 call checks each); clear some first`,
    );
  }
}

export const faultRuleSchema = z
  .object({
    id: z.string().min(1).optional(),
    service: z.enum(["kv", "r2"]).optional(),
    op: z.enum(["get", "getWithMetadata", "head", "put", "delete", "list", "any"]),
    prefix: z.string().optional(),
    isolate: count.optional(),
    binding: z.string().min(1).optional(),
    kind: z.enum(["error", "network", "latency", "hang"]),
    status: z
      .union([
        z.literal(400),
        z.literal(413),
        z.literal(414),
        z.literal(429),
        z.literal(500),
        z.literal(503),
      ])
      .optional(),
    reason: z.enum(["value", "metadata"]).optional(),
    ms: count.optional(),
    jitterMs: count.optional(),
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    first: count.optional(),
    after: count.optional(),
  })
  .strict()
  .refine((r) => r.op !== "head" || r.service === "r2", {
    message: 'head is an R2 operation: add service "r2"',
    path: ["op"],
  })
  .refine((r) => r.op !== "getWithMetadata" || r.service !== "r2", {
    message: "getWithMetadata is a KV operation; R2 reads are get and head",
    path: ["op"],
  })
  .refine(
    (r) => r.service !== "r2" || r.status === undefined || [429, 500, 503].includes(r.status),
    { message: "R2 faults give 429, 500 or 503 (R2's service errors)", path: ["status"] },
  )
  .refine((r) => r.kind !== "latency" || r.ms !== undefined, {
    message: "a latency rule needs ms",
    path: ["ms"],
  })
  .refine((r) => r.status !== 400 || r.op !== "delete", {
    message: "400 is given by get, getWithMetadata, put and list, not delete",
    path: ["status"],
  })
  .refine((r) => r.status !== 413 || r.op === "put" || r.op === "any", {
    message: "413 (value or metadata too large) is given by put only",
    path: ["status"],
  })
  .refine((r) => r.reason === undefined || r.status === 413, {
    message: 'reason ("value" or "metadata") goes with status 413',
    path: ["reason"],
  });

/** Parse one rule or throw `BAD_RULE` naming the field that is wrong. */
export function parseFaultRule(
  input: unknown,
  isolates?: number,
  /** The Worker's KV binding names; a KV rule naming another is refused. */
  bindings?: readonly string[],
  /** The Worker's R2 binding names; an R2 rule naming another is refused. */
  r2Bindings?: readonly string[],
): FaultRule {
  const parsed = faultRuleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HarnessError(
      "BAD_RULE",
      `fault rule ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const rule = parsed.data as FaultRule;
  if (isolates !== undefined && rule.isolate !== undefined && rule.isolate >= isolates) {
    throw new HarnessError(
      "BAD_RULE",
      `fault rule isolate: ${rule.isolate} is out of range 0..${isolates - 1}`,
    );
  }
  const r2 = rule.service === "r2";
  const known = r2 ? r2Bindings : bindings;
  if (known !== undefined && rule.binding !== undefined && !known.includes(rule.binding)) {
    throw new HarnessError(
      "BAD_RULE",
      `fault rule binding: wrangler.jsonc has no ${r2 ? "R2 bucket" : "KV namespace"} ${JSON.stringify(rule.binding)} (it has: ${known.join(", ") || "none"})`,
    );
  }
  return rule;
}
