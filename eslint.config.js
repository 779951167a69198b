// @ts-check
import { builtinModules } from "node:module";
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** A relative specifier (`./`, `../`) that does not end in .js, .mjs or .json. */
const RELATIVE_WITHOUT_EXTENSION = String.raw`/^\.(?!.*\.(js|mjs|json)$)/`;
const IMPORT_STYLE = "Name the file as it runs: `./x.js` (docs/decisions/architecture.md).";
/** A Node built-in named without its `node:` scheme (`fs`, `path/posix`). */
const BARE_BUILTIN = `/^(${builtinModules
  .filter((name) => !name.startsWith("_") && !name.startsWith("node:"))
  .map((name) => name.replace(/[/]/g, "\\/"))
  .join("|")})$/`;
const BUILTIN_STYLE =
  "Name a Node built-in by its scheme: `node:fs` (docs/decisions/architecture.md).";

export default tseslint.config(
  {
    ignores: [
      "node_modules",
      "dist",
      "reports",
      ".wrangler",
      ".harness-cache",
      ".stryker-tmp",
      "worker-configuration.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      // One import declaration per module (its types may have their own `import type`).
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
    },
  },
  {
    // The dashboard's page modules, the core's and a Worker plugin's, run in the browser.
    files: ["harness/dashboard/**/*.js", "harness/share/dashboard/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // One import style: a relative import names the file as it runs (`./x.js`), which is also
    // what the browser needs for the dashboard's modules, and a Node built-in its `node:` name
    // (docs/decisions/architecture.md).
    rules: {
      "no-restricted-syntax": [
        "error",
        ...[
          "ImportDeclaration",
          "ExportNamedDeclaration",
          "ExportAllDeclaration",
          "ImportExpression",
        ].map((node) => ({
          selector: `${node}[source.value=${RELATIVE_WITHOUT_EXTENSION}]`,
          message: IMPORT_STYLE,
        })),
        ...["ImportDeclaration", "ExportNamedDeclaration", "ImportExpression"].map((node) => ({
          selector: `${node}[source.value=${BARE_BUILTIN}]`,
          message: BUILTIN_STYLE,
        })),
        {
          selector: `TSImportType[argument.literal.value=${RELATIVE_WITHOUT_EXTENSION}]`,
          message: IMPORT_STYLE,
        },
        {
          selector: `CallExpression[callee.object.name="vi"][arguments.0.value=${RELATIVE_WITHOUT_EXTENSION}]`,
          message: IMPORT_STYLE,
        },
      ],
    },
  },
);
