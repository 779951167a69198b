/**
 * @module harness/server/dashboard-route
 * `GET /__harness/`: a minimal placeholder page linking the control API until the dashboard
 * (a separate issue) replaces it. Kept in its own file so that swap touches one place.
 */
import { Hono } from "hono";
import { CONTROL_ROUTES } from "./control-api";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (ch) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[ch]};`);

function placeholderPage(): string {
  const items = CONTROL_ROUTES.map((route) => {
    const [methods = "", path = ""] = route.split(" ");
    const link = methods.includes("GET") && !path.includes(":") ? path.split("?")[0] : undefined;
    const label = escapeHtml(route);
    return link ? `<li><a href="${link}">${label}</a></li>` : `<li>${label}</li>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KV harness</title></head>
<body><h1>KV harness control API</h1><ul>${items.join("")}</ul></body></html>`;
}

/** The dashboard route; mount it before the control API so it owns `/__harness/`. */
export function createDashboardRoute(): Hono {
  const app = new Hono();
  app.get("/__harness", (c) => c.redirect("/__harness/"));
  app.get("/__harness/", (c) => c.html(placeholderPage()));
  return app;
}
