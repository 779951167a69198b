/** Types for fault-presets.js (the page loads the .js file as is; tests import it through these). */
import type { FaultRule } from "../types.js";

export interface FaultPreset {
  id: string;
  label: string;
  description: string;
  rules: FaultRule[];
}
export declare const FAULT_PRESETS: FaultPreset[];
export declare function presetRules(presetId: string, isolate?: number): FaultRule[];
export declare function describeRule(rule: FaultRule): string;
