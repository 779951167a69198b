/**
 * @module idempotency/create-guard
 * `POST /api/share` with an `Idempotency-Key`: a retry with the same key and body gets the share
 * the first request created (saved again with the same id if a crash cut the first request off
 * between its two writes); the same key with another body is a 422; the same key while the first
 * request still runs in this isolate is a 409. Without the header, creates behave as before.
 * Also the one place a failed create gives back the image it copied (no orphan in R2).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { now } from "../clock.js";
import { AppError } from "../errors.js";
import { imageKey } from "../images/store-image.js";
import { logEvent } from "../log.js";
import { shareAnswer, type ShareWarning } from "../shares/answer.js";
import type { CreateShareInput } from "../shares/create-schema.js";
import type { ShareData } from "../shares/schema.js";
import type { Durability } from "../shares/store.js";
import { fingerprint, hashKey } from "./fingerprint.js";
import { IDEMPOTENCY_HEADER, parseIdempotencyKey } from "./key.js";
import { readRecord, writeRecord, type IdempotencyRecord } from "./records.js";

export interface CreateGuard {
  /** The answer to a retry of a create this key already made; then nothing is to be created. */
  replay?: Response;
  /** Save the new share (its key's record first, when there is a key). */
  save(share: ShareData, warning: ShareWarning | undefined): Promise<Durability>;
  /** Call when the request is done, answered or failed. */
  end(): void;
}

/** Remove a copied image whose share was not saved; the bucket's lifecycle rule is the backstop. */
async function discardImage(c: Context<AppEnv>, share: ShareData): Promise<void> {
  if (!share.isR2Stored) return;
  try {
    await c.env.SHARE_IMAGES?.delete(imageKey(share.id));
  } catch (error) {
    logEvent("image_not_discarded", {
      id: share.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

async function replay(c: Context<AppEnv>, record: IdempotencyRecord, hash: string) {
  const store = c.get("store");
  const { share, warning } = record;
  if (record.deleted) return shareAnswer(c, share, "durable", warning, true);
  if (store.isPending(share.id)) return shareAnswer(c, share, "pending", warning, true);
  const found = await store.get(share.id);
  // Not there: the first request stopped after its record (crash, KV refused the share). Finish it.
  const durability = found ? "durable" : await store.save(share, hash);
  return shareAnswer(c, share, durability, warning, true);
}

/**
 * Look at the request's Idempotency-Key before anything is created.
 * @example const guard = await guardCreate(c, input); if (guard.replay) return guard.replay;
 */
export async function guardCreate(
  c: Context<AppEnv>,
  input: CreateShareInput,
): Promise<CreateGuard> {
  const key = parseIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER));
  const store = c.get("store");
  const state = c.get("isolate");
  const unkeyed = async (share: ShareData) => {
    try {
      return await store.save(share);
    } catch (error) {
      await discardImage(c, share);
      throw error;
    }
  };
  if (key === undefined) return { save: unkeyed, end: () => undefined };

  const [hash, fp] = await Promise.all([hashKey(key), fingerprint(input)]);
  if (state.idempotencyInFlight.has(hash)) {
    throw new AppError(
      409,
      "idempotency_key_in_use",
      "A request with this Idempotency-Key is still being processed; retry when it has answered",
      { headers: { "Retry-After": "1" } },
    );
  }
  state.idempotencyInFlight.add(hash);
  const end = () => state.idempotencyInFlight.delete(hash);
  try {
    const prior = await readRecord(c.get("backend"), state, hash);
    if (prior && prior.fp !== fp) {
      throw new AppError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different body; use a new key for a new share",
      );
    }
    if (prior) return { replay: await replay(c, prior, hash), save: unkeyed, end };
  } catch (error) {
    end();
    throw error;
  }
  return {
    end,
    save: async (share, warning) => {
      const record: IdempotencyRecord = {
        v: 1,
        fp,
        share,
        ...(warning ? { warning } : {}),
        at: now(),
      };
      try {
        await writeRecord(c.get("backend"), c.get("config"), state, hash, record);
      } catch (error) {
        await discardImage(c, share);
        throw error;
      }
      // From here a retry finds the record and saves this share again: the image stays with it.
      return store.save(share, hash);
    },
  };
}

/**
 * Middleware for `POST /api/share`, after body validation: answers a retry from its record, or
 * leaves the guard for the handler (`c.get("createGuard").save(...)`) and releases it afterwards.
 */
export const idempotentCreate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const input = (c.req as unknown as { valid(target: "json"): CreateShareInput }).valid("json");
  const guard = await guardCreate(c, input);
  try {
    if (guard.replay) return guard.replay;
    c.set("createGuard", guard);
    await next();
  } finally {
    guard.end();
  }
};
