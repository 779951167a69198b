/**
 * @module harness/server/control-openapi
 * The OpenAPI 3.1 document of the dev server's own routes under `/__harness` (control API,
 * recorder and fixtures, isolated sessions, seeding, the dashboard), served at
 * `GET /__harness/openapi.json`. Request bodies and queries are the zod schemas the routes
 * validate with; `control-openapi.test.ts` checks the document against the dev app's route
 * table.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { CONTROL_ERROR_CODES } from "./control-error.js";
import {
  clockAdvanceSchema,
  clockSetSchema,
  faultRuleSchema,
  faultRulesArraySchema,
  faultRulesObjectSchema,
  fixtureLoadSchema,
  kvListQuerySchema,
  kvPutSchema,
  logsQuerySchema,
  recordStartSchema,
  seedRequestSchema,
  snapshotLoadQuerySchema,
  snapshotQuerySchema,
  snapshotSchema,
} from "./control-schemas.js";
import { sessionRequestSchema } from "./sessions.js";

type Method = "get" | "put" | "post" | "delete";

const errorSchema = z
  .object({ error: z.object({ code: z.enum(CONTROL_ERROR_CODES), message: z.string() }) })
  .meta({ id: "ControlError", description: "Every error answer of the dev server's own routes." });
const json = (schema: z.ZodType) => ({ "application/json": { schema } });
const ok = (description: string, schema: z.ZodType = z.looseObject({})) => ({
  description,
  content: json(schema),
});
const failed = (description: string) => ({ description, content: json(errorSchema) });
const bad = failed("Bad input: the message names the field (`invalid_json`, `invalid_input`)");

const rule = faultRuleSchema.meta({ id: "FaultRule" });
const snapshot = snapshotSchema.meta({ id: "KvSnapshot" });
const rules = z.object({ rules: z.array(rule) });
const keyParam = z.object({
  key: z.string().meta({ description: "The KV key, URL-encoded (it may hold any character)." }),
});
const idParam = z.object({ id: z.string().meta({ description: "A session id, `s-...`." }) });

interface Route {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  responses?: Record<number, ReturnType<typeof ok> | ReturnType<typeof failed>>;
}

/** A whole-store change; its answer says how long the Worker's restart took. */
const FRESH =
  "The Worker's isolates restart afterwards (`restartedMs`), so the next request sees exactly the new store.";

const ROUTES: Route[] = [
  {
    method: "get",
    path: "/__harness/state",
    summary: "Backend, profile, isolates, clock, rules, counters, restarts",
  },
  {
    method: "post",
    path: "/__harness/restart",
    summary: "Restart the Worker: isolate memory gone, KV and R2 kept",
  },
  {
    method: "get",
    path: "/__harness/faults",
    summary: "The fault rules in force",
    responses: { 200: ok("The rules", rules) },
  },
  {
    method: "put",
    path: "/__harness/faults",
    summary: "Replace the fault rules",
    description: "`{ rules: [...] }` or a bare array.",
    body: z.union([faultRulesObjectSchema, faultRulesArraySchema]),
    responses: { 200: ok("The rules now in force", rules), 400: bad },
  },
  {
    method: "post",
    path: "/__harness/faults",
    summary: "Add one fault rule",
    body: faultRuleSchema,
    responses: { 201: ok("The rule, with its id", z.object({ rule })), 400: bad },
  },
  { method: "delete", path: "/__harness/faults", summary: "Remove every fault rule" },
  { method: "get", path: "/__harness/clock", summary: "The virtual now (ms since the epoch)" },
  {
    method: "post",
    path: "/__harness/clock/advance",
    summary: "Move virtual time forward (KV expiry follows)",
    body: clockAdvanceSchema,
    responses: { 200: ok("The new now"), 400: bad },
  },
  {
    method: "post",
    path: "/__harness/clock/set",
    summary: "Jump virtual time forward to epochMs (never back: `clock_in_past`)",
    body: clockSetSchema,
    responses: { 200: ok("The new now"), 400: bad },
  },
  {
    method: "get",
    path: "/__harness/kv",
    summary: "List keys (direct store access, as KV's list)",
    query: kvListQuerySchema,
    responses: { 200: ok("One page of keys"), 400: bad },
  },
  { method: "delete", path: "/__harness/kv", summary: "Delete every KV entry", description: FRESH },
  {
    method: "get",
    path: "/__harness/kv/{key}",
    summary: "One entry with its metadata and expiration",
    params: keyParam,
    responses: { 200: ok("The entry"), 404: failed("No such key (`key_not_found`)") },
  },
  {
    method: "put",
    path: "/__harness/kv/{key}",
    summary: "Write one entry straight into the store",
    description:
      "Bypasses the Worker's read cache and the production profile's edge caches, as `wrangler kv key put` does in production.",
    params: keyParam,
    body: kvPutSchema,
    responses: { 200: ok("Stored"), 400: bad },
  },
  {
    method: "delete",
    path: "/__harness/kv/{key}",
    summary: "Delete one entry (bypasses the Worker's caches)",
    params: keyParam,
  },
  {
    method: "get",
    path: "/__harness/snapshot",
    summary: "Export the store (optionally one prefix)",
    query: snapshotQuerySchema,
    responses: { 200: ok("The snapshot", snapshot), 400: bad },
  },
  {
    method: "put",
    path: "/__harness/snapshot",
    summary: "Load a snapshot: merged, or replacing the store with ?replace=true",
    description: `Shares marked \`isR2Stored\` without an image get a placeholder image. ${FRESH}`,
    query: snapshotLoadQuerySchema,
    body: snapshotSchema,
    responses: { 200: ok("Loaded"), 400: bad },
  },
  {
    method: "post",
    path: "/__harness/seed",
    summary: "Seed deterministic faker shares (what `npm run seed` sends to a running dev server)",
    description: `Shares marked stored get a placeholder image in R2. ${FRESH}`,
    body: seedRequestSchema,
    responses: {
      200: ok("Seeded"),
      400: bad,
      409: failed("The memory backend does not read KV (`memory_backend`)"),
    },
  },
  {
    method: "get",
    path: "/__harness/logs",
    summary: "The Worker's log lines",
    query: logsQuerySchema,
    responses: { 200: ok("Lines"), 400: bad },
  },
  { method: "delete", path: "/__harness/logs", summary: "Forget the log lines" },
  {
    method: "get",
    path: "/__harness/counters",
    summary: "KV operations per isolate, as the KV layer saw them",
  },
  { method: "delete", path: "/__harness/counters", summary: "Reset the counters" },
  {
    method: "post",
    path: "/__harness/record/start",
    summary: "Start recording the session into a fixture file",
    description: "The file must be a `.json` file under the fixtures folder (`fixtures/`).",
    body: recordStartSchema,
    responses: { 200: ok("Recording"), 400: bad },
  },
  { method: "post", path: "/__harness/record/stop", summary: "Write the recording and stop" },
  { method: "get", path: "/__harness/fixtures", summary: "The fixture files under fixtures/" },
  {
    method: "post",
    path: "/__harness/fixtures/load",
    summary: "Replace the store with a fixture's snapshot (times shifted to now)",
    description: `Shares marked \`isR2Stored\` get a placeholder image. ${FRESH}`,
    body: fixtureLoadSchema,
    responses: {
      200: ok("Loaded"),
      400: bad,
      409: failed("The memory backend does not read KV (`memory_backend`)"),
    },
  },
  { method: "get", path: "/__harness/sessions", summary: "The open isolated sessions" },
  {
    method: "post",
    path: "/__harness/sessions",
    summary: "Open an isolated session: its own temporary store, clock, rules and isolates",
    body: sessionRequestSchema,
    responses: {
      201: ok("The session and its base path"),
      400: bad,
      429: failed("Too many sessions (`too_many_sessions`)"),
    },
  },
  { method: "get", path: "/__harness/sessions/{id}", summary: "One session", params: idParam },
  {
    method: "delete",
    path: "/__harness/sessions/{id}",
    summary: "Close a session and remove its store",
    params: idParam,
  },
  ...(["get", "put", "post", "delete"] as const).map((method): Route => ({
    method,
    path: "/__harness/sessions/{id}/{path}",
    summary: "The session's own Worker routes, and its control routes under `__harness/`",
    params: idParam.extend({ path: z.string() }),
  })),
  { method: "get", path: "/__harness", summary: "Redirects to the dashboard" },
  { method: "get", path: "/__harness/", summary: "The dashboard (HTML)" },
  {
    method: "get",
    path: "/__harness/ui/{name}",
    summary: "The dashboard's files",
    params: z.object({ name: z.string() }),
  },
  {
    method: "get",
    path: "/__harness/ui/plugin",
    summary: "The Worker plugin's dashboard module (`{ name, entry }`, both null without one)",
  },
  {
    method: "get",
    path: "/__harness/ui/plugin/{name}",
    summary: "The Worker plugin's dashboard files",
    params: z.object({ name: z.string() }),
  },
  {
    method: "get",
    path: "/__harness/ui/api/{name}",
    summary:
      "A Worker read the plugin names for the dashboard (the share Worker's /api/monitoring and /api/shares)",
    params: z.object({ name: z.string() }),
  },
  {
    method: "get",
    path: "/__harness/ui/{kind}/{id}",
    summary: "A Worker object the plugin names, by id (the share Worker's R2 images: `images`)",
    params: z.object({ kind: z.string(), id: z.string() }),
  },
  { method: "get", path: "/__harness/openapi.json", summary: "This document" },
];

type Document = ReturnType<OpenApiGeneratorV31["generateDocument"]>;
const documents = new WeakMap<z.ZodType, Document>();

/**
 * The control API's OpenAPI document (built once per session schema): `sessions` is what a
 * session request takes on this harness (`sessionSchemaFor`: the core's options and the plugin's).
 */
export function controlApiDocument(sessions: z.ZodType = sessionRequestSchema): Document {
  const built = documents.get(sessions);
  if (built) return built;
  const registry = new OpenAPIRegistry();
  for (const listed of ROUTES) {
    const route = listed.body === sessionRequestSchema ? { ...listed, body: sessions } : listed;
    registry.registerPath({
      method: route.method,
      path: route.path,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      request: {
        ...(route.body ? { body: { required: true, content: json(route.body) } } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.params ? { params: route.params } : {}),
      },
      responses: route.responses ?? { 200: ok("Done") },
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "kv-share-worker: dev server control API",
      version: "1",
      description:
        "Only `npm run dev` serves these routes, never the deployed Worker. JSON in and out; every error is `{ error: { code, message } }`.",
    },
  });
  documents.set(sessions, document);
  return document;
}
