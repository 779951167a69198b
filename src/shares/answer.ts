/**
 * @module shares/answer
 * The answer to a create: 201 when the share is in KV; 202 when only this isolate holds it
 * (the memory fallback during a KV outage), with what the client needs to know about that.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import { RETRY_AFTER_SECONDS } from "../errors.js";
import type { ShareData } from "./schema.js";
import type { Durability } from "./store.js";

export interface ShareWarning {
  code: "image_not_stored";
  message: string;
}

/** What a 202 tells the client: where the share is, how it can be lost, how to confirm it. */
export function pendingNotice(id: string) {
  return {
    heldBy: "isolate-memory",
    message:
      "KV is unavailable, so this share is held only in the memory of the Worker isolate that answered. " +
      "It is written to KV when a later request reaches that isolate after KV recovers; " +
      "if that isolate restarts first, the share is lost. Other isolates answer 404 for it until then.",
    lostIf: "the isolate restarts before KV recovers",
    confirm: {
      method: "GET",
      url: `/api/share/${id}`,
      durableWhen: 'the answer is 200 without "durability": "pending" (from any isolate)',
      orRetry:
        "POST the same body again with the same Idempotency-Key: 201 once the share is in KV",
    },
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  };
}

/**
 * The create answer, with `Location`. `replayed` marks an answer to a retry with the same
 * Idempotency-Key (`Idempotent-Replayed: true`).
 */
export function shareAnswer(
  c: Context<AppEnv>,
  share: ShareData,
  durability: Durability,
  warning: ShareWarning | undefined,
  replayed = false,
): Response {
  c.header("Location", `/api/share/${share.id}`);
  if (replayed) c.header("Idempotent-Replayed", "true");
  const pending = durability === "pending";
  return c.json(
    {
      ...share,
      url: `/s/${share.id}`,
      ...(pending ? { durability, pending: pendingNotice(share.id) } : {}),
      ...(warning ? { warning } : {}),
    },
    pending ? 202 : 201,
  );
}
