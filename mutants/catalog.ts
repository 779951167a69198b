/**
 * @module mutants/catalog
 * Deliberately broken variants of the Worker, as source patches applied at bundle time by the
 * harness (`HarnessOptions.sourcePatches`, or `HARNESS_MUTANT=<name>` for the suites). Each one
 * is a bug the guide's design had or a real regression of ours; the suites must fail on every one
 * (`npm run test:mutants`). The deployed bundle (wrangler, `src/` on disk) never sees them.
 */
import type { SourcePatch } from "../harness/types.js";

export interface Mutant {
  name: string;
  description: string;
  /** The user-visible bug the suites must notice. */
  bug: string;
  /** Where it can be caught: the backends and suites `test:mutants` runs it against. */
  targets: { backends: ("memory" | "kv")[]; suites: string[] };
  patches: SourcePatch[];
}

const STORE = "src/shares/store.ts";

export const mutants: readonly Mutant[] = [
  {
    name: "share-list-rmw",
    description:
      "The guide's design: every create appends its id to one `share:list` key (read, modify, write) and the list reads that key.",
    bug: "Concurrent creates overwrite each other's index entry (lost updates) and the hot key hits production's 1 write/s limit, so shares vanish from the list or creates fail.",
    targets: { backends: ["kv"], suites: ["consistency", "list", "create"] },
    patches: [
      {
        file: STORE,
        find: `    this.countCreated(share);
    return "durable";`,
        replace: `    const indexRaw = await this.backend.get(LEGACY_LIST_KEY);
    const index: string[] = indexRaw ? (JSON.parse(indexRaw) as string[]) : [];
    index.unshift(share.id);
    await this.backend.put(LEGACY_LIST_KEY, JSON.stringify(index));
    this.countCreated(share);
    return "durable";`,
      },
      {
        file: STORE,
        find: `    const cursor: ListCursor = rawCursor ? decodeCursor(rawCursor) : { p: "kv" };`,
        replace: `    const indexRaw = await this.backend.get(LEGACY_LIST_KEY);
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
  },
  {
    name: "cache-not-invalidated-on-delete",
    description: "A delete removes the KV record but leaves the isolate's read cache holding it.",
    bug: "A deleted share is still served (200) by the isolate that deleted it for up to 5 minutes.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    patches: [
      {
        file: "src/storage/layers/read-cache.ts",
        find: `      await inner.delete(key);
      cache.set(key, { value: null, metadata: null });`,
        replace: `      await inner.delete(key);`,
      },
    ],
  },
  {
    name: "ttl-in-milliseconds",
    description: "The 30-day TTL is passed to KV in milliseconds instead of seconds.",
    bug: "KV is asked to keep shares about 82 years; the local KV refuses that TTL, so every create fails with 500.",
    targets: { backends: ["kv"], suites: ["create"] },
    patches: [
      {
        file: STORE,
        find: `      await this.backend.put(record.key, record.value, {
        expirationTtl: SHARE_TTL_SECONDS,`,
        replace: `      await this.backend.put(record.key, record.value, {
        expirationTtl: SHARE_TTL_SECONDS * 1000,`,
      },
    ],
  },
  {
    name: "ttl-in-minutes",
    description:
      "The 30-day TTL is divided by 60 (a seconds/minutes mix-up): shares live 12 hours.",
    bug: "Every share link breaks after half a day, silently: no error anywhere.",
    targets: { backends: ["kv"], suites: ["create", "get"] },
    patches: [
      {
        file: STORE,
        find: `      await this.backend.put(record.key, record.value, {
        expirationTtl: SHARE_TTL_SECONDS,`,
        replace: `      await this.backend.put(record.key, record.value, {
        expirationTtl: SHARE_TTL_SECONDS / 60,`,
      },
    ],
  },
  {
    name: "fallback-loses-share",
    description:
      "When KV is down, the memory fallback answers 201 as if the share were durable and keeps nothing to flush.",
    bug: "The user gets a link that is 404 once KV recovers: an acknowledged share is lost.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    patches: [
      {
        file: STORE,
        find: `        this.state.pendingWrites.set(share.id, share);
        this.state.metrics.fallbacks++;`,
        replace: `        this.state.metrics.fallbacks++;`,
      },
      {
        file: STORE,
        find: `        return "pending";`,
        replace: `        return "durable";`,
      },
    ],
  },
  {
    name: "monitoring-totals-from-isolate",
    description: "`shares.total` is counted from this isolate's own writes instead of from KV.",
    bug: "Monitoring reports 0 shares after every restart and a different total on every isolate.",
    targets: { backends: ["kv"], suites: ["monitoring", "consistency"] },
    patches: [
      {
        file: "src/routes/monitoring.ts",
        find: `      total: inventory.total + inventory.legacy.length + pendingWrites.size,`,
        replace: `      total: metrics.writes - metrics.deletes,`,
      },
    ],
  },
  {
    name: "list-first-page-only",
    description: "The list stops after the first KV `list()` page instead of following its cursor.",
    bug: "Paging ends early: shares beyond the first page are never shown.",
    targets: { backends: ["kv", "memory"], suites: ["list"] },
    patches: [
      {
        file: STORE,
        find: `      if (page.list_complete) break;`,
        replace: `      break;`,
      },
    ],
  },
  {
    name: "read-cache-ignores-ttl",
    description: "The isolate read cache never lets an entry go stale (its TTL is ignored).",
    bug: "A share deleted on one isolate is served (200) forever by any other isolate that read it before.",
    targets: { backends: ["kv"], suites: ["consistency"] },
    patches: [
      {
        file: "src/storage/lru-cache.ts",
        find: `    if (entry && now() - entry.storedAt < this.ttlMs) {`,
        replace: `    if (entry) {`,
      },
    ],
  },
  {
    name: "corrupt-record-crashes",
    description: "Stored values are parsed with a bare JSON.parse, so a corrupted record throws.",
    bug: "One corrupted record in KV turns its page, the list and monitoring into 500s instead of a 404 and a counter.",
    targets: { backends: ["kv"], suites: ["list", "get"] },
    patches: [
      {
        file: "src/shares/parse.ts",
        find: `  const parsed = parseBoundedJson(value, RECORD_BOUNDS);
  if (!parsed.ok) return parsed;`,
        replace: `  const parsed = { ok: true as const, value: JSON.parse(value) as unknown };`,
      },
    ],
  },
  {
    name: "legacy-records-unlisted",
    description:
      "The list stops after the keys with our metadata and never reads records in the guide's shape.",
    bug: "Shares created by the guide's design (no metadata, share:list index) disappear from the list after the migration.",
    targets: { backends: ["kv"], suites: ["list"] },
    patches: [
      {
        file: STORE,
        find: `    return this.listLegacy(0, limit, out);`,
        replace: `    return { shares: out, cursor: null };`,
      },
    ],
  },
  {
    name: "list-ignores-expiration",
    description:
      "The list trusts KV's list() to leave out expired keys and does not check `expiration` itself.",
    bug: "A share past its 30 days is still listed while KV's eventually consistent list pages still carry its key.",
    targets: { backends: ["kv"], suites: ["list", "consistency"] },
    patches: [
      {
        file: STORE,
        find: `        if (key.expiration !== undefined && key.expiration <= nowSeconds) return false;`,
        replace: ``,
      },
    ],
  },
];
