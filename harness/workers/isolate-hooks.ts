/**
 * @module harness/workers/isolate-hooks
 * What a Worker may give the harness inside its isolate (a plugin's `isolateHooks` module
 * exports these as its default): where its clock reads the virtual time, and how it drops its
 * memory on `Harness.reset()`. A Worker without hooks reads real time and keeps its memory until
 * its isolate restarts; KV expiry follows the virtual clock either way (the KV layer's).
 */
export interface IsolateHooks {
  /** Called before each request with the clock the Worker should read. */
  setClock?(now: () => number): void;
  /** Forget everything the isolate holds in memory, as a newly started isolate would. */
  resetIsolate?(): void;
}

/** The hooks of a Worker that has none. */
const none: IsolateHooks = {};
export default none;
