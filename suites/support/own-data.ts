/**
 * @module suites/support/own-data
 * A run's own data on a target it does not own. Every share body the suites post carries the run
 * id in its prompt (`[suite-run <id>]`), every share they create is remembered, and afterwards
 * those shares are deleted with the admin token, so a run against `wrangler dev` or a deployed
 * preview leaves nothing behind (or says exactly what it left, and why).
 */
import { inject } from "vitest";
import { createShareFactory, type ShareFactory } from "../../fixtures/factories/index.js";
import { MAX_PROMPT_LENGTH, type CreateShareInput } from "../../src/shares/create-schema.js";

/** One id for the whole `npm run test:kv-storage` run (`SUITE_RUN_ID`, else made by the config). */
export function suiteRunId(): string {
  return inject("runId");
}

export const runTag = (runId: string) => `[suite-run ${runId}]`;

/** The body with the run tag at the end of its prompt (left as is when it would not fit). */
export function tagBody(body: CreateShareInput, runId = suiteRunId()): CreateShareInput {
  const prompt = `${body.prompt} ${runTag(runId)}`;
  return prompt.length > MAX_PROMPT_LENGTH ? body : { ...body, prompt };
}

/** `createShareFactory(seed)` whose request bodies carry this run's tag. */
export function suiteFactory(...args: Parameters<typeof createShareFactory>): ShareFactory {
  const factory = createShareFactory(...args);
  return { ...factory, createBody: (overrides) => tagBody(factory.createBody(overrides)) };
}

export class OwnData {
  readonly #ids = new Set<string>();

  add(id: string): void {
    this.#ids.add(id);
  }

  forget(id: string): void {
    this.#ids.delete(id);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  /** Only the items this run created, in the order given. */
  only<T extends { id: string }>(items: T[]): T[] {
    return items.filter((item) => this.#ids.has(item.id));
  }

  /**
   * Delete every share still remembered, with `del(id)` answering the DELETE status. Returns a
   * line for the log when something could not be deleted.
   */
  async cleanup(
    del: ((id: string) => Promise<number>) | undefined,
    where: string,
  ): Promise<string | undefined> {
    if (this.#ids.size === 0) return undefined;
    const tag = runTag(suiteRunId());
    if (!del) {
      return `left ${this.#ids.size} shares tagged ${tag} on ${where}: set TARGET_ADMIN_TOKEN to delete them (they expire after 30 days)`;
    }
    const failed: string[] = [];
    for (const id of [...this.#ids]) {
      const status = await del(id).catch(() => 0);
      if (status === 204 || status === 404) this.#ids.delete(id);
      else failed.push(`${id} (${status || "no answer"})`);
    }
    return failed.length > 0
      ? `could not delete ${failed.length} shares tagged ${tag} on ${where}: ${failed.join(", ")}`
      : undefined;
  }
}
