#!/usr/bin/env node
/**
 * @module A stand-in for wrangler 4.164.0 in tests: records its argv and answers `whoami --json`,
 * `kv namespace list` and `kv namespace create` from a JSON state file, printing what the real
 * wrangler prints (texts copied from node_modules/wrangler/wrangler-dist/cli.js). Plain JS so each
 * call starts in milliseconds.
 *
 * Env: FAKE_WRANGLER_STATE (state file, updated on create), FAKE_WRANGLER_LOG (one JSON argv per line).
 * State: { loggedIn, tokenPermissions?, kvPermission, namespaces: [{ id, title }], garbage?: { whoami?, list?, create? } }
 */
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";

const argv = process.argv.slice(2);
const statePath = process.env.FAKE_WRANGLER_STATE;
const logPath = process.env.FAKE_WRANGLER_LOG;
if (!statePath || !logPath) {
  process.stderr.write("fake wrangler: set FAKE_WRANGLER_STATE and FAKE_WRANGLER_LOG\n");
  process.exit(2);
}
appendFileSync(logPath, `${JSON.stringify(argv)}\n`);
const state = JSON.parse(readFileSync(statePath, "utf8"));

const BANNER = "\n \u26C5\uFE0F wrangler 4.164.0\n" + "\u2500".repeat(20) + "\n";
const LOGS =
  '\n\u{1FAB5}  Logs were written to "/home/user/.config/.wrangler/logs/wrangler-2026-11-25_20-01-08_219.log"\n';
// esbuild's error box, coloured as wrangler prints it even when stderr is not a terminal.
const errorBox = (text, notes = []) =>
  `\u001b[31m\u2718 \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1m${text}\u001b[0m\n\n` +
  notes.map((note) => `  ${note}\n`).join("") +
  (notes.length ? "\n" : "") +
  LOGS;
const NOT_LOGGED_IN =
  "In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable for wrangler to work. Please go to https://developers.cloudflare.com/fundamentals/api/get-started/create-token/ for instructions on how to create an api token, and assign its value to CLOUDFLARE_API_TOKEN.";
const AUTH_ERROR = [
  "Authentication error [code: 10000]",
  "",
  "If you think this is a bug, please open an issue at:",
  "https://github.com/cloudflare/workers-sdk/issues/new/choose",
];

const fail = (text) => {
  process.stderr.write(text);
  process.exit(1);
};
const out = (text) => process.stdout.write(text);
const positional = argv.filter((arg) => !arg.startsWith("-"));
const command = positional.slice(0, 3).join(" ");

const garbage = (name) => {
  if (state.garbage?.[name] === undefined) return;
  out(state.garbage[name]);
  process.exit(0);
};
const requireKvAuth = () => {
  if (!state.loggedIn) fail(errorBox(NOT_LOGGED_IN));
  if (state.kvPermission === false)
    fail(errorBox("A request to the Cloudflare API failed.", AUTH_ERROR));
};

if (positional[0] === "whoami" && argv.includes("--json")) {
  garbage("whoami");
  if (!state.loggedIn) fail(`\n${JSON.stringify({ loggedIn: false })}\n`);
  out(
    `${JSON.stringify(
      {
        loggedIn: true,
        authType: state.tokenPermissions ? "OAuth Token" : "User API Token",
        email: "dev@example.com",
        accounts: [{ id: "023e105f4ecef8ad9ca31a8372d0c353", name: "Example Account" }],
        ...(state.tokenPermissions ? { tokenPermissions: state.tokenPermissions } : {}),
      },
      null,
      4,
    )}\n`,
  );
} else if (command === "kv namespace list") {
  garbage("list");
  requireKvAuth();
  const sorted = [...state.namespaces].sort((a, b) => a.title.localeCompare(b.title));
  out(
    `${JSON.stringify(
      sorted.map((ns) => ({ id: ns.id, title: ns.title, supports_url_encoding: true })),
      null,
      "  ",
    )}\n`,
  );
} else if (command === "kv namespace create" && positional[3]) {
  out(BANNER);
  requireKvAuth();
  const preview = argv.includes("--preview");
  const title = `${positional[3]}${preview ? "_preview" : ""}`;
  out(`Resource location: remote \n\n\u{1F300} Creating namespace with title "${title}"\n`);
  garbage("create");
  if (state.namespaces.some((ns) => ns.title === title)) {
    fail(
      errorBox(`A KV namespace with the title "${title}" already exists.`, [
        "You can list existing namespaces with their IDs by running:",
        "  wrangler kv namespace list",
        "",
        "Or choose a different namespace name.",
      ]),
    );
  }
  const id = createHash("md5").update(title).digest("hex");
  state.namespaces.push({ id, title });
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  const snippet = {
    kv_namespaces: [{ binding: positional[3], [preview ? "preview_id" : "id"]: id }],
  };
  out(
    "\u2728 Success!\nTo access your new KV Namespace in your Worker, add the following snippet to your configuration file:\n" +
      `${JSON.stringify(snippet, null, 2)}\n` +
      // wrangler.jsonc is a JSON config, so wrangler asks (and, non-interactive, declines).
      "? Would you like Wrangler to add it on your behalf?\n\u{1F916} Using fallback value in non-interactive context: no\n",
  );
} else {
  fail(errorBox(`Unknown arguments: ${argv.join(" ")}`));
}
