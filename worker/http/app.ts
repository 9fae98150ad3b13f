/** The Hono app: protocol surfaces over the per-process Durable Objects, one error mapping. */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../env.ts";
import { discardUnreadBody } from "./body.ts";
import { MAX_BODY_BYTES } from "../config.ts";
import { errorResponse } from "./errors.ts";
import { measure } from "./metrics.ts";
import { benchRoutes } from "./routes/bench.ts";
import { hyperbeamRoutes } from "./routes/hyperbeam.ts";
import { legacyRoutes } from "./routes/legacy.ts";
import { locationRoutes } from "./routes/location.ts";

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", measure);
  app.use("*", discardUnreadBody(MAX_BODY_BYTES));
  app.use("*", cors({ origin: "*", allowHeaders: ["*"], exposeHeaders: ["*"] }));
  benchRoutes(app);
  hyperbeamRoutes(app);
  locationRoutes(app);
  legacyRoutes(app); // after: its `/:id` must not shadow HyperBEAM's paths
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError(errorResponse);
  return app;
}
