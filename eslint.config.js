// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/** A relative specifier (`./`, `../`) that does not end in .js, .mjs or .json. */
const RELATIVE_WITHOUT_EXTENSION = String.raw`/^\.(?!.*\.(js|mjs|json)$)/`;
const IMPORT_STYLE = "Name the file as it runs: `./x.js` (docs/decisions/architecture.md).";

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
    },
  },
  {
    // The dashboard's page modules, the core's and a Worker plugin's, run in the browser.
    files: ["harness/dashboard/**/*.js", "harness/share/dashboard/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // One import style: a relative import names the file as it runs (`./x.js`), which is also
    // what the browser needs for the dashboard's modules (docs/decisions/architecture.md).
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
