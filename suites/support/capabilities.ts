/**
 * @module suites/support/capabilities
 * The ONE table of expected differences between storage backends. Suites branch on these facts,
 * never on the backend's name, so each difference is written down (and asserted) exactly once.
 */
import type { Backend } from "../../harness/share/options.js";

export interface Capabilities {
  /** Shares survive a restart (or a crash) of the Worker process. */
  durableAcrossRestart: boolean;
  /** A share written through one isolate (location) can be read through another. */
  sharedAcrossIsolates: boolean;
  /** Shares are written to the `SHARE_DATA_KV` namespace (readable through the harness). */
  storesInKv: boolean;
  /** Records put into KV from outside (legacy data, seeds) are served by the Worker. */
  readsKvRecords: boolean;
  /** Reads go through the isolate's 5-minute read cache; a fresh hit does no storage read. */
  readCache: boolean;
  /** KV faults (outages, 429s) reach the Worker; the memory backend never calls KV. */
  affectedByKvFaults: boolean;
}

export const capabilities: Record<Backend, Capabilities> = {
  kv: {
    durableAcrossRestart: true,
    sharedAcrossIsolates: true,
    storesInKv: true,
    readsKvRecords: true,
    readCache: true,
    affectedByKvFaults: true,
  },
  memory: {
    durableAcrossRestart: false,
    sharedAcrossIsolates: false,
    storesInKv: false,
    readsKvRecords: false,
    readCache: false,
    affectedByKvFaults: false,
  },
};

/** Documented windows the consistency checks wait out (virtual time). */
export const windows = {
  /** The Worker's per-isolate read cache (`CACHE_TTL_SECONDS`). */
  readCacheMs: 300_000,
  /** KV's edge cache in other locations (production profile, `edgeCacheTtlMs`). */
  edgeCacheMs: 60_000,
  /** Share lifetime (`SHARE_TTL_SECONDS`). */
  shareTtlMs: 30 * 24 * 60 * 60 * 1000,
} as const;
