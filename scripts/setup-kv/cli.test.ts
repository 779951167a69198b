/**
 * The whole flow in-process (main()) against the fake wrangler as a real child process, found
 * first on PATH: what the user sees, what wrangler was asked, what wrangler.jsonc becomes.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  createFakeProject,
  FAKE_WRANGLER_BIN,
  type FakeProject,
  type FakeWranglerState,
} from "../fake-wrangler/fake-project.js";
import { main } from "./cli.js";
import { COMMENTED_CONFIG } from "./commented-config.fixture.js";

// The fake derives ids from the title (md5), so they are stable across runs.
const PROD_ID = "66e0cb9e3ca1f1a39d2920b7b4d6f6e4";
const PREVIEW_ID = "452915549dd174700eaa12fc37c0e883";
const withIds = (id: string, previewId: string) =>
  COMMENTED_CONFIG.replace(
    '"id": "share-data-kv-local"',
    `"id": "${id}",\n      "preview_id": "${previewId}"`,
  );

const LIST = ["kv", "namespace", "list"];
const CREATE = ["kv", "namespace", "create", "SHARE_DATA_KV"];
const CREATE_PREVIEW = [...CREATE, "--preview"];
const WHOAMI = ["whoami", "--json"];
const R2_INFO = ["r2", "bucket", "info", "share-images", "--json"];
const R2_CREATE = ["r2", "bucket", "create", "share-images"];
const R2_LIST = ["r2", "bucket", "lifecycle", "list", "share-images"];
const R2_ADD = [
  ...["r2", "bucket", "lifecycle", "add", "share-images"],
  ...["expire-share-images", "images/", "--expire-days", "30"],
];
/** A new account: the bucket does not exist, so it is created and given the rule. */
const R2_FIRST = [R2_INFO, R2_CREATE, R2_ADD];
/** The rule as the R2 API holds it after `lifecycle add` (wrangler's own shape). */
const OUR_RULE = {
  id: "expire-share-images",
  enabled: true,
  conditions: { prefix: "images/" },
  deleteObjectsTransition: { condition: { maxAge: 30 * 86400, type: "Age" } },
};

let project: FakeProject | undefined;
afterEach(() => {
  project?.dispose();
  project = undefined;
});

async function run(
  args: string[],
  state: Partial<FakeWranglerState> = {},
  config = COMMENTED_CONFIG,
) {
  project ??= createFakeProject(config, state);
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    cwd: project.dir,
    env: project.env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { status, stdout, stderr, project };
}

describe("setup-kv-storage", () => {
  it("first run: creates both namespaces and writes their ids, every comment kept byte for byte", async () => {
    const { status, stdout, project } = await run([]);
    expect(status).toBe(0);
    expect(project.calls()).toEqual([WHOAMI, LIST, CREATE, CREATE_PREVIEW, ...R2_FIRST]);
    expect(project.config()).toBe(withIds(PROD_ID, PREVIEW_ID));
    expect(project.state().buckets).toEqual([{ name: "share-images", rules: [OUR_RULE] }]);
    expect(stdout).toContain(`Created production namespace "SHARE_DATA_KV" (${PROD_ID})`);
    expect(stdout).toContain(`Created preview namespace "SHARE_DATA_KV_preview" (${PREVIEW_ID})`);
  });

  it("second run: reuses both namespaces, calls no create and leaves the file untouched", async () => {
    await run([]);
    const afterFirst = project!.config();
    const second = await run([]);
    expect(second.status).toBe(0);
    expect(second.project.calls().slice(7)).toEqual([WHOAMI, LIST, R2_INFO, R2_LIST]);
    expect(second.project.config()).toBe(afterFirst);
    expect(second.project.state().buckets).toEqual([{ name: "share-images", rules: [OUR_RULE] }]);
    expect(second.stdout).toContain("nothing to change");
    expect(second.stdout).toContain('Reusing lifecycle rule "expire-share-images"');
  });

  it("partial state: only production exists, so only the preview namespace is created", async () => {
    const { status, project } = await run([], {
      namespaces: [{ id: "prod0000", title: "SHARE_DATA_KV" }],
    });
    expect(status).toBe(0);
    expect(project.calls()).toEqual([WHOAMI, LIST, CREATE_PREVIEW, ...R2_FIRST]);
    expect(project.config()).toBe(withIds("prod0000", PREVIEW_ID));
  });

  it("reuses namespaces wrangler 3 created with the Worker-name prefix instead of creating new ones", async () => {
    const namespaces = [
      { id: "legacy01", title: "kv-share-worker-SHARE_DATA_KV" },
      { id: "legacy02", title: "kv-share-worker-SHARE_DATA_KV_preview" },
    ];
    const { status, project } = await run([], { namespaces });
    expect(status).toBe(0);
    expect(project.calls()).toEqual([WHOAMI, LIST, ...R2_FIRST]);
    expect(project.config()).toBe(withIds("legacy01", "legacy02"));
  });

  it("keeps an id already in the config when that namespace exists, whatever its title", async () => {
    const namespaces = [
      { id: "share-data-kv-local", title: "hand-made" },
      { id: "other", title: "SHARE_DATA_KV" },
    ];
    const { project } = await run([], { namespaces });
    expect(project.config()).toBe(withIds("share-data-kv-local", PREVIEW_ID));
  });

  it("--dry-run prints the create commands and the diff, and changes nothing", async () => {
    const { status, stdout, project } = await run(["--dry-run"]);
    expect(status).toBe(0);
    expect(project.calls()).toEqual([WHOAMI, LIST, R2_INFO]);
    expect(project.config()).toBe(COMMENTED_CONFIG);
    expect(project.state().namespaces).toEqual([]);
    expect(project.state().buckets).toBeUndefined();
    expect(stdout).toContain("Would run: wrangler r2 bucket create share-images\n");
    expect(stdout).toContain(
      "Would run: wrangler r2 bucket lifecycle add share-images expire-share-images images/ --expire-days 30\n",
    );
    expect(stdout).toContain("Would run: wrangler kv namespace create SHARE_DATA_KV\n");
    expect(stdout).toContain("Would run: wrangler kv namespace create SHARE_DATA_KV --preview\n");
    expect(stdout).toContain(
      '-      "id": "share-data-kv-local"\n' +
        '+      "id": "<id printed by: wrangler kv namespace create SHARE_DATA_KV>",\n' +
        '+      "preview_id": "<id printed by: wrangler kv namespace create SHARE_DATA_KV --preview>"\n',
    );
  });

  it("--binding and --config target another binding in another file", async () => {
    project = createFakeProject("{}\n");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${project.dir}/other.jsonc`, '{\n  // mine\n  "name": "w"\n}\n');
    const { status } = await run(["--binding", "CACHE_KV", "--config", "other.jsonc"]);
    expect(status).toBe(0);
    expect(project.calls()).toContainEqual([
      "kv",
      "namespace",
      "create",
      "CACHE_KV",
      "--preview",
      "--config",
      "other.jsonc",
    ]);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${project.dir}/other.jsonc`, "utf8")).toMatch(
      /^\{\n {2}\/\/ mine\n {2}"name": "w",\n {2}"kv_namespaces": \[\n {4}\{\n {6}"binding": "CACHE_KV",/,
    );
  });
});

describe("setup-kv-storage: the image bucket's lifecycle rule", () => {
  const bucket = (rules: unknown[]) => [{ name: "share-images", rules }];

  it("an existing bucket without rules gets the rule once; the next run adds nothing", async () => {
    const { status, project } = await run([], { buckets: bucket([]) });
    expect(status).toBe(0);
    expect(project.calls().slice(4)).toEqual([R2_INFO, R2_LIST, R2_ADD]);
    await run([]);
    expect(project.calls().slice(7)).toEqual([WHOAMI, LIST, R2_INFO, R2_LIST]);
    expect(project.state().buckets).toEqual(bucket([OUR_RULE]));
  });

  it("reuses a rule with the same prefix and expiry under another name", async () => {
    const theirs = { ...OUR_RULE, id: "images-30d" };
    const { status, stdout, project } = await run([], { buckets: bucket([theirs]) });
    expect(status).toBe(0);
    expect(project.calls().slice(4)).toEqual([R2_INFO, R2_LIST]);
    expect(stdout).toContain('Reusing lifecycle rule "images-30d" on R2 bucket "share-images"');
    expect(project.state().buckets).toEqual(bucket([theirs]));
  });

  it("replaces its own rule when it has other settings, and keeps other rules", async () => {
    const stale = {
      ...OUR_RULE,
      deleteObjectsTransition: { condition: { maxAge: 7 * 86400, type: "Age" } },
    };
    const other = { ...stale, id: "logs", conditions: { prefix: "logs/" } };
    const { status, project } = await run([], { buckets: bucket([other, stale]) });
    expect(status).toBe(0);
    expect(project.calls().slice(4)).toEqual([
      R2_INFO,
      R2_LIST,
      ["r2", "bucket", "lifecycle", "remove", "share-images", "--name", "expire-share-images"],
      R2_ADD,
    ]);
    expect(project.state().buckets).toEqual(bucket([other, OUR_RULE]));
  });

  it("sets no rule when the config binds no image bucket", async () => {
    const config = COMMENTED_CONFIG.replace(/\s*"r2_buckets": \[.*\],/, "");
    const { status, stdout, project } = await run([], {}, config);
    expect(status).toBe(0);
    expect(project.calls()).toEqual([WHOAMI, LIST, CREATE, CREATE_PREVIEW]);
    expect(stdout).toContain("binds no R2 bucket as SHARE_IMAGES; no image lifecycle rule to set");
  });

  it("no R2 permission: exit 10, says which permission to grant, config unchanged", async () => {
    const { status, stderr, project } = await run([], {
      namespaces: [
        { id: PROD_ID, title: "SHARE_DATA_KV" },
        { id: PREVIEW_ID, title: "SHARE_DATA_KV_preview" },
      ],
      r2Permission: false,
    });
    expect(status).toBe(10);
    expect(stderr).toContain("Workers R2 Storage > Edit");
    expect(stderr).toContain("Authentication error [code: 10000]");
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("an unreadable rule list stops before any change", async () => {
    const { status, stderr, project } = await run([], {
      buckets: bucket([]),
      garbage: { lifecycle: "<html>502 Bad Gateway</html>\n" },
    });
    expect(status).toBe(8);
    expect(stderr).toContain("lifecycle rules");
    expect(project.calls().slice(4)).toEqual([R2_INFO, R2_LIST]);
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });
});

describe("setup-kv-storage errors (non-zero exit, file unchanged)", () => {
  it("a Node older than wrangler needs: says how to get Node 24 for this shell", async () => {
    const { status, stderr, project } = await run([], { nodeVersion: "20.20.2" });
    expect(status).toBe(11);
    expect(stderr).toContain("Wrangler needs Node.js 22.12.0 or newer and found 20.20.2");
    expect(stderr).toContain("source scripts/use-node.sh");
    expect(project.calls()).toEqual([WHOAMI]);
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("not logged in: says to run wrangler login", async () => {
    const { status, stderr, project } = await run([], { loggedIn: false });
    expect(status).toBe(6);
    expect(stderr).toContain("Wrangler is not logged in to Cloudflare");
    expect(stderr).toContain("npx wrangler login");
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("no KV permission (Authentication error, code 10000): says which permission to grant", async () => {
    const { status, stderr, project } = await run([], { kvPermission: false });
    expect(status).toBe(7);
    expect(stderr).toContain("Access denied");
    expect(stderr).toContain("Workers KV Storage > Edit");
    expect(stderr).toContain("Authentication error [code: 10000]");
    expect(project.calls()).toEqual([WHOAMI, LIST]);
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("an OAuth login without the workers_kv:write scope is refused before any KV call", async () => {
    const { status, stderr, project } = await run([], {
      tokenPermissions: ["account:read", "workers:write"],
    });
    expect(status).toBe(7);
    expect(stderr).toContain("lacks the workers_kv:write scope");
    expect(project.calls()).toEqual([WHOAMI]);
  });

  it("unreadable namespace list: shows what wrangler printed", async () => {
    const { status, stderr, project } = await run([], {
      garbage: { list: "<html>502 Bad Gateway</html>\n" },
    });
    expect(status).toBe(8);
    expect(stderr).toContain(
      "`wrangler kv namespace list` succeeded but its output has no JSON array",
    );
    expect(stderr).toContain("    <html>502 Bad Gateway</html>");
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("unreadable create output: stops before touching the config", async () => {
    const { status, stderr, project } = await run([], {
      garbage: { create: "Created it, trust me\n" },
    });
    expect(status).toBe(8);
    expect(stderr).toContain("Created it, trust me");
    expect(project.calls()).toEqual([WHOAMI, LIST, CREATE]);
    expect(project.config()).toBe(COMMENTED_CONFIG);
  });

  it("wrangler not installed: neither on PATH nor at --wrangler", async () => {
    project = createFakeProject(COMMENTED_CONFIG);
    project.env.PATH = project.dir;
    const onPath = await run([]);
    expect(onPath.status).toBe(5);
    expect(onPath.stderr).toContain("Wrangler was not found (tried `wrangler`)");
    const explicit = await run(["--wrangler", `${project.dir}/no-such-wrangler`]);
    expect(explicit.status).toBe(5);
    expect(explicit.stderr).toContain("npm install -g wrangler@4");
  });

  it("--wrangler picks the executable when it is not on PATH", async () => {
    project = createFakeProject(COMMENTED_CONFIG);
    project.env.PATH = process.env.PATH;
    const { status, project: p } = await run(["--wrangler", FAKE_WRANGLER_BIN]);
    expect(status).toBe(0);
    expect(p.config()).toBe(withIds(PROD_ID, PREVIEW_ID));
  });

  it("broken wrangler.jsonc: shows line:column and never calls wrangler", async () => {
    const broken =
      '{\n  "name": "kv-share-worker",\n  "kv_namespaces": [\n    { "binding": "SHARE_DATA_KV" "id": "x" }\n  ]\n}\n';
    const { status, stderr, project } = await run([], {}, broken);
    expect(status).toBe(4);
    expect(stderr).toContain("wrangler.jsonc:4:34: CommaExpected.");
    expect(project.calls()).toEqual([]);
  });

  it("missing wrangler.jsonc: says to run from the project root or pass --config", async () => {
    const { status, stderr } = await run(["--config", "nope.jsonc"]);
    expect(status).toBe(3);
    expect(stderr).toContain("nope.jsonc does not exist");
  });

  it("--help lists every flag; an unknown flag exits 2", async () => {
    const help = await run(["--help"]);
    expect(help.status).toBe(0);
    for (const flag of [
      "--dry-run",
      "--config <path>",
      "--binding <name>",
      "--wrangler <cmd>",
      "--help",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const bad = await run(["--drey-run"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown option '--drey-run'");
  });
});
