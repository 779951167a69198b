/**
 * @module reliability/soak/cli-options
 * `npm run soak` flags → SoakOptions (plus output flags), checked before anything boots.
 */
import { type Command, InvalidArgumentError } from "commander";
import { createProgram, parseProgram } from "../../lib/program.js";
import { ReliabilityError } from "../errors.js";
import { resolveSoakOptions, SOAK_DEFAULTS, type SoakOptions } from "./options.js";

export interface SoakCliOptions {
  soak: SoakOptions;
  /** Write every request as JSON lines here. */
  history?: string;
  /** Print the summary as JSON instead of text. */
  json: boolean;
}

const num = (value: string): number => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new InvalidArgumentError("Expected a number.");
  return n;
};

function program(): Command {
  const d = SOAK_DEFAULTS;
  return createProgram("soak")
    .description(
      "Chaos soak: concurrent clients, seeded KV faults and restarts, then invariant checks.",
    )
    .option("--ops <n>", "client operations in total", num, d.ops)
    .option("--clients <n>", "concurrent clients", num, d.clients)
    .option(
      "--fault-rate <p>",
      "probability a fault fires on any KV operation (0..0.9)",
      num,
      d.faultRate,
    )
    .option(
      "--restart-every <n>",
      "restart or crash the runtime after every n ops (0: never)",
      num,
      d.restartEvery,
    )
    .option("--seed <n>", "seed of the workload, fault rules and restarts", num, d.seed)
    .option("--fallback <mode>", "the Worker's KV_WRITE_FALLBACK: reject | memory", d.fallback)
    .option("--isolates <n>", "Worker isolates on one KV namespace", num, d.isolates)
    .option(
      "--outage <fraction>",
      "tail of every restart period with KV writes down (0..0.9)",
      num,
      d.outage,
    )
    .option("--settle-ms <ms>", "virtual time advanced after faults stop", num, d.settleMs)
    .option("--max-seconds <s>", "fail if the run takes longer", num, d.maxSeconds)
    .option("--retry-base-ms <ms>", "the Worker's KV_RETRY_BASE_MS", num, d.retryBaseMs)
    .option(
      "--keyed <fraction>",
      "creates sent with an Idempotency-Key and retried until answered (0..1)",
      num,
      d.keyed,
    )
    .option("--attempts <n>", "attempts of a keyed create at most", num, d.attempts)
    .option("--no-mid-switch", "no restart or crash in the middle of a period (under traffic)")
    .option("--history <file>", "write every request as JSON lines to this file")
    .option("--json", "print the summary as JSON", false);
}

/**
 * undefined when `--help` printed the help.
 * @example parseSoakArgs(["--ops", "300", "--seed", "7"])?.soak.seed // 7
 */
export function parseSoakArgs(argv: readonly string[]): SoakCliOptions | undefined {
  const cmd = program();
  const parsed = parseProgram(cmd, argv);
  if (parsed.kind === "help") return undefined;
  if (parsed.kind === "usage") {
    throw new ReliabilityError("BAD_OPTION", `${parsed.reason} (npm run soak -- --help)`);
  }
  const { history, json, ...soak } = cmd.opts<SoakOptions & { history?: string; json: boolean }>();
  return { soak: resolveSoakOptions(soak), ...(history ? { history } : {}), json };
}
