/**
 * @module shares/list-query
 * The query of `GET /api/shares`: `limit` (1..100, default 20) and an opaque `cursor`. The route
 * validates with this schema and the OpenAPI document is generated from it.
 */
import { z } from "zod";
import { AppError } from "../errors.js";

export const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

const limitMessage = `must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}`;

export const listQuerySchema = z.object({
  limit: z.coerce
    .number({ message: limitMessage })
    .int({ message: limitMessage })
    .min(LIST_LIMIT.min, { message: limitMessage })
    .max(LIST_LIMIT.max, { message: limitMessage })
    .default(LIST_LIMIT.default)
    .meta({ description: `Shares per page, ${LIST_LIMIT.min} to ${LIST_LIMIT.max}.` }),
  cursor: z
    .string()
    .optional()
    .meta({ description: "The `cursor` of the previous page; absent or empty for the first." }),
});

/**
 * Parse the list query (every value of each name, as `c.req.queries()` gives them), or throw the
 * 400 `validation_failed` the API documents. A name the list reads given twice is refused: which
 * of `?limit=5&limit=500` counts would otherwise be up to whoever parses it.
 * @example parseListQuery({ limit: ["5"] }) // { limit: 5, cursor: undefined }
 */
export function parseListQuery(query: Record<string, string[]>): {
  limit: number;
  cursor: string | undefined;
} {
  const repeated = Object.keys(listQuerySchema.shape).filter(
    (name) => (query[name]?.length ?? 0) > 1,
  );
  if (repeated.length > 0) {
    throw new AppError(400, "validation_failed", `Give ${repeated.join(" and ")} at most once`, {
      fields: repeated.map((path) => ({ path, message: "given more than once; send it once" })),
    });
  }
  const single = Object.fromEntries(Object.entries(query).map(([name, [value]]) => [name, value]));
  // Number() would also read " 1", "0x10" and "1e1": only decimal digits are a limit.
  const digits = single.limit === undefined || /^\d+$/.test(single.limit);
  const parsed = listQuerySchema.safeParse(single);
  if (!digits || !parsed.success) {
    throw new AppError(400, "validation_failed", `limit ${limitMessage}`, {
      fields: [{ path: "limit", message: limitMessage }],
    });
  }
  const { limit, cursor } = parsed.data;
  return { limit, cursor: cursor === "" ? undefined : cursor };
}
