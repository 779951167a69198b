/**
 * @module shares/record
 * Pure encoding of a share into its KV record: key, time-ordered id and list metadata.
 * The create path, the seed command and the fixture factories all go through these functions.
 */
import { customAlphabet } from "nanoid";
import { KV_LIMITS } from "../../lib/kv-limits.js";
import type { ShareData } from "./schema.js";

/** Key prefix of every share record (new and legacy). */
export const SHARE_KEY_PREFIX = "share:";
/** The guide's legacy index key; never written by this Worker. */
export const LEGACY_LIST_KEY = "share:list";
/** Version tag in list metadata; keys without it are legacy records. */
export const METADATA_VERSION = 1;
/** KV's metadata limit, in bytes of serialised JSON. */
export const METADATA_MAX_BYTES = KV_LIMITS.metadataBytes;

/**
 * Crockford base32 (ASCII ascending) so that byte order of ids equals numeric order of the prefix.
 * The random suffix uses the same alphabet: mixing cases would break byte ordering expectations.
 */
export const ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const ID_TIME_LENGTH = 10;
export const ID_SUFFIX_ALPHABET = ID_ALPHABET;
export const ID_SUFFIX_LENGTH = 8;
const MAX_TIME = 2 ** 48 - 1;

const randomSuffix = customAlphabet(ID_SUFFIX_ALPHABET, ID_SUFFIX_LENGTH);
/** Any id a lookup accepts (new and legacy). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** `share:{id}` */
export function shareKey(id: string): string {
  return `${SHARE_KEY_PREFIX}${id}`;
}

/** Any id we may look up: new time-ordered ids and the guide's legacy ids. */
export function isShareId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Inverted-time prefix: newer timestamps give smaller strings, so KV's ascending list is newest first. */
export function encodeInvertedTime(timestampMs: number): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0 || timestampMs > MAX_TIME) {
    throw new RangeError(`timestamp out of range: ${timestampMs}`);
  }
  let n = MAX_TIME - timestampMs;
  let out = "";
  for (let i = 0; i < ID_TIME_LENGTH; i++) {
    out = ID_ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** A new share id: 10 chars of inverted time + 8 random chars (both Crockford base32). */
export function createShareId(timestampMs: number, suffix?: string): string {
  const tail = suffix ?? randomSuffix();
  if (!isShareId(tail) || tail.length + ID_TIME_LENGTH > 64) {
    throw new RangeError(`invalid id suffix: ${JSON.stringify(tail)}`);
  }
  return encodeInvertedTime(timestampMs) + tail;
}

/** Compact list-item fields stored as KV metadata. */
export interface ShareMetadata {
  v: typeof METADATA_VERSION;
  ts: number;
  r2: boolean;
  /** false when the fields did not fit the 1024-byte limit and the list must read the value. */
  full?: false;
  /** SHA-256 of the Idempotency-Key it was created with (so a delete can mark that key). */
  k?: string;
  g?: string;
  o?: string;
  p?: string;
  s?: string;
  c?: string;
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}

/** Metadata for a share: full list fields when they fit 1024 bytes, else a minimal marker. */
export function encodeShareMetadata(share: ShareData, idempotencyKey?: string): ShareMetadata {
  const k = idempotencyKey === undefined ? {} : { k: idempotencyKey };
  const full: ShareMetadata = {
    v: METADATA_VERSION,
    ts: share.timestamp,
    r2: share.isR2Stored === true,
    g: share.generatedUrl,
    o: share.originalUrl,
    p: share.prompt,
    s: share.style,
    c: share.createdAt,
    ...k,
  };
  if (byteLength(JSON.stringify(full)) <= METADATA_MAX_BYTES) return full;
  return {
    v: METADATA_VERSION,
    ts: share.timestamp,
    r2: share.isR2Stored === true,
    full: false,
    ...k,
  };
}

/** Rebuild a ShareData from full metadata; undefined when the metadata is partial or not ours. */
export function decodeShareMetadata(id: string, metadata: unknown): ShareData | undefined {
  if (!isOurMetadata(metadata) || metadata.full === false) return undefined;
  const { g, o, p, s, c, ts, r2 } = metadata;
  if (
    typeof g !== "string" ||
    typeof o !== "string" ||
    typeof p !== "string" ||
    typeof s !== "string" ||
    typeof c !== "string"
  ) {
    return undefined;
  }
  return {
    id,
    generatedUrl: g,
    originalUrl: o,
    prompt: p,
    style: s,
    timestamp: ts,
    createdAt: c,
    isR2Stored: r2,
  };
}

/** True for metadata written by this Worker (v:1). */
export function isOurMetadata(metadata: unknown): metadata is ShareMetadata {
  return (
    typeof metadata === "object" &&
    metadata !== null &&
    (metadata as { v?: unknown }).v === METADATA_VERSION &&
    typeof (metadata as { ts?: unknown }).ts === "number"
  );
}

/**
 * Exactly what the create path writes (the TTL is SHARE_TTL_SECONDS); `idempotencyKey` is the
 * hash of the create's Idempotency-Key, when it had one.
 */
export function encodeShareRecord(
  share: ShareData,
  idempotencyKey?: string,
): {
  key: string;
  value: string;
  metadata: Record<string, unknown>;
} {
  return {
    key: shareKey(share.id),
    value: JSON.stringify(share),
    metadata: encodeShareMetadata(share, idempotencyKey) as unknown as Record<string, unknown>,
  };
}
