/**
 * @module Reads wrangler 4's output: whoami JSON, the namespace list, created ids, R2 lifecycle
 * rules and error texts.
 */
import { SetupKvError } from "./errors.js";

/** A KV namespace as `wrangler kv namespace list` prints it (extra fields are ignored). */
export interface KvNamespace {
  id: string;
  title: string;
}

// Wrangler colours its error box even when stdout is not a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, "");

const NOT_LOGGED_IN = [
  /You are not authenticated/,
  /necessary to set a CLOUDFLARE_API_TOKEN/,
  /Did not login, quitting/,
  /Not logged in/,
  /"loggedIn"\s*:\s*false/,
];
const NO_PERMISSION = [
  /\[code: 10000\]/,
  /Authentication error/i,
  /Access denied/i,
  /Unauthorized to access requested resource/i,
];

/** wrangler's own refusal of the Node it runs on (bin/wrangler.js): what it needs, what it got. */
const NODE_TOO_OLD = /Wrangler requires at least Node\.js v(\S+)\. You are using v(\S+)\./;

/** The Node versions wrangler needs and found when it refused to start, else undefined. */
export function nodeRefusal(output: string): { needs: string; found: string } | undefined {
  const match = NODE_TOO_OLD.exec(stripAnsi(output));
  return match ? { needs: match[1]!, found: match[2]! } : undefined;
}

/** What a failed wrangler run means, judged from its stdout + stderr. */
export function classifyFailure(output: string): "not-logged-in" | "no-permission" | "other" {
  const text = stripAnsi(output);
  if (NOT_LOGGED_IN.some((re) => re.test(text))) return "not-logged-in";
  if (NO_PERMISSION.some((re) => re.test(text))) return "no-permission";
  return "other";
}

const unparseable = (command: string, what: string, output: string) =>
  new SetupKvError(
    "WRANGLER_OUTPUT_UNPARSEABLE",
    `\`${command}\` succeeded but its output has no ${what} this script can read, so nothing was changed. ` +
      `This usually means a wrangler version other than 4.x; run \`npx wrangler --version\` and install wrangler 4 ` +
      `(npm install -D wrangler@4). Wrangler printed:\n${indent(output)}`,
  );

export const indent = (text: string): string =>
  (stripAnsi(text).trim() || "(nothing)")
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

/** Parses `wrangler whoami --json`; returns the token's permissions when wrangler reports them (OAuth). */
export function parseWhoami(
  command: string,
  output: string,
): { loggedIn: boolean; tokenPermissions?: string[] } {
  const text = stripAnsi(output);
  const start = text.indexOf("{");
  try {
    const parsed: unknown = JSON.parse(text.slice(start, text.lastIndexOf("}") + 1));
    if (start >= 0 && typeof parsed === "object" && parsed !== null && "loggedIn" in parsed) {
      const { loggedIn, tokenPermissions } = parsed as {
        loggedIn: unknown;
        tokenPermissions?: unknown;
      };
      return {
        loggedIn: loggedIn === true,
        ...(Array.isArray(tokenPermissions)
          ? { tokenPermissions: tokenPermissions.map(String) }
          : {}),
      };
    }
  } catch {
    // fall through to the error below
  }
  throw unparseable(command, "login status (JSON with `loggedIn`)", output);
}

/** Parses `wrangler kv namespace list`: a JSON array of `{ id, title, ... }`. */
export function parseNamespaceList(command: string, output: string): KvNamespace[] {
  const text = stripAnsi(output);
  const start = text.indexOf("[");
  try {
    const parsed: unknown =
      start >= 0 ? JSON.parse(text.slice(start, text.lastIndexOf("]") + 1)) : undefined;
    if (Array.isArray(parsed) && parsed.every(isNamespace)) {
      return parsed.map(({ id, title }) => ({ id, title }));
    }
  } catch {
    // fall through to the error below
  }
  throw unparseable(command, "JSON array of namespaces", output);
}

const isNamespace = (value: unknown): value is KvNamespace =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as KvNamespace).id === "string" &&
  typeof (value as KvNamespace).title === "string";

/** Reads the new id from `wrangler kv namespace create`'s config snippet (`"id"` or `"preview_id"`). */
export function parseCreatedId(command: string, output: string): string {
  const match = /"(?:preview_)?id"\s*:\s*"([^"\s]+)"/.exec(stripAnsi(output));
  if (match?.[1]) return match[1];
  throw unparseable(command, 'namespace id (`"id": "..."`)', output);
}

/** A lifecycle rule as `wrangler r2 bucket lifecycle list` prints it (it has no --json). */
export interface LifecycleRuleRow {
  name: string;
  enabled: string;
  prefix: string;
  action: string;
}

/** True when wrangler's API error says the bucket does not exist (code 10006). */
export const isMissingBucket = (output: string): boolean =>
  /\[code: 10006\]/.test(stripAnsi(output));

/**
 * Parses `wrangler r2 bucket lifecycle list <bucket>`: "There are no lifecycle rules ..." or one
 * block of `name:`, `enabled:`, `prefix:`, `action:` lines per rule, blank lines between.
 */
export function parseLifecycleRules(command: string, output: string): LifecycleRuleRow[] {
  const text = stripAnsi(output);
  if (/There are no lifecycle rules for bucket/.test(text)) return [];
  const rules: LifecycleRuleRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^(name|enabled|prefix|action):\s+(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, label, value] = match as unknown as [string, keyof LifecycleRuleRow, string];
    if (label === "name") rules.push({ name: value, enabled: "", prefix: "", action: "" });
    const current = rules.at(-1);
    if (current) current[label] = value;
  }
  if (rules.length === 0) throw unparseable(command, "lifecycle rules (`name: ...` lines)", output);
  return rules;
}
