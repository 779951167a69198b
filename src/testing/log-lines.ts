/**
 * @module testing/log-lines
 * The storage layers' tests read the Worker's JSON log lines: `captureLogLines()` silences
 * console.log and returns a reader of what was logged; `restoreLogsAndClock` undoes it and puts
 * the Worker's clock back on real time (register it with `afterEach`).
 */
import { vi } from "vitest";
import { setClock } from "../clock.js";

export function captureLogLines(): () => Record<string, unknown>[] {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  return () => spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
}

export function restoreLogsAndClock(): void {
  vi.restoreAllMocks();
  setClock(() => Date.now());
}
