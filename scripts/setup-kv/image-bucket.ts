/**
 * @module The image bucket's part of the setup: make sure the R2 bucket exists and carries the
 * lifecycle rule that ends image copies with their 30-day share (src/images/lifecycle.ts).
 * Idempotent: a rule with the same prefix and expiry is reused whatever its name; a rule of ours
 * with other settings is replaced; nothing is added twice.
 */
import { IMAGE_LIFECYCLE_RULE } from "../../src/images/lifecycle.js";
import type { SetupKvError } from "./errors.js";
import { isMissingBucket, parseLifecycleRules, type LifecycleRuleRow } from "./wrangler-output.js";
import type { WranglerResult } from "./wrangler-runner.js";

export interface ImageBucketOptions {
  buckets: string[];
  dryRun: boolean;
  /** `--config <file>` when the config is not wrangler.jsonc. */
  configArgs: string[];
  wranglerLabel: string;
  log: (line: string) => void;
  /** Runs wrangler and returns whatever it answered. */
  run: (args: string[]) => Promise<WranglerResult>;
  /** The error for a wrangler run that failed. */
  failure: (command: string, status: number, output: string) => SetupKvError;
}

export interface ImageBucketResult {
  createdBuckets: string[];
  /** Buckets that got the rule in this run. */
  ruleAdded: string[];
}

const { name, prefix, expireDays } = IMAGE_LIFECYCLE_RULE;
/** How `lifecycle list` prints the rule we want. */
const WANTED = { enabled: "Yes", prefix, action: `Expire objects after ${expireDays} days` };

const matches = (rule: LifecycleRuleRow) =>
  rule.enabled === WANTED.enabled && rule.prefix === WANTED.prefix && rule.action === WANTED.action;

export async function setupImageBuckets(options: ImageBucketOptions): Promise<ImageBucketResult> {
  const { log, dryRun } = options;
  const result: ImageBucketResult = { createdBuckets: [], ruleAdded: [] };
  const label = (args: string[]) => [options.wranglerLabel, ...args].join(" ");
  const checked = async (args: string[]): Promise<string> => {
    const answer = await options.run(args);
    if (answer.status !== 0) {
      throw options.failure(label(args), answer.status, answer.stdout + answer.stderr);
    }
    return answer.stdout;
  };
  /** Runs a command that changes the account, or only says it would. */
  const change = async (args: string[], doing: string): Promise<void> => {
    if (dryRun) return log(`Would run: ${label(args)}`);
    log(`${doing}: ${label(args)}`);
    await checked(args);
  };

  for (const bucket of options.buckets) {
    const infoArgs = ["r2", "bucket", "info", bucket, "--json", ...options.configArgs];
    const info = await options.run(infoArgs);
    let rules: LifecycleRuleRow[] = [];
    if (info.status === 0) {
      const listArgs = ["r2", "bucket", "lifecycle", "list", bucket, ...options.configArgs];
      rules = parseLifecycleRules(label(listArgs), await checked(listArgs));
    } else if (isMissingBucket(info.stdout + info.stderr)) {
      await change(
        ["r2", "bucket", "create", bucket, ...options.configArgs],
        `Creating R2 bucket "${bucket}"`,
      );
      result.createdBuckets.push(bucket);
    } else {
      throw options.failure(label(infoArgs), info.status, info.stdout + info.stderr);
    }

    const same = rules.find(matches);
    if (same) {
      log(
        `Reusing lifecycle rule "${same.name}" on R2 bucket "${bucket}" (${same.action}, ${prefix}).`,
      );
      continue;
    }
    if (rules.some((rule) => rule.name === name)) {
      await change(
        ["r2", "bucket", "lifecycle", "remove", bucket, "--name", name, ...options.configArgs],
        `Replacing lifecycle rule "${name}" (other settings) on "${bucket}"`,
      );
    }
    await change(
      [
        "r2",
        "bucket",
        "lifecycle",
        "add",
        bucket,
        name,
        prefix,
        "--expire-days",
        String(expireDays),
        ...options.configArgs,
      ],
      `Adding lifecycle rule "${name}" (objects under ${prefix} expire after ${expireDays} days) to "${bucket}"`,
    );
    result.ruleAdded.push(bucket);
  }
  return result;
}
