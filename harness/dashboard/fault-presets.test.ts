import { describe, expect, it } from "vitest";
import { faultRuleSchema } from "../node/fault-rule-schema.js";
import { describeRule, FAULT_PRESETS, presetRules } from "./fault-presets.js";

describe("FAULT_PRESETS", () => {
  it("offers the four presets of the issue and R2 down, each made of rules the control API accepts", () => {
    expect(FAULT_PRESETS.map((p) => p.label)).toEqual([
      "KV down",
      "429 on writes",
      "Slow reads 500 ms",
      "Flaky 20%",
      "R2 down",
    ]);
    for (const preset of FAULT_PRESETS) {
      for (const rule of presetRules(preset.id, 1)) {
        expect(faultRuleSchema.safeParse(rule).success, `${preset.id}: ${describeRule(rule)}`).toBe(
          true,
        );
      }
    }
  });

  it("scopes a preset to one isolate only when asked, without changing the preset", () => {
    expect(presetRules("kv-down")).toEqual([{ op: "any", kind: "error", status: 503 }]);
    expect(presetRules("kv-down", 2)).toEqual([
      { op: "any", kind: "error", status: 503, isolate: 2 },
    ]);
    expect(presetRules("kv-down")).toEqual([{ op: "any", kind: "error", status: 503 }]);
    expect(() => presetRules("nope")).toThrow(/Unknown fault preset "nope"/);
  });
});

describe("describeRule", () => {
  it("says what fails, how and where", () => {
    expect(describeRule({ op: "put", kind: "error", status: 429 })).toBe(
      "put → error 429 (all isolates)",
    );
    expect(describeRule({ op: "get", kind: "latency", ms: 500, isolate: 1 })).toBe(
      "get → +500 ms (isolate 1)",
    );
    expect(
      describeRule({ op: "any", kind: "error", status: 500, probability: 0.2, prefix: "share:" }),
    ).toBe("any → error 500 (keys share:*, 20%, all isolates)");
    expect(describeRule({ service: "r2", op: "get", kind: "error", status: 503 })).toBe(
      "R2 get → error 503 (all isolates)",
    );
  });
});
