/**
 * @module shares/schema
 * The shape of a share, exactly as the original guide defined it, and the one place that
 * validates records read back from storage.
 */
import { z } from "zod";

/** Shares expire 30 days after creation (KV `expirationTtl`, in seconds). */
export const SHARE_TTL_SECONDS = 30 * 24 * 60 * 60;

export const shareDataSchema = z.object({
  id: z.string().min(1),
  generatedUrl: z.string(),
  originalUrl: z.string(),
  prompt: z.string(),
  style: z.string(),
  /** Milliseconds since the epoch. */
  timestamp: z.number(),
  /** ISO 8601. */
  createdAt: z.string(),
  isR2Stored: z.boolean().optional(),
});

export type ShareData = z.infer<typeof shareDataSchema>;
