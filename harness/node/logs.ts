/** @module harness/node/logs Captures workerd's output as `LogLine`s, parsing JSON lines. */
import type { LogLine } from "../types.js";

export class LogBuffer {
  #lines: LogLine[] = [];

  constructor(
    private readonly clock: () => number,
    private readonly echo: boolean,
    /** Oldest lines are dropped beyond this, so a long dev session does not grow forever. */
    private readonly max = 10_000,
  ) {}

  push(text: string): void {
    if (text.trim() === "") return;
    const line: LogLine = { at: this.clock(), text };
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === "object" && !Array.isArray(json)) {
        line.json = json as Record<string, unknown>;
      }
    } catch {
      // Plain text line.
    }
    this.#lines.push(line);
    if (this.#lines.length > this.max) this.#lines.splice(0, this.#lines.length - this.max);
    if (this.echo) process.stdout.write(`${text}\n`);
  }

  all(): LogLine[] {
    return [...this.#lines];
  }

  clear(): void {
    this.#lines = [];
  }
}
