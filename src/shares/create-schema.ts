/**
 * @module shares/create-schema
 * The POST /api/share body. Unknown keys (including `__proto__`) are rejected, not stripped,
 * so typos surface as 400 instead of being silently dropped. URLs come out normalised.
 */
import { z } from "zod";
import { MAX_URL_LENGTH, normaliseHttpsUrl } from "../urls/https-url.js";

/** An https URL without credentials, replaced by its normalised `href` (what is stored and rendered). */
const httpsUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .transform((s, ctx) => {
    const checked = normaliseHttpsUrl(s);
    if (checked.ok) return checked.href;
    ctx.addIssue({ code: "custom", message: checked.reason });
    return z.NEVER;
  });

/** Longest prompt a share may carry, in characters. */
export const MAX_PROMPT_LENGTH = 2000;

export const createShareSchema = z
  .strictObject({
    generatedUrl: httpsUrl.meta({
      description: "The generated image: an absolute https: URL of at most 2048 characters.",
    }),
    originalUrl: httpsUrl.meta({
      description: "The source image: an absolute https: URL of at most 2048 characters.",
    }),
    prompt: z
      .string()
      .trim()
      .min(1)
      .max(MAX_PROMPT_LENGTH)
      .meta({
        description: `The prompt, 1 to ${MAX_PROMPT_LENGTH} characters after trimming surrounding whitespace.`,
      }),
    style: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, {
        message: "must be a short lowercase slug (letters, digits, - and _, at most 32)",
      })
      .meta({
        description:
          "A lowercase slug: a letter or digit, then letters, digits, - or _; at most 32 characters.",
      }),
    storeImage: z.boolean().optional().meta({
      description:
        "Copy the generated image into R2 (served at /images/{id}); a failed copy still creates the share, with a warning.",
    }),
  })
  .meta({ description: "Unknown keys are refused (400 validation_failed), not dropped." });

export type CreateShareInput = z.infer<typeof createShareSchema>;
