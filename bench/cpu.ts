/**
 * @module bench/cpu
 * CPU time, which a loaded machine inflates far less than wall time: this Node process's
 * (`process.cpuUsage`) plus the workerd processes' (their threads' run time from
 * `/proc/<pid>/task/<tid>/schedstat`, in nanoseconds; Linux only, else not measured).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Milliseconds of CPU the threads of `pids` have run so far; undefined where /proc is missing. */
export function processCpuMs(pids: readonly number[]): number | undefined {
  let ns = 0;
  try {
    for (const pid of pids) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      }
    }
  } catch {
    return undefined;
  }
  return ns / 1e6;
}

/**
 * Runs `fn`; returns its wall milliseconds and pushes onto `cpu` the CPU milliseconds this Node
 * process and the workerd processes `pids` spent meanwhile (nothing when /proc is missing).
 */
export async function timedWithCpu(
  fn: () => Promise<unknown>,
  pids: readonly number[],
  cpu: number[],
): Promise<number> {
  const workerdBefore = processCpuMs(pids);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wall = performance.now() - started;
  const node = process.cpuUsage(nodeBefore);
  const workerdAfter = processCpuMs(pids);
  if (workerdBefore !== undefined && workerdAfter !== undefined) {
    cpu.push((node.user + node.system) / 1000 + workerdAfter - workerdBefore);
  }
  return wall;
}
