/**
 * @module shares/create-schema
 * The POST /api/share body. Unknown keys (including `__proto__`) are rejected, not stripped,
 * so typos surface as 400 instead of being silently dropped.
 */
import { z } from "zod";

const httpsUrl = z
  .string()
  .max(2048)
  .refine(
    (s) => {
      try {
        return new URL(s).protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "must be an https: URL" },
  );

/** Longest prompt a share may carry, in characters. */
export const MAX_PROMPT_LENGTH = 2000;

export const createShareSchema = z.strictObject({
  generatedUrl: httpsUrl,
  originalUrl: httpsUrl,
  prompt: z.string().trim().min(1).max(MAX_PROMPT_LENGTH),
  style: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, {
    message: "must be a short lowercase slug (letters, digits, - and _, at most 32)",
  }),
  storeImage: z.boolean().optional(),
});

export type CreateShareInput = z.infer<typeof createShareSchema>;
