/**
 * @module The setup flow: check login, find or create both namespaces, make sure the image bucket
 * has its lifecycle rule, write the namespace ids.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { readBinding, readImageBuckets, writeBinding } from "./config-file.js";
import { SetupKvError } from "./errors.js";
import { setupImageBuckets, type ImageBucketResult } from "./image-bucket.js";
import { unifiedDiff } from "./unified-diff.js";
import {
  classifyFailure,
  nodeRefusal,
  indent,
  parseCreatedId,
  parseNamespaceList,
  parseWhoami,
  type KvNamespace,
} from "./wrangler-output.js";
import type { RunWrangler } from "./wrangler-runner.js";

export const DEFAULT_CONFIG = "wrangler.jsonc";
export const DEFAULT_BINDING = "SHARE_DATA_KV";
export const DEFAULT_IMAGES_BINDING = "SHARE_IMAGES";

export interface SetupOptions {
  /** Config path as the user gave it (relative to `cwd`). */
  config: string;
  binding: string;
  /** R2 binding of the image bucket that gets the lifecycle rule. */
  imagesBinding: string;
  dryRun: boolean;
  cwd: string;
  runWrangler: RunWrangler;
  /** How to show the wrangler command in printed commands, e.g. `wrangler`. */
  wranglerLabel: string;
  log: (line: string) => void;
}

export interface SetupResult {
  id: string;
  previewId: string;
  created: ("production" | "preview")[];
  changed: boolean;
  images: ImageBucketResult;
}

/** One namespace the binding needs: production (`id`) or preview (`preview_id`). */
interface Role {
  kind: "production" | "preview";
  /** Title wrangler 4 gives `kv namespace create <binding> [--preview]`: no Worker-name prefix. */
  title: string;
  /** Title wrangler 3 used (`<worker name>-<binding>[_preview]`), reused so upgrading creates nothing. */
  legacyTitle?: string;
  configured?: string;
  createArgs: string[];
}

/** Runs the whole setup; throws SetupKvError for anything the user must fix. */
export async function setupKvStorage(options: SetupOptions): Promise<SetupResult> {
  const { binding, config, log } = options;
  const file = path.resolve(options.cwd, config);
  const before = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    throw new SetupKvError(
      "CONFIG_NOT_FOUND",
      `${config} does not exist (looked in ${path.dirname(file)}). Run this script from the project root, ` +
        `or pass the file with --config <path>.`,
    );
  });
  const current = readBinding(before, binding, config);
  // wrangler finds wrangler.jsonc in the working directory itself; name any other file explicitly.
  const configArgs = config === DEFAULT_CONFIG ? [] : ["--config", config];
  const wrangler = async (args: string[]): Promise<string> => {
    const command = [options.wranglerLabel, ...args].join(" ");
    const result = await options.runWrangler(args);
    if (result.status !== 0) throw failure(command, result.status, result.stdout + result.stderr);
    return result.stdout;
  };
  const buckets = readImageBuckets(before, options.imagesBinding, config);

  const whoamiArgs = ["whoami", "--json"];
  const whoami = parseWhoami(`wrangler ${whoamiArgs.join(" ")}`, await wrangler(whoamiArgs));
  if (!whoami.loggedIn) throw failure("wrangler whoami --json", 1, '{"loggedIn":false}');
  if (whoami.tokenPermissions && !whoami.tokenPermissions.includes("workers_kv:write")) {
    throw noPermission(
      `your login lacks the workers_kv:write scope (it has: ${whoami.tokenPermissions.join(", ")})`,
    );
  }

  const listArgs = ["kv", "namespace", "list", ...configArgs];
  const namespaces = parseNamespaceList(`wrangler ${listArgs.join(" ")}`, await wrangler(listArgs));

  const prefix = current.workerName ? `${current.workerName}-` : undefined;
  const roles: Role[] = [
    {
      kind: "production",
      title: binding,
      ...(prefix ? { legacyTitle: `${prefix}${binding}` } : {}),
      ...(current.id ? { configured: current.id } : {}),
      createArgs: ["kv", "namespace", "create", binding, ...configArgs],
    },
    {
      kind: "preview",
      title: `${binding}_preview`,
      ...(prefix ? { legacyTitle: `${prefix}${binding}_preview` } : {}),
      ...(current.previewId ? { configured: current.previewId } : {}),
      createArgs: ["kv", "namespace", "create", binding, "--preview", ...configArgs],
    },
  ];

  const ids: string[] = [];
  const created: SetupResult["created"] = [];
  for (const role of roles) {
    const existing = findExisting(namespaces, role);
    if (existing) {
      log(`Reusing ${role.kind} namespace "${existing.title}" (${existing.id}).`);
      ids.push(existing.id);
      continue;
    }
    const command = `${options.wranglerLabel} ${role.createArgs.join(" ")}`;
    if (options.dryRun) {
      log(`Would run: ${command}`);
      ids.push(`<id printed by: ${command}>`);
    } else {
      log(`Creating ${role.kind} namespace "${role.title}": ${command}`);
      const id = parseCreatedId(
        `wrangler ${role.createArgs.join(" ")}`,
        await wrangler(role.createArgs),
      );
      log(`Created ${role.kind} namespace "${role.title}" (${id}).`);
      ids.push(id);
    }
    created.push(role.kind);
  }

  let images: ImageBucketResult = { createdBuckets: [], ruleAdded: [] };
  if (buckets.length === 0) {
    log(
      `${config} binds no R2 bucket as ${options.imagesBinding}; no image lifecycle rule to set.`,
    );
  } else {
    images = await setupImageBuckets({
      buckets,
      dryRun: options.dryRun,
      configArgs,
      wranglerLabel: options.wranglerLabel,
      log,
      run: options.runWrangler,
      failure: (command, status, output) => failure(command, status, output, "R2"),
    });
  }

  const [id = "", previewId = ""] = ids;
  const after = writeBinding(before, binding, { id, previewId }, config);
  const changed = after !== before;
  if (!changed) {
    log(`${config} already binds ${binding} to these namespaces; nothing to change.`);
  } else if (options.dryRun) {
    log(`Dry run: ${config} is unchanged. The change it would get:`);
    log(unifiedDiff(before, after, config).trimEnd());
  } else {
    await writeFile(file, after, "utf8");
    log(`Updated ${config}: ${binding} -> id ${id}, preview_id ${previewId}.`);
  }
  return { id, previewId, created, changed, images };
}

/** Prefers the id already in the config, then wrangler 4's title, then wrangler 3's. */
function findExisting(namespaces: KvNamespace[], role: Role): KvNamespace | undefined {
  return (
    namespaces.find((ns) => ns.id === role.configured) ??
    namespaces.find((ns) => ns.title === role.title) ??
    namespaces.find((ns) => ns.title === role.legacyTitle)
  );
}

const NOTHING_CHANGED =
  "Namespaces, buckets and rules created before this point are reused on the next run, and wrangler.jsonc was not changed.";

const PERMISSION = {
  KV: { code: "NO_KV_PERMISSION", name: "Workers KV Storage", owns: "namespaces" },
  R2: { code: "NO_R2_PERMISSION", name: "Workers R2 Storage", owns: "image bucket" },
} as const;

function noPermission(detail: string, output?: string, storage: "KV" | "R2" = "KV"): SetupKvError {
  const { code, name, owns } = PERMISSION[storage];
  return new SetupKvError(
    code,
    `Access denied: Cloudflare refused the ${storage} request because ${detail}. Give the API token the ` +
      `"Account > ${name} > Edit" permission (dash.cloudflare.com/profile/api-tokens), or run ` +
      `\`npx wrangler login\` again and accept the ${name} scope; check with \`npx wrangler whoami\`. ` +
      `Also make sure account_id (or CLOUDFLARE_ACCOUNT_ID) names the account that owns the ${owns}. ${NOTHING_CHANGED}` +
      (output ? `\nWrangler printed:\n${indent(output)}` : ""),
  );
}

function failure(
  command: string,
  status: number,
  output: string,
  storage: "KV" | "R2" = "KV",
): SetupKvError {
  const node = nodeRefusal(output);
  if (node) {
    return new SetupKvError(
      "NODE_TOO_OLD",
      `Wrangler needs Node.js ${node.needs} or newer and found ${node.found} (\`${command}\` refused ` +
        `to start). Run \`source scripts/use-node.sh\` (Linux x64: Node 24 from the npm registry, for this shell) ` +
        `or \`nvm use\` (reads .nvmrc), then run this script again. ${NOTHING_CHANGED}`,
    );
  }
  switch (classifyFailure(output)) {
    case "not-logged-in":
      return new SetupKvError(
        "NOT_LOGGED_IN",
        `Wrangler is not logged in to Cloudflare (\`${command}\` said so). Run \`npx wrangler login\`, or in CI ` +
          `set CLOUDFLARE_API_TOKEN (a token with Workers KV Storage: Edit) and CLOUDFLARE_ACCOUNT_ID, then run ` +
          `this script again. ${NOTHING_CHANGED}`,
      );
    case "no-permission":
      return noPermission(
        `\`${command}\` got an authentication error (code 10000)`,
        output,
        storage,
      );
    default:
      return new SetupKvError(
        "WRANGLER_FAILED",
        `\`${command}\` failed with exit status ${status}. Fix what wrangler reports below and run this script ` +
          `again. ${NOTHING_CHANGED}\nWrangler printed:\n${indent(output)}`,
      );
  }
}
