/**
 * @module harness/workers/write-marks
 * Which keys a write touched while a read was in flight. A read notes where it began
 * ({@link WriteMarks.readBegins}); when it ends, {@link WriteMarks.readEnds} says whether a write
 * to its key started or finished since. Marks no read in flight can still compare against are
 * dropped at once, so a long session holds only the marks of keys written during open reads.
 */
export class WriteMarks {
  /** Bumped at every mark; a key's mark is the tick of its latest write event. */
  #tick = 0;
  /** key -> tick of its latest write event, oldest first (a re-marked key moves to the end). */
  readonly #marks = new Map<string, number>();
  /** tick a read began at -> reads open since then, oldest first (ticks only grow). */
  readonly #open = new Map<number, number>();

  /** How many keys' marks are held (bounded by the writes made during open reads). */
  get size(): number {
    return this.#marks.size;
  }

  /** Note a write to `key` starting or ending. */
  mark(key: string): void {
    this.#marks.delete(key);
    this.#marks.set(key, ++this.#tick);
    this.#prune();
  }

  /** A read begins: the token to hand to {@link readEnds}. */
  readBegins(): number {
    this.#open.set(this.#tick, (this.#open.get(this.#tick) ?? 0) + 1);
    return this.#tick;
  }

  /** A read of `key` that began at `since` ends: true when a write to `key` overlapped it. */
  readEnds(key: string, since: number): boolean {
    const overlapped = (this.#marks.get(key) ?? -1) > since;
    const left = (this.#open.get(since) ?? 1) - 1;
    if (left > 0) this.#open.set(since, left);
    else this.#open.delete(since);
    this.#prune();
    return overlapped;
  }

  /** Drop every mark no open read began before: none of them can report an overlap any more. */
  #prune(): void {
    const oldest = this.#open.keys().next();
    const floor = oldest.done ? this.#tick : oldest.value;
    for (const [key, tick] of this.#marks) {
      if (tick > floor) break;
      this.#marks.delete(key);
    }
  }
}
