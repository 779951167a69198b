/**
 * @module storage/layers/events
 * What a layer reports besides an operation's own start and end: a read answered by the cache, a
 * stale copy served because storage failed, a write about to be retried. The metrics and logging
 * observers (`observe.ts`) count and log them; the read cache and retry layers emit them.
 */
export type StorageEvent =
  | { kind: "hit"; op: "get"; key: string; negative: boolean; ms: number }
  | {
      kind: "stale";
      op: "get" | "getMany";
      key: string;
      ms: number;
      error: unknown;
      count?: number;
    }
  | {
      kind: "retry";
      op: "put" | "delete";
      key: string;
      ms: number;
      error: unknown;
      attempt: number;
    };

export type StorageEvents = (event: StorageEvent) => void;
