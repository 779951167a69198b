/**
 * @module suites/support/probe-target
 * What a running Worker at a URL is, asked over HTTP only: the backend its `/healthz` reports,
 * and whether it is a dev server that opens isolated sessions. Used by the URL target and by
 * `npm run test:kv-storage` (to run only the project a plain URL can serve).
 */

/** The backend `/healthz` reports (`kv` unless it says `memory`). */
export async function targetBackend(base: string): Promise<"kv" | "memory"> {
  let body: { backend?: string };
  try {
    const res = await fetch(`${base}/healthz`);
    body = (await res.json()) as { backend?: string };
  } catch (error) {
    throw new Error(
      `TARGET_URL ${base} does not answer GET /healthz (${(error as Error).message}). Is the Worker running there?`,
      { cause: error },
    );
  }
  return body.backend === "memory" ? "memory" : "kv";
}

/** True when `base` is a dev server that opens sessions (`GET /__harness/sessions` answers JSON). */
export async function offersSessions(base: string): Promise<boolean> {
  const res = await fetch(`${base}/__harness/sessions`).catch(() => undefined);
  const json = (res?.headers.get("content-type") ?? "").includes("application/json");
  if (!res?.ok || !json) {
    await res?.body?.cancel();
    return false;
  }
  const body = (await res.json()) as { sessions?: unknown };
  return Array.isArray(body.sessions);
}
