/**
 * @module cli/soak
 * `npm run soak -- --ops 5000 --clients 50 --fault-rate 0.2 --restart-every 500 --seed S`:
 * runs the chaos soak on a temporary local harness (nothing listens on the network), prints the
 * summary and exits 1 on any violation, 2 on bad flags.
 */
import { writeFileSync } from "node:fs";
import { ReliabilityError } from "../reliability/errors.js";
import { parseSoakArgs } from "../reliability/soak/cli-options.js";
import { runSoak } from "../reliability/soak/run-soak.js";
import { formatSummary } from "../reliability/soak/summary.js";
import { scopeThisCommand } from "../lib/run-scope.js";

async function main(): Promise<number> {
  scopeThisCommand();
  const cli = parseSoakArgs(process.argv.slice(2));
  if (!cli) return 0; // --help: commander printed it
  const { summary, records } = await runSoak(cli.soak, {
    onPeriod: (done, total, requests) =>
      process.stderr.write(`period ${done}/${total} done, ${requests} requests\n`),
  });
  if (cli.history) {
    writeFileSync(cli.history, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    process.stderr.write(`history: ${records.length} requests written to ${cli.history}\n`);
  }
  console.log(cli.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  return summary.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ReliabilityError && err.code === "BAD_OPTION") {
      console.error(`npm run soak: ${err.message}`);
      process.exit(2);
    }
    console.error(`npm run soak: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
