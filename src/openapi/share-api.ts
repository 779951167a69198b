/**
 * @module openapi/share-api
 * The OpenAPI 3.1 document of the share API, served at `GET /openapi.json`. Routes are described
 * here, beside the Hono routes rather than inside them, from the very zod schemas the routes
 * validate with (`createShareSchema`, `listQuerySchema`), the share shape (`shareDataSchema`),
 * the limits the routes enforce and `ERROR_CODES`. `share-api.test.ts` checks the document against
 * the app's route table and the Worker's real answers.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ERROR_CODES } from "../errors.js";
import { createShareSchema, MAX_PROMPT_LENGTH } from "../shares/create-schema.js";
import { listQuerySchema } from "../shares/list-query.js";
import { ID_PATTERN } from "../shares/record.js";
import { shareDataSchema } from "../shares/schema.js";
import { MAX_BODY_BYTES } from "../routes/shares.js";

type Status =
  200 | 201 | 202 | 204 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
type Code = (typeof ERROR_CODES)[number];

const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      fields: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: "For validation_failed: each field that was refused, and why." }),
    }),
  })
  .meta({ id: "Error", description: "Every error answer; never a stack trace." });

const createdSchema = shareDataSchema
  .extend({
    url: z.string().meta({ description: "The share page, `/s/{id}`." }),
    durability: z.literal("pending").optional().meta({
      description:
        "Present (with status 202) when KV was down and KV_WRITE_FALLBACK=memory kept the share in the isolate until KV recovers.",
    }),
    pending: z
      .looseObject({
        heldBy: z.literal("isolate-memory"),
        message: z.string(),
        lostIf: z.string(),
        confirm: z.looseObject({ method: z.literal("GET"), url: z.string() }),
      })
      .optional()
      .meta({
        description:
          "With 202: the share is only in one isolate's memory, lost if it restarts before KV recovers; confirm with GET (no `durability` once in KV) or a retry with the same Idempotency-Key (201 once in KV).",
      }),
    warning: z
      .object({ code: z.literal("image_not_stored"), message: z.string() })
      .optional()
      .meta({ description: "storeImage was asked for and the copy failed; the share exists." }),
  })
  .meta({ id: "CreatedShare" });

const shareSchema = shareDataSchema.meta({ id: "ShareData" });

const listSchema = z
  .object({
    shares: z.array(shareSchema),
    cursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "ShareList" });

const healthSchema = z
  .looseObject({
    ok: z.boolean(),
    status: z.enum(["ok", "degraded", "unavailable"]),
    backend: z.enum(["kv", "memory"]),
    degraded: z.array(z.enum(["storage", "images"])),
    checks: z.looseObject({ storage: z.looseObject({}), images: z.looseObject({}) }),
    probe: z.object({ at: z.iso.datetime(), ageMs: z.number().min(0), windowMs: z.number() }).meta({
      description:
        "The probe this answer reports: one per isolate per windowMs answers every call in that window.",
    }),
  })
  .meta({ id: "Health", description: "Live probes of KV and R2 (docs/decisions/health.md)." });

const monitoringSchema = z
  .looseObject({
    backend: z.enum(["kv", "memory"]),
    shares: z.looseObject({ total: z.number(), r2Stored: z.number(), legacy: z.number() }),
    cache: z.looseObject({}),
    kv: z.looseObject({}),
    latencyMs: z.looseObject({}),
    corruptRecords: z.number(),
  })
  .meta({ id: "Monitoring" });

const idParams = z.object({
  id: z
    .string()
    .regex(ID_PATTERN)
    .meta({ description: "A share id: letters, digits, - and _, at most 64." }),
});

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

/** An error answer naming the codes a route may give with this status. */
function errors(description: string, ...codes: Code[]) {
  return {
    description: `${description} (${codes.map((c) => `\`${c}\``).join(", ")})`,
    content: json(errorSchema),
  };
}

/** Answers every route can give. */
const common: Partial<Record<Status, ReturnType<typeof errors>>> = {
  405: errors("The path exists with other methods, listed in `Allow`", "method_not_allowed"),
  500: errors("The Worker is misconfigured", "config_invalid", "internal_error"),
};
const outage = errors("KV is down; retry after `Retry-After` seconds", "storage_unavailable");
const imageOutage = errors("R2 is down; retry after `Retry-After` seconds", "storage_unavailable");

function registerRoutes(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "post",
    path: "/api/share",
    summary: "Create a share",
    description: [
      "Input rules: `Content-Type: application/json`; a body of at most",
      `${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB); \`generatedUrl\` and \`originalUrl\``,
      "absolute https: URLs without credentials, stored normalised; `prompt` 1 to",
      `${MAX_PROMPT_LENGTH} characters; \`style\` a lowercase slug of at most 32 characters;`,
      "`storeImage` optional; any other key is refused. Creates are limited per client address",
      "(`CF-Connecting-IP`) by the `SHARE_CREATE_LIMITER` Rate Limiting binding.",
    ].join(" "),
    request: {
      headers: z.object({
        "Idempotency-Key": z.string().max(257).optional().meta({
          description:
            'A quoted string (IETF httpapi draft), 1-255 visible ASCII characters, e.g. "3f2b6c1e-9a4d". A retry with the same key and body within 24 h answers the same share.',
        }),
      }),
      body: {
        required: true,
        description: `JSON, at most ${MAX_BODY_BYTES} bytes.`,
        content: json(createShareSchema),
      },
    },
    responses: {
      201: {
        description: "Created; `Location` is `/api/share/{id}`",
        content: json(createdSchema),
      },
      202: {
        description: "Accepted in memory-fallback mode during a KV outage (`durability: pending`)",
        content: json(createdSchema),
      },
      400: errors(
        "Not JSON, a field breaks a rule, or a malformed Idempotency-Key",
        "invalid_json",
        "validation_failed",
        "invalid_idempotency_key",
      ),
      409: errors(
        "A request with this Idempotency-Key is still running; retry after `Retry-After`",
        "idempotency_key_in_use",
      ),
      422: errors("This Idempotency-Key was used with another body", "idempotency_key_reused"),
      413: errors(`The body is over ${MAX_BODY_BYTES} bytes`, "payload_too_large"),
      415: errors("The body is not application/json in UTF-8", "unsupported_media_type"),
      429: errors(
        "Too many creates from this client; retry after `Retry-After` seconds",
        "rate_limited",
      ),
      503: outage,
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/api/share/{id}",
    summary: "Read a share",
    request: { params: idParams },
    responses: {
      200: { description: "The share", content: json(shareSchema) },
      400: errors("The id is malformed", "invalid_id"),
      404: errors("No such share (or it expired)", "not_found"),
      503: outage,
      ...common,
    },
  });
  registry.registerPath({
    method: "delete",
    path: "/api/share/{id}",
    summary: "Delete a share and its stored image",
    description:
      "Needs `Authorization: Bearer <ADMIN_TOKEN>`; disabled while no ADMIN_TOKEN is set.",
    security: [{ adminToken: [] }],
    request: { params: idParams },
    responses: {
      204: { description: "Deleted; no body" },
      400: errors("The id is malformed", "invalid_id"),
      401: errors("Missing or wrong bearer token", "unauthorized"),
      403: errors("Deleting is disabled: no ADMIN_TOKEN secret", "admin_disabled"),
      404: errors("No such share", "not_found"),
      503: outage,
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/api/shares",
    summary: "List shares, newest first",
    request: { query: listQuerySchema },
    responses: {
      200: { description: "One page; follow `cursor` until it is null", content: json(listSchema) },
      400: errors(
        "A bad limit or cursor, or either given twice",
        "validation_failed",
        "invalid_cursor",
      ),
      503: outage,
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/api/monitoring",
    summary: "Backend, share totals, cache and KV counters, latency percentiles",
    responses: {
      200: { description: "This isolate's view", content: json(monitoringSchema) },
      503: outage,
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/healthz",
    summary: "Health",
    responses: {
      200: {
        description: "`status` ok, or degraded naming the dependency",
        content: json(healthSchema),
      },
      503: {
        description:
          "KV fails (`status` unavailable, `error.code` storage_unavailable, `Retry-After`)",
        content: json(healthSchema),
      },
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/s/{id}",
    summary: "The share page (HTML)",
    request: { params: idParams },
    responses: {
      200: { description: "The page", content: { "text/html": { schema: z.string() } } },
      404: {
        description: "A page saying the share is gone",
        content: { "text/html": { schema: z.string() } },
      },
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/images/{id}",
    summary: "The share's image copied into R2",
    request: { params: idParams },
    responses: {
      200: {
        description: "The image",
        content: { "image/*": { schema: z.string().meta({ format: "binary" }) } },
      },
      404: errors("No stored image", "not_found"),
      503: imageOutage,
      ...common,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    responses: {
      200: { description: "OpenAPI 3.1", content: json(z.looseObject({ openapi: z.string() })) },
    },
  });
}

let document: object | undefined;

/**
 * The document (built once per isolate).
 * @example shareApiDocument().paths["/api/share"].post.requestBody
 */
export function shareApiDocument(): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  if (!document) {
    const registry = new OpenAPIRegistry();
    registry.registerComponent("securitySchemes", "adminToken", {
      type: "http",
      scheme: "bearer",
      description: "The ADMIN_TOKEN secret.",
    });
    registerRoutes(registry);
    document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: "3.1.0",
      info: {
        title: "kv-share-worker: share API",
        version: "1",
        description:
          "Shares of AI-generated images stored in Workers KV. Every error is `{ error: { code, message } }`.",
      },
    });
  }
  return document as ReturnType<OpenApiGeneratorV31["generateDocument"]>;
}
