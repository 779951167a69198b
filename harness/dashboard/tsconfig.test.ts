import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "jsonc-parser";
import { describe, expect, it } from "vitest";

const DIR = import.meta.dirname;

describe("the dashboard's typecheck", () => {
  it("checks every helper that has a .d.ts against it (tsc's include skips those .js files)", () => {
    const config = parse(readFileSync(path.join(DIR, "tsconfig.json"), "utf8")) as {
      files: string[];
      include: string[];
    };
    // The page's folder and the share plugin's page modules (checked by the same config).
    const typed = [DIR, path.join(DIR, "../share/dashboard")].flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith(".d.ts"))
        .map((f) => f.replace(/\.d\.ts$/, ".js"))
        .filter((f) => readdirSync(dir).includes(f))
        .map((f) => path.relative(DIR, path.join(dir, f))),
    );
    expect(typed.length).toBeGreaterThan(0);
    expect([...config.files].sort()).toEqual(typed.sort());
    for (const file of typed) {
      const name = path.basename(file, ".js");
      const source = readFileSync(path.join(DIR, file), "utf8");
      const exported = [...source.matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)].map(
        (m) => m[1],
      );
      for (const symbol of exported) {
        expect(source, `${file} exports ${symbol} without its .d.ts type`).toContain(
          `@type {typeof import("./${name}.js").${symbol}}`,
        );
      }
    }
    expect(config.include).toContain("*.js");
  });
});
