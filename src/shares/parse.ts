/**
 * @module shares/parse
 * Turns a stored value into a ShareData, or undefined when it is not JSON or not a share
 * (such records are 404 on get, skipped by list and counted by monitoring, never a 500).
 */
import { shareDataSchema, type ShareData } from "./schema.js";

export function parseShare(value: string): ShareData | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = shareDataSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
