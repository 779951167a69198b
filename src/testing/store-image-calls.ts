/**
 * @module testing/store-image-calls
 * What the storeImage tests share: the image server's one answer for every outbound GET (the Worker
 * fetches inside workerd) and one `storeImage` call in the unit worker, with defaults.
 */
import { http } from "msw";
import type { useUnitWorker } from "./unit-worker.js";

type UnitWorker = ReturnType<typeof useUnitWorker>;

export interface StoreCall {
  id?: string;
  url?: string;
  bucket?: boolean;
  timeoutMs?: number;
}

/** `serve(answer)` answers every image request; `store(call)` copies `call.url` (default a.png). */
export function storeImageCalls(unit: UnitWorker) {
  return {
    serve: (answer: () => Response | Promise<Response>) =>
      unit.useHandlers([http.get(/.*/, answer)]),
    store: (overrides: StoreCall = {}) =>
      unit.control<{ stored: boolean; reason?: string }>("storeImage", {
        id: "img1",
        url: "https://cdn.example.com/a.png",
        bucket: true,
        // Generous: a 10 MiB body crosses msw and workerd slowly on a loaded machine; only the
        // timeout cases are about time, and they pass their own.
        timeoutMs: 30_000,
        ...overrides,
      }),
  };
}
