/**
 * @module testing/counting-kv
 * Runs inside workerd (the unit test worker): wraps the real KV binding, counts each call by
 * op and fails or hangs chosen ops with the message production KV gives, so the Worker's unit
 * tests see what a Worker sees.
 */
import type { KvBinding, ListOptions, PutOptions } from "../storage/types.js";
import type { KvFaults, KvOp } from "./unit-protocol.js";

export interface CountingKv extends KvBinding {
  calls(): Record<KvOp, number>;
  setFaults(faults: KvFaults): void;
  /** Counts back to zero, no faults. */
  reset(): void;
}

const zero = (): Record<KvOp, number> => ({
  get: 0,
  getMany: 0,
  getWithMetadata: 0,
  put: 0,
  delete: 0,
  list: 0,
});

export function countingKv(inner: KvBinding): CountingKv {
  let calls = zero();
  let faults: KvFaults = {};
  let failuresLeft = Infinity;

  function run<T>(op: KvOp, fn: () => Promise<T>): Promise<T> {
    calls[op]++;
    if (faults.failing?.includes(op) && failuresLeft > 0) {
      failuresLeft--;
      return Promise.reject(
        new Error(faults.message ?? "KV GET failed: 503 Service Temporarily Unavailable"),
      );
    }
    if (faults.hanging?.includes(op)) return new Promise<T>(() => {});
    return fn();
  }

  const wrapper = {
    calls: () => ({ ...calls }),
    setFaults(next: KvFaults) {
      faults = next;
      failuresLeft = next.times ?? Infinity;
    },
    reset() {
      calls = zero();
      wrapper.setFaults({});
    },
    get(key: string | string[]) {
      if (Array.isArray(key)) return run("getMany", () => inner.get(key));
      return run("get", () => inner.get(key));
    },
    getWithMetadata(key: string) {
      return run("getWithMetadata", () => inner.getWithMetadata(key));
    },
    put(key: string, value: string, options?: PutOptions) {
      return run("put", () => inner.put(key, value, options));
    },
    delete(key: string) {
      return run("delete", () => inner.delete(key));
    },
    list(options?: ListOptions) {
      return run("list", () => inner.list(options));
    },
  };
  return wrapper as unknown as CountingKv;
}
