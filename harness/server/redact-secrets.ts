/**
 * @module harness/server/redact-secrets
 * Keeps secrets (ADMIN_TOKEN, ...) out of recorded fixtures: each value becomes a placeholder, the
 * same one in the harness vars and in every recorded request header, so a replay boots with the
 * placeholder as the secret and the recorded `Authorization: Bearer <placeholder>` still works.
 */

/** @example secretPlaceholder("ADMIN_TOKEN") // "redacted-ADMIN_TOKEN" */
export function secretPlaceholder(name: string): string {
  return `redacted-${name}`;
}

/** `text` with every secret value replaced by its placeholder; empty secrets are ignored. */
export function redactSecrets(text: string, secrets: Record<string, string>): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  const entries = Object.entries(secrets)
    .filter(([, value]) => value !== "")
    .sort(([, a], [, b]) => b.length - a.length);
  for (const [name, value] of entries) out = out.split(value).join(secretPlaceholder(name));
  return out;
}

/** The vars to write into a fixture: secrets as placeholders, everything else as it is. */
export function redactVars(
  vars: Record<string, string>,
  secrets: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [
      name,
      name in secrets && value !== "" ? secretPlaceholder(name) : value,
    ]),
  );
}
