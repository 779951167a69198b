/**
 * @module harness/server/parse-input
 * Reads control API input through a zod schema and turns every problem into a 400 that names the
 * field, e.g. `rules[0].kind: Invalid option: expected one of "error"|"network"|...`.
 */
import type { Context } from "hono";
import { z } from "zod";
import { MAX_INPUT_DEPTH, nestedDeeperThan } from "../../lib/bounded-json.js";
import { ControlError } from "./control-error.js";

/** `rules[0].kind` style path for a zod issue; `(body)` when the problem is the whole value. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

/** One readable line listing every issue zod found. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join("; ");
}

/** Validate any value, throwing a 400 `invalid_input` ControlError on failure. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ControlError("invalid_input", `Invalid ${what}: ${describeIssues(result.error)}`);
  }
  return result.data;
}

/**
 * Parse the request body as JSON, whatever the Content-Type (curl users often omit it), then
 * validate it. An empty or malformed body is `invalid_json`.
 */
export async function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  const text = await c.req.text();
  if (nestedDeeperThan(text, MAX_INPUT_DEPTH)) {
    throw new ControlError(
      "invalid_json",
      `Expected a JSON body nested at most ${MAX_INPUT_DEPTH} levels deep`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = text.trim() === "" ? "the body is empty" : (err as Error).message;
    throw new ControlError("invalid_json", `Expected a JSON body: ${reason}`);
  }
  return parseWith(schema, value, "body");
}

/**
 * For a route that takes no input: the body may be absent, empty or `{}`. Anything else is refused
 * (a malformed body is `invalid_json`, a field is `invalid_input`) rather than silently ignored, so a
 * caller who thinks it passed an option learns it did not.
 */
export async function parseEmptyBody(c: Context): Promise<void> {
  if ((await c.req.text()).trim() === "") return;
  await parseJsonBody(c, noFields);
}
const noFields = z.object({}).strict();

/** Validate the query string (unknown parameters are rejected so typos do not pass silently). */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  // Which of `?prefix=a&prefix=b` counts would otherwise be up to the parser (the first).
  const repeated = Object.entries(c.req.queries())
    .filter(([, values]) => values.length > 1)
    .map(([name]) => name);
  if (repeated.length > 0) {
    throw new ControlError(
      "invalid_input",
      `Invalid query: ${repeated.join(", ")} given more than once; send each name once`,
    );
  }
  return parseWith(schema, c.req.query(), "query");
}
