import type { KeyView, WorkerMemory } from "./plugin-ui.js";

/** The page context `app.js` hands every panel (types only: the browser never loads this file). */
export interface DashboardContext {
  /** The isolate this page's Worker requests go to. */
  isolate: number;
  /** The last virtual clock value the harness reported, and when (real time). */
  clock: { value: number; seenAt: number };
  /** The virtual clock now. */
  virtualNow(): number;
  status(message: string, kind?: "ok" | "error"): void;
  /** Runs a user action; an error shows in the status line (and resolves undefined). */
  run<T>(action: () => Promise<T> | T): Promise<T | undefined>;
  /** Something changed the harness: refresh every panel. */
  changed(): Promise<void>;
  /** How the store browser names keys (the Worker plugin's, or plain KV keys). */
  keys: KeyView;
  /** What the Worker holds in memory in the selected isolate (its plugin's; else undefined). */
  workerMemory(): Promise<WorkerMemory | undefined>;
}
