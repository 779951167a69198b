/**
 * The README's flag lists are `--help` itself: each block after its `<!-- npm run ... -- --help -->`
 * marker must equal what the CLI prints, so a new flag cannot be missing from the README.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { devHelp } from "./dev-options.js";
import { seedHelp } from "./seed-options.js";

const README = readFileSync(path.join(import.meta.dirname, "../README.md"), "utf8");

function block(marker: string): string | undefined {
  const at = README.indexOf(`<!-- ${marker} -->`);
  if (at < 0) return undefined;
  const match = /```text\n([\s\S]*?)\n```/.exec(README.slice(at));
  return match?.[1];
}

describe("README flag lists", () => {
  it.each([
    ["npm run dev -- --help", devHelp],
    ["npm run seed -- --help", seedHelp],
  ])("the block under `%s` is exactly what it prints", (marker, help) => {
    expect(
      block(marker),
      `Paste the output of \`${marker}\` into README.md below <!-- ${marker} -->`,
    ).toBe(help().trimEnd());
  });
});
