/**
 * @module harness/workers/faults
 * Decides, per KV or R2 operation, which fault rule fires (a rule acts on one service: `kv` by
 * default, or `r2`). Deterministic: a rule's probability draws from its own seeded generator, so
 * the same seed and the same op sequence fire the same way. A latency a rule imposes ends when its
 * time is up or when the rule is removed, whichever is first: a test holds a call as long as it
 * needs and lets it go with `faults.clear()`, without guessing how long the rest of the test takes.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";
import type { FaultRule, FaultService, KvOp, R2Op } from "../types.js";

/** The operation being attempted, as the layer sees it. */
export interface OpContext {
  service: FaultService;
  op: KvOp | R2Op;
  /** Key, or list prefix. */
  key: string;
  /** Bulk get: every key; a prefix rule matches when any of them starts with the prefix. */
  keys?: string[];
  isolate: number;
  /** The Worker's binding name of the namespace (or bucket) called. */
  binding: string;
}

interface ArmedRule {
  rule: FaultRule;
  matched: number;
  rng: RandomGenerator;
}

/**
 * How often a held call looks whether its rule is still there. A promise the admin request
 * settled cannot wake a call of another request in workerd, so the call itself looks.
 */
const HOLD_POLL_MS = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const RANGE = 2 ** 31 - 1;

function matches(rule: FaultRule, ctx: OpContext): boolean {
  if ((rule.service ?? "kv") !== ctx.service) return false;
  if (rule.op !== "any" && rule.op !== ctx.op) return false;
  // KV gives no 400 for a valid delete and 413 only for put: `op: "any"` skips those ops.
  if (rule.kind === "error" && rule.status === 400 && ctx.op === "delete") return false;
  if (rule.kind === "error" && rule.status === 413 && ctx.op !== "put") return false;
  if (rule.prefix !== undefined) {
    const prefix = rule.prefix;
    if (!(ctx.keys ?? [ctx.key]).some((k) => k.startsWith(prefix))) return false;
  }
  if (rule.isolate !== undefined && rule.isolate !== ctx.isolate) return false;
  if (rule.binding !== undefined && rule.binding !== ctx.binding) return false;
  return true;
}

/** The fault rules in force, with their per-rule match counts and random streams. */
export class FaultTable {
  #armed: ArmedRule[] = [];
  #nextId = 1;
  readonly #defaultSeed: number;

  constructor(defaultSeed = 0) {
    this.#defaultSeed = defaultSeed;
  }

  /** Replace all rules; counts and random streams start over. Returns the rules with ids. */
  set(rules: FaultRule[]): FaultRule[] {
    this.#armed = rules.map((r) => this.#arm(r));
    return this.list();
  }

  /** Wait `ms`, or until the rule `ruleId` is removed (`set`), whichever is first. */
  async hold(ruleId: string | undefined, ms: number): Promise<void> {
    const armed = this.#armed.find((a) => a.rule.id === ruleId);
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      if (armed && !this.#armed.includes(armed)) return;
      await sleep(Math.min(left, HOLD_POLL_MS));
    }
  }

  add(rule: FaultRule): FaultRule {
    const armed = this.#arm(rule);
    this.#armed.push(armed);
    return armed.rule;
  }

  list(): FaultRule[] {
    return this.#armed.map((a) => a.rule);
  }

  /**
   * Every rule whose filter matches counts this op; returns the first rule whose `when` also
   * holds. Later rules still count the op so `first`/`after` stay independent of rule order.
   */
  decide(ctx: OpContext): FaultRule | undefined {
    let fired: FaultRule | undefined;
    for (const armed of this.#armed) {
      if (!matches(armed.rule, ctx)) continue;
      armed.matched += 1;
      const { first, after, probability } = armed.rule;
      let fires = true;
      if (first !== undefined && armed.matched > first) fires = false;
      if (after !== undefined && armed.matched <= after) fires = false;
      if (probability !== undefined) {
        // Draw on every matching op, so the stream does not depend on the other conditions.
        const draw = unsafeUniformIntDistribution(0, RANGE - 1, armed.rng) / RANGE;
        if (draw >= probability) fires = false;
      }
      if (fires && !fired) fired = armed.rule;
    }
    return fired;
  }

  /** A fraction in [0, 1) from the rule's own stream (latency jitter stays seed-deterministic). */
  fraction(ruleId: string | undefined): number {
    const armed = this.#armed.find((a) => a.rule.id === ruleId);
    return armed ? unsafeUniformIntDistribution(0, RANGE - 1, armed.rng) / RANGE : 0;
  }

  #arm(rule: FaultRule): ArmedRule {
    const withId = { ...rule, id: rule.id ?? `rule-${this.#nextId++}` };
    const seed = rule.seed ?? this.#defaultSeed;
    return { rule: withId, matched: 0, rng: xoroshiro128plus(seed) };
  }
}
