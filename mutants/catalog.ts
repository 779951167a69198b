/**
 * @module mutants/catalog
 * Deliberately broken variants of the Worker, each a bug the guide's design had or a real
 * regression of ours. Each states the behaviour it breaks (`bug`), plants it with edits anchored
 * on a named function, method or constant (`mutants/anchor.ts` turns them into the harness's
 * source patches from the sources as they are now), and says how a user sees it (`shows`: steps
 * on a harness that the correct Worker and the mutant answer differently). `mutants/behaviour.test.ts`
 * runs every `shows` on both in `npm test`; the suites must fail on every one
 * (`npm run test:mutants`). The deployed bundle (wrangler, `src/` on disk) never sees them.
 */
import path from "node:path";
import { createShareFactory } from "../fixtures/factories/index.js";
import { KV_LIMITS } from "../lib/kv-limits.js";
import type { ShareHarnessOptions } from "../harness/share/options.js";
import type { Harness, SourcePatch } from "../harness/types.js";
import { resolveEdits, type AnchoredEdit } from "./anchor.js";
import { create, created, listAll, monitoringTotal, read, remove } from "./observe.js";

const ROOT = path.join(import.meta.dirname, "..");

export interface MutantCheck {
  /** How the check's harness is booted (an empty temporary store, the check's admin token). */
  harness: Pick<ShareHarnessOptions, "backend" | "isolates" | "profile" | "vars">;
  /** What the user does, and what the correct Worker answers. */
  steps: string;
  /** The user's steps; answers what the user sees (statuses, counts, flags). */
  run(h: Harness): Promise<unknown>;
  /** What `run` answers on the correct Worker; the mutant must answer something else. */
  correct: unknown;
}

export interface MutantSpec {
  name: string;
  description: string;
  /** The user-visible bug the suites must notice. */
  bug: string;
  /** Where it can be caught: the backends and suites `test:mutants` runs it against. */
  targets: { backends: ("memory" | "kv")[]; suites: string[] };
  /** Where the bug is planted: each edit inside a named declaration. */
  edits: AnchoredEdit[];
  shows: MutantCheck;
}

export interface Mutant extends MutantSpec {
  /** The harness's patches for `edits`, resolved against the sources now (ANCHOR_MISMATCH if not). */
  readonly patches: SourcePatch[];
}

const STORE = "src/shares/store.ts";
const kv = (extra: MutantCheck["harness"] = {}): MutantCheck["harness"] => ({
  backend: "kv",
  ...extra,
});

const specs = [
  {
    name: "share-list-rmw",
    description:
      "The guide's design: every create appends its id to one `share:list` key (read, modify, write) and the list reads that key.",
    bug: "Concurrent creates overwrite each other's index entry (lost updates) and the hot key hits production's 1 write/s limit, so shares vanish from the list or creates fail.",
    targets: { backends: ["kv"], suites: ["consistency", "list", "create"] },
    edits: [
      {
        file: STORE,
        symbol: "ShareStore.save",
        find: "this.countCreated(share);",
        replace: `const indexRaw = await this.backend.get(LEGACY_LIST_KEY);
    const index: string[] = indexRaw ? (JSON.parse(indexRaw) as string[]) : [];
    index.unshift(share.id);
    await this.backend.put(LEGACY_LIST_KEY, JSON.stringify(index));
    this.countCreated(share);`,
      },
      {
        file: STORE,
        symbol: "ShareStore.list",
        find: `const cursor: ListCursor = rawCursor ? decodeCursor(rawCursor) : { p: "kv" };`,
        replace: `const indexRaw = await this.backend.get(LEGACY_LIST_KEY);
    const index: string[] = indexRaw ? (JSON.parse(indexRaw) as string[]) : [];
    const start = rawCursor ? Number(rawCursor) : 0;
    const listed: ShareData[] = [];
    for (const id of index.slice(start, start + limit)) {
      const found = await this.get(id);
      if (found) listed.push(found);
    }
    const more = start + limit < index.length;
    return { shares: listed, cursor: more ? String(start + limit) : null };
    const cursor: ListCursor = rawCursor ? decodeCursor(rawCursor) : { p: "kv" };`,
      },
    ],
    shows: {
      harness: kv({ isolates: 2 }),
      steps:
        "Create a share on isolate 0, one on isolate 1, one more on isolate 0, then list them all: the correct Worker lists 3.",
      async run(h) {
        for (const isolate of [0, 1, 0]) await created(h, isolate);
        return (await listAll(h, 10)).length;
      },
      correct: 3,
    },
  },
  {
    name: "cache-not-invalidated-on-delete",
    description: "A delete removes the KV record but leaves the isolate's read cache holding it.",
    bug: "A deleted share is still served (200) by the isolate that deleted it for up to 5 minutes.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    edits: [
      {
        file: "src/storage/layers/read-cache.ts",
        symbol: "withReadCache.delete",
        find: "cache.set(key, { value: null, metadata: null });",
        replace: "",
      },
    ],
    shows: {
      harness: kv(),
      steps: "Create a share, read it, delete it, read it again: the correct Worker answers 404.",
      async run(h) {
        const id = await created(h);
        return [await read(h, id), await remove(h, id), await read(h, id)];
      },
      correct: [200, 204, 404],
    },
  },
  {
    name: "ttl-in-milliseconds",
    description: "The 30-day TTL is passed to KV in milliseconds instead of seconds.",
    bug: "KV is asked to keep shares about 82 years; the local KV refuses that TTL, so every create fails with 500.",
    targets: { backends: ["kv"], suites: ["create"] },
    edits: [
      {
        file: STORE,
        symbol: "ttlLeft",
        find: "const left = SHARE_TTL_SECONDS -",
        replace: "const left = SHARE_TTL_SECONDS * 1000 -",
      },
    ],
    shows: {
      harness: kv(),
      steps: "Create a share: the correct Worker answers 201.",
      run: async (h) => (await create(h)).status,
      correct: 201,
    },
  },
  {
    name: "ttl-in-minutes",
    description:
      "The 30-day TTL is divided by 60 (a seconds/minutes mix-up): shares live 12 hours.",
    bug: "Every share link breaks after half a day, silently: no error anywhere.",
    targets: { backends: ["kv"], suites: ["create", "get"] },
    edits: [
      {
        file: STORE,
        symbol: "ttlLeft",
        find: "const left = SHARE_TTL_SECONDS -",
        replace: "const left = SHARE_TTL_SECONDS / 60 -",
      },
    ],
    shows: {
      harness: kv(),
      steps: "Create a share and open its link 13 hours later: the correct Worker answers 200.",
      async run(h) {
        const id = await created(h);
        await h.clock.advance(13 * 3600_000);
        return read(h, id);
      },
      correct: 200,
    },
  },
  {
    name: "fallback-loses-share",
    description:
      "When KV is down, the memory fallback answers 201 as if the share were durable and keeps nothing to flush.",
    bug: "The user gets a link that is 404 once KV recovers: an acknowledged share is lost.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    edits: [
      {
        file: STORE,
        symbol: "ShareStore.save",
        find: "this.state.pendingWrites.set(share.id, share);",
        replace: "",
      },
      {
        file: STORE,
        symbol: "ShareStore.save",
        find: `return "pending";`,
        replace: `return "durable";`,
      },
    ],
    shows: {
      harness: kv({ vars: { KV_WRITE_FALLBACK: "memory", KV_RETRY_MAX_ATTEMPTS: "2" } }),
      steps:
        "Create a share while KV refuses writes (503), then open its link once KV is back: the correct Worker answers 202, then 200.",
      async run(h) {
        await h.faults.set([{ op: "put", prefix: "share:", kind: "error", status: 503 }]);
        const { status, id } = await create(h);
        await h.faults.clear();
        return [status, id ? await read(h, id) : "no id"];
      },
      correct: [202, 200],
    },
  },
  {
    name: "monitoring-totals-from-isolate",
    description: "`shares.total` is counted from this isolate's own writes instead of from KV.",
    bug: "Monitoring reports 0 shares after every restart and a different total on every isolate.",
    targets: { backends: ["kv"], suites: ["monitoring", "consistency"] },
    edits: [
      {
        file: "src/routes/monitoring.ts",
        symbol: "monitoringRoutes",
        find: "total: inventory.total + inventory.legacy.length + pendingWrites.size",
        replace: "total: metrics.writes - metrics.deletes",
      },
    ],
    shows: {
      harness: kv(),
      steps:
        "Create two shares, restart the Worker, read the monitoring total: the correct Worker says 2.",
      async run(h) {
        await created(h);
        await created(h);
        await h.restart();
        return monitoringTotal(h);
      },
      correct: 2,
    },
  },
  {
    name: "list-first-page-only",
    description: "The list stops after the first KV `list()` page instead of following its cursor.",
    bug: "Paging ends early: shares beyond the first page are never shown.",
    targets: { backends: ["kv", "memory"], suites: ["list"] },
    edits: [
      {
        file: STORE,
        symbol: "ShareStore.list",
        find: "if (page.list_complete) break;",
        replace: "break;",
      },
    ],
    shows: {
      harness: kv(),
      steps: `${KV_LIMITS.listLimit} keys that hold no share sort before a share (a whole KV list page of them); list: the correct Worker shows the share.`,
      async run(h) {
        const takenAt = h.clock.now();
        const entries = Array.from({ length: KV_LIMITS.listLimit }, (_, i) => ({
          key: `share:-${String(i).padStart(4, "0")}`,
          value: "not a share",
        }));
        await h.kv.load({ version: 1, takenAt, entries });
        await created(h);
        return (await listAll(h, 10)).length;
      },
      correct: 1,
    },
  },
  {
    name: "read-cache-ignores-ttl",
    description: "The isolate read cache never lets an entry go stale (its TTL is ignored).",
    bug: "A share deleted on one isolate is served (200) forever by any other isolate that read it before.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    edits: [
      {
        file: "src/storage/lru-cache.ts",
        symbol: "LruCache.getFresh",
        find: "if (entry && now() - entry.storedAt < this.ttlMs)",
        replace: "if (entry)",
      },
    ],
    shows: {
      harness: kv({ isolates: 2 }),
      steps:
        "Read a share on isolate 1, delete it on isolate 0, read it on isolate 1 six minutes later: the correct Worker answers 404.",
      async run(h) {
        const id = await created(h, 0);
        const before = await read(h, id, 1);
        await remove(h, id, 0);
        await h.clock.advance(6 * 60_000);
        return [before, await read(h, id, 1)];
      },
      correct: [200, 404],
    },
  },
  {
    name: "corrupt-record-crashes",
    description: "Stored values are parsed with a bare JSON.parse, so a corrupted record throws.",
    bug: "One corrupted record in KV turns its page, the list and monitoring into 500s instead of a 404 and a counter.",
    targets: { backends: ["kv"], suites: ["list", "get"] },
    edits: [
      {
        file: "src/shares/parse.ts",
        symbol: "readShareRecord",
        find: `const parsed = parseBoundedJson(value, RECORD_BOUNDS);
  if (!parsed.ok) return parsed;`,
        replace: `const parsed = { ok: true as const, value: JSON.parse(value) as unknown };`,
      },
    ],
    shows: {
      harness: kv(),
      steps:
        "Create a share, corrupt its record in KV, open its link after a restart: the correct Worker answers 404.",
      async run(h) {
        const id = await created(h);
        await h.kv.put(`share:${id}`, "{not json", { expirationTtl: 3600 });
        await h.restart();
        return read(h, id);
      },
      correct: 404,
    },
  },
  {
    name: "legacy-records-unlisted",
    description:
      "The list stops after the keys with our metadata and never reads records in the guide's shape.",
    bug: "Shares created by the guide's design (no metadata, share:list index) disappear from the list after the migration.",
    targets: { backends: ["kv"], suites: ["list"] },
    edits: [
      {
        file: STORE,
        symbol: "ShareStore.list",
        find: "return this.listLegacy(0, limit, out, MAX_LIST_CALLS - calls - 1);",
        replace: "return { shares: out, cursor: null };",
      },
    ],
    shows: {
      harness: kv(),
      steps:
        "Put a share in the guide's shape into KV (no metadata) and list: the correct Worker lists it.",
      async run(h) {
        const factory = createShareFactory(2021, { now: h.clock.now() });
        const entry = factory.legacyEntry(factory.legacyShare());
        await h.kv.put(entry.key, entry.value, { expiration: entry.expiration! });
        return (await listAll(h, 10)).length;
      },
      correct: 1,
    },
  },
  {
    name: "list-ignores-expiration",
    description:
      "The list trusts KV's list() to leave out expired keys and does not check `expiration` itself.",
    bug: "A share past its 30 days is still listed while KV's eventually consistent list pages still carry its key.",
    targets: { backends: ["kv"], suites: ["list", "consistency"] },
    edits: [
      {
        file: STORE,
        symbol: "ShareStore.list",
        find: "if (key.expiration !== undefined && key.expiration <= nowSeconds) return false;",
        replace: "",
      },
    ],
    shows: {
      harness: kv({ profile: "production" }),
      steps:
        "A share whose KV expiration passes while a list page holding it is still in KV's edge cache: the correct Worker lists it before and not after.",
      async run(h) {
        const now = h.clock.now();
        const factory = createShareFactory(2022, { now });
        const share = factory.share({ timestamp: now });
        const entry = factory.entry(share);
        const expiration = Math.floor(now / 1000) + 75;
        await h.kv.put(entry.key, entry.value, { metadata: entry.metadata, expiration });
        // Past any list page cached before the put; the next list caches a page with the key.
        await h.clock.advance(61_000);
        const before = (await listAll(h, 100)).includes(share.id);
        await h.clock.advance(30_000);
        return [before, (await listAll(h, 100)).includes(share.id)];
      },
      correct: [true, false],
    },
  },
] as const satisfies readonly MutantSpec[];

/** The name of a mutant in the catalog: a typo is a type error, not a lookup that fails. */
export type MutantName = (typeof specs)[number]["name"];

export const mutants: readonly (Mutant & { name: MutantName })[] = specs.map((spec) => ({
  ...(spec as MutantSpec & { name: MutantName }),
  get patches() {
    return resolveEdits(ROOT, spec.edits);
  },
}));
