/** The Hono app: protocol surfaces over the per-process Durable Objects, one error mapping. */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";
import { hyperbeamRoutes } from "./routes/hyperbeam.ts";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", cors({ origin: "*", allowHeaders: ["*"], exposeHeaders: ["*"] }));
  hyperbeamRoutes(app);
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError(errorResponse);
  return app;
}
