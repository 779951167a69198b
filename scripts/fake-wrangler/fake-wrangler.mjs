#!/usr/bin/env node
/**
 * @module A stand-in for wrangler 4.164.0 in tests: records its argv and answers `whoami --json`,
 * `kv namespace list|create`, `r2 bucket info|create` and `r2 bucket lifecycle list|add|remove`
 * from a JSON state file, printing what the real wrangler prints (texts and rule shapes copied from
 * node_modules/wrangler/wrangler-dist/cli.js). Plain JS so each call starts in milliseconds.
 *
 * Env: FAKE_WRANGLER_STATE (state file, updated on create), FAKE_WRANGLER_LOG (one JSON argv per line).
 * State: { nodeVersion? (wrangler refuses that Node), loggedIn, tokenPermissions?, kvPermission, r2Permission?, namespaces: [{ id, title }],
 *   buckets?: [{ name, rules: [lifecycle rule as the API holds it] }], garbage?: { whoami?, list?, create?, lifecycle? } }
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
// wrangler's bin/wrangler.js refuses an old Node before anything else, with this text.
if (state.nodeVersion) {
  process.stderr.write(
    `Wrangler requires at least Node.js v22.12.0. You are using v${state.nodeVersion}. Please update your version of Node.js.\n\n` +
      "Consider using a Node.js version manager such as https://volta.sh/ or https://github.com/nvm-sh/nvm.\n",
  );
  process.exit(1);
}

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
const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
const apiError = (resource, notes) =>
  errorBox(`A request to the Cloudflare API (/accounts/${ACCOUNT}${resource}) failed.`, notes);
const requireR2Auth = (resource) => {
  if (!state.loggedIn) fail(errorBox(NOT_LOGGED_IN));
  if (state.r2Permission === false) fail(apiError(resource, AUTH_ERROR));
};
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
/** The bucket, or wrangler's error for a bucket the account does not have. */
const bucketOr404 = (name, resource) => {
  const bucket = (state.buckets ?? []).find((b) => b.name === name);
  if (bucket) return bucket;
  fail(
    apiError(resource, [
      "The specified bucket does not exist. [code: 10006]",
      "",
      ...AUTH_ERROR.slice(2),
    ]),
  );
};
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
// wrangler's tableFromLifecycleRulesResponse + formatLabelledValues, colours off (not a terminal).
const ruleTable = (rule) => {
  const condition = (c) =>
    c.type === "Age" ? `after ${c.maxAge / 86400} days` : `on ${c.date.split("T")[0]}`;
  const actions = [];
  if (rule.deleteObjectsTransition)
    actions.push(`Expire objects ${condition(rule.deleteObjectsTransition.condition)}`);
  const rows = {
    name: rule.id,
    enabled: rule.enabled ? "Yes" : "No",
    prefix: rule.conditions.prefix || "(all prefixes)",
    action: actions.join(", ") || "(none)",
  };
  return Object.entries(rows)
    .map(([label, value]) => `${`${label}:`.padEnd(10)}${value}`)
    .join("\n");
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
  save();
  const snippet = {
    kv_namespaces: [{ binding: positional[3], [preview ? "preview_id" : "id"]: id }],
  };
  out(
    "\u2728 Success!\nTo access your new KV Namespace in your Worker, add the following snippet to your configuration file:\n" +
      `${JSON.stringify(snippet, null, 2)}\n` +
      // wrangler.jsonc is a JSON config, so wrangler asks (and, non-interactive, declines).
      "? Would you like Wrangler to add it on your behalf?\n\u{1F916} Using fallback value in non-interactive context: no\n",
  );
} else if (command === "r2 bucket info" && positional[3]) {
  const resource = `/r2/buckets/${positional[3]}`;
  requireR2Auth(resource);
  const bucket = bucketOr404(positional[3], resource);
  const info = {
    name: bucket.name,
    created: "2026-11-25T20:01:08.219Z",
    location: "WEUR",
    default_storage_class: "Standard",
    object_count: "0",
    bucket_size: "0 B",
  };
  out(
    argv.includes("--json")
      ? `${JSON.stringify(info, null, 2)}\n`
      : `${BANNER}${JSON.stringify(info)}\n`,
  );
} else if (command === "r2 bucket create" && positional[3]) {
  out(BANNER);
  requireR2Auth("/r2/buckets");
  const name = positional[3];
  out(`Creating bucket '${name}'...\n`);
  if ((state.buckets ?? []).some((b) => b.name === name)) {
    fail(
      apiError("/r2/buckets", [
        "The bucket you tried to create already exists, and you own it. [code: 10004]",
      ]),
    );
  }
  state.buckets = [...(state.buckets ?? []), { name, rules: [] }];
  save();
  out(
    `\u2705 Created bucket '${name}' with default storage class of Standard.\n` +
      "To access your new R2 Bucket in your Worker, add the following snippet to your configuration file:\n" +
      `${JSON.stringify({ r2_buckets: [{ bucket_name: name, binding: name.replace(/-/g, "_") }] }, null, 2)}\n` +
      "? Would you like Wrangler to add it on your behalf?\n\u{1F916} Using fallback value in non-interactive context: no\n",
  );
} else if (positional.slice(0, 4).join(" ") === "r2 bucket lifecycle list" && positional[4]) {
  out(BANNER);
  const resource = `/r2/buckets/${positional[4]}/lifecycle`;
  requireR2Auth(resource);
  garbage("lifecycle");
  const bucket = bucketOr404(positional[4], resource);
  out(`Listing lifecycle rules for bucket '${bucket.name}'...\n`);
  out(
    bucket.rules.length === 0
      ? `There are no lifecycle rules for bucket '${bucket.name}'.\n`
      : `${bucket.rules.map(ruleTable).join("\n\n")}\n`,
  );
} else if (positional.slice(0, 4).join(" ") === "r2 bucket lifecycle add" && positional[4]) {
  out(BANNER);
  const resource = `/r2/buckets/${positional[4]}/lifecycle`;
  requireR2Auth(resource);
  const bucket = bucketOr404(positional[4], resource);
  const [name, prefix] = [positional[5] ?? flag("--name"), positional[6] ?? flag("--prefix")];
  if (!name) {
    fail(
      errorBox(
        "Missing required rule name. Provide a name with --name <rule-name> or as a positional argument:\n  wrangler r2 bucket lifecycle add <bucket> <name>",
      ),
    );
  }
  const days = flag("--expire-days");
  if (days === undefined) {
    fail(
      errorBox(
        "No lifecycle action specified. Use at least one of --expire-days, --expire-date, --ia-transition-days, --ia-transition-date, or --abort-multipart-days.",
      ),
    );
  }
  // wrangler appends the rule to the bucket's rules as they are, and PUTs the whole list.
  bucket.rules.push({
    id: name,
    enabled: true,
    conditions: prefix ? { prefix } : {},
    deleteObjectsTransition: { condition: { maxAge: Number(days) * 86400, type: "Age" } },
  });
  save();
  out(`Adding lifecycle rule '${name}' to bucket '${bucket.name}'...\n`);
  out(`\u2728 Added lifecycle rule '${name}' to bucket '${bucket.name}'.\n`);
} else if (positional.slice(0, 4).join(" ") === "r2 bucket lifecycle remove" && positional[4]) {
  out(BANNER);
  const resource = `/r2/buckets/${positional[4]}/lifecycle`;
  requireR2Auth(resource);
  const bucket = bucketOr404(positional[4], resource);
  const name = flag("--name") ?? flag("--id");
  const index = bucket.rules.findIndex((rule) => rule.id === name);
  if (index < 0) {
    fail(
      errorBox(`Lifecycle rule with ID '${name}' not found in configuration for '${bucket.name}'.`),
    );
  }
  bucket.rules.splice(index, 1);
  save();
  out(`Removing lifecycle rule '${name}' from bucket '${bucket.name}'...\n`);
  out(`Lifecycle rule '${name}' removed from bucket '${bucket.name}'.\n`);
} else {
  fail(errorBox(`Unknown arguments: ${argv.join(" ")}`));
}
