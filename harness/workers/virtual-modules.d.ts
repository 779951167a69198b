/**
 * The modules `bundle.ts` resolves for `entry.worker.ts`: the Worker (its wrangler.jsonc `main`)
 * and its isolate hooks (`isolate-hooks.ts`'s `IsolateHooks`, or none).
 */
declare module "harness:worker" {
  const worker: unknown;
  export default worker;
}
declare module "harness:isolate-hooks" {
  const hooks: { setClock?(now: () => number): void; resetIsolate?(): void };
  export default hooks;
}
