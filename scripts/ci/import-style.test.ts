/**
 * One import style (docs/decisions/architecture.md), held by ESLint: a relative import names the
 * file as it runs (`./x.js`), a Node built-in its `node:` name, and a module is imported once.
 * Checked through the project's own ESLint config on code in every folder's kind of file.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.join(import.meta.dirname, "../..") });

/** The rule ids ESLint reports for `code` placed at `file`, one per line that breaks one. */
async function reported(code: string, file: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.map((m) => m.ruleId);
}

describe("the import style", () => {
  it("refuses a relative import without its extension, in code, types and mocks", async () => {
    for (const file of ["src/x.ts", "harness/dashboard/x.js"]) {
      expect(await reported('import { a } from "./a";\nexport const b = a;\n', file)).toEqual([
        "no-restricted-syntax",
      ]);
    }
    const types = 'import type { T } from "./t";\nexport type U = T;\n';
    expect(await reported(types, "lib/x.ts")).toEqual(["no-restricted-syntax"]);
    const mock = 'import { vi } from "vitest";\nvi.mock("./m");\n';
    expect(await reported(mock, "harness/x.test.ts")).toEqual(["no-restricted-syntax"]);
    expect(
      await reported('import { a } from "./a.js";\nexport const b = a;\n', "src/x.ts"),
    ).toEqual([]);
  });

  it("refuses a Node built-in without node:, and a second import of one module", async () => {
    expect(await reported('import fs from "fs";\nexport const f = fs;\n', "cli/x.ts")).toEqual([
      "no-restricted-syntax",
    ]);
    expect(
      await reported('import p from "path/posix";\nexport const f = p;\n', "scripts/x.ts"),
    ).toEqual(["no-restricted-syntax"]);
    const twice =
      'import { a } from "./m.js";\nimport { b } from "./m.js";\nexport const c = [a, b];\n';
    expect(await reported(twice, "harness/x.ts")).toEqual(["no-duplicate-imports"]);
    const typesApart =
      'import { a } from "./m.js";\nimport type { B } from "./m.js";\nexport const c: B = a;\n';
    expect(await reported(typesApart, "harness/x.ts")).toEqual([]);
  });
});
