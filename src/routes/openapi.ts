/**
 * @module routes/openapi
 * GET /openapi.json: the share API's OpenAPI document (`openapi/share-api.ts`).
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { shareApiDocument } from "../openapi/share-api.js";

export const openapiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) =>
  c.json(shareApiDocument()),
);
