/**
 * @module harness/test-support/probe-harness
 * Boots a harness with the `kv-probe` worker for KV-level tests: `call(target, method, ...args)`
 * runs one KV call inside workerd, as a Worker would, and returns the value or throws the error
 * (same name and message the Worker sees). Map results come back as Maps.
 */
import { ProjectError } from "../../lib/project-error.js";
import path from "node:path";
import {
  type HarnessImpl,
  type InternalOptions,
  type ProbeResult,
} from "../node/create-harness.js";
import { createShareHarness } from "../share/index.js";

const placeholder = path.join(import.meta.dirname, "./placeholder.worker.ts");

/** An error the probe Worker threw in workerd, rethrown on the Node side under its name. */
export class ProbeError extends ProjectError<"PROBE_THREW"> {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super("PROBE_THREW", message);
  }
}

function decode(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ("$map" in v)
      return new Map((v.$map as [unknown, unknown][]).map(([k, x]) => [k, decode(x)]));
    if ("$bytes" in v) return new Uint8Array(v.$bytes as number[]);
    if ("$undefined" in v) return undefined;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}

export interface ProbeHarness {
  harness: HarnessImpl;
  call(target: string, method: string, ...args: unknown[]): Promise<unknown>;
  /** A named scenario of `probe.worker.ts` (Blobs, class instances, the binding's surface). */
  scenario(target: string, name: string, key: string, arg?: number): Promise<unknown>;
  /**
   * The same scenario run by the Worker itself (the placeholder behind the entry worker) on its
   * own `env` binding, as every Worker request gets it.
   */
  workerScenario(name: string, key: string, arg?: number, isolate?: number): Promise<unknown>;
}

/**
 * The share workers run a small placeholder instead of `src/index.ts`, so these KV-level tests do
 * not depend on the share Worker's routes.
 */
export async function createProbeHarness(options: InternalOptions = {}): Promise<ProbeHarness> {
  const harness = await createShareHarness({
    persistTo: "temp",
    probe: true,
    workerOverride: path.resolve(placeholder),
    ...options,
  });
  return {
    harness,
    async call(target, method, ...args) {
      const result = await harness.probe(target, method, ...args);
      if (!result.ok) throw new ProbeError(result.error.name, result.error.message);
      return decode(result.value);
    },
    async scenario(target, name, key, arg) {
      const result = await harness.probeScenario(target, name, key, arg);
      if (!result.ok) throw new ProbeError(result.error.name, result.error.message);
      return decode(result.value);
    },
    async workerScenario(name, key, arg, isolate = 0) {
      const query = new URLSearchParams({ name, key, arg: String(arg ?? 0) });
      const res = await harness.fetch(`/kv-scenario?${query}`, {}, isolate);
      const result = (await res.json()) as ProbeResult;
      if (!result.ok) throw new ProbeError(result.error.name, result.error.message);
      return decode(result.value);
    },
  };
}
