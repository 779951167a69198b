/**
 * @module harness/dashboard/fault-presets
 * The one-click fault rules of the dashboard, as control API `FaultRule`s.
 */

/**
 * Each preset adds its rules with `POST /__harness/faults`; reads cover every read op.
 * @type {typeof import("./fault-presets.js").FAULT_PRESETS}
 */
export const FAULT_PRESETS = [
  {
    id: "kv-down",
    label: "KV down",
    description: "Every KV operation fails with 503",
    rules: [{ op: "any", kind: "error", status: 503 }],
  },
  {
    id: "writes-429",
    label: "429 on writes",
    description: "Every put is rate limited (429)",
    rules: [{ op: "put", kind: "error", status: 429 }],
  },
  {
    id: "slow-reads",
    label: "Slow reads 500 ms",
    description: "get, getWithMetadata and list take 500 ms longer",
    rules: /** @type {const} */ (["get", "getWithMetadata", "list"]).map((op) => ({
      op,
      kind: "latency",
      ms: 500,
    })),
  },
  {
    id: "flaky-20",
    label: "Flaky 20%",
    description: "One KV operation in five fails with 500",
    rules: [{ op: "any", kind: "error", status: 500, probability: 0.2 }],
  },
  {
    id: "r2-down",
    label: "R2 down",
    description: "Every R2 operation (the image bucket) fails with 500",
    rules: [{ service: "r2", op: "any", kind: "error", status: 500 }],
  },
];

/**
 * The preset's rules, each limited to `isolate` when one is given.
 * @type {typeof import("./fault-presets.js").presetRules}
 */
export function presetRules(presetId, isolate) {
  const preset = FAULT_PRESETS.find((p) => p.id === presetId);
  if (!preset) throw new Error(`Unknown fault preset ${JSON.stringify(presetId)}`);
  return preset.rules.map((rule) => (isolate === undefined ? { ...rule } : { ...rule, isolate }));
}

/**
 * One line for a rule in the list, e.g. `put → error 429 (20%, isolate 1)`; R2 rules say so
 * (`R2 get → error 500 (all isolates)`).
 * @type {typeof import("./fault-presets.js").describeRule}
 */
export function describeRule(rule) {
  const what =
    rule.kind === "error"
      ? `error ${rule.status ?? 500}`
      : rule.kind === "latency"
        ? `+${rule.ms} ms${rule.jitterMs ? ` (±${rule.jitterMs})` : ""}`
        : rule.kind === "hang"
          ? `hang${rule.ms !== undefined ? ` ${rule.ms} ms` : ""}`
          : "network error";
  const when = [
    rule.prefix ? `keys ${rule.prefix}*` : "",
    rule.probability !== undefined ? `${Math.round(rule.probability * 100)}%` : "",
    rule.first !== undefined ? `first ${rule.first}` : "",
    rule.after !== undefined ? `after ${rule.after}` : "",
    rule.isolate !== undefined ? `isolate ${rule.isolate}` : "all isolates",
  ].filter(Boolean);
  const op = rule.service === "r2" ? `R2 ${rule.op}` : rule.op;
  return `${op} → ${what} (${when.join(", ")})`;
}
