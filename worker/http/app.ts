/** The Hono app: protocol surfaces over the per-process Durable Objects, one error mapping. */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { MAX_BODY_BYTES } from "../config.ts";
import { discardUnreadBody } from "./body.ts";
import { errorResponse } from "./errors.ts";
import { measured } from "./metrics.ts";
import { json } from "./render.ts";
import { benchRoutes } from "./routes/bench.ts";
import { forkRoutes } from "./routes/forks.ts";
import { hyperbeamRoutes } from "./routes/hyperbeam.ts";
import { legacyRoutes } from "./routes/legacy.ts";
import { liveRoutes } from "./routes/live.ts";
import { locationRoutes } from "./routes/location.ts";
import { checkWriteFrom } from "../routing/write-policy.ts";

const ALLOW_METHODS = "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY";

/** A CORS preflight: any origin may call any route with any header (the dashboard mirrors other schedulers). */
function preflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "*",
      "access-control-allow-methods": ALLOW_METHODS,
      "access-control-allow-headers": "*",
      vary: "Access-Control-Request-Headers",
    },
  });
}

/** Any origin may read any answer and its headers. */
function allowAnyOrigin(c: Context): void {
  let headers = c.res.headers;
  try {
    headers.set("access-control-allow-origin", "*");
  } catch {
    // An answer with immutable headers (a fetched one): copy it.
    c.res = new Response(c.res.body, c.res);
    headers = c.res.headers;
    headers.set("access-control-allow-origin", "*");
  }
  headers.set("access-control-expose-headers", "*");
}

/** A write (POST) under RATE_LIMIT_IP: answered with the 429 when its address is past the limit. */
async function limitedWrite(c: Context<AppEnv>, next: () => Promise<void>): Promise<void> {
  try {
    const asked = checkWriteFrom(c.env, c.req.header("cf-connecting-ip") ?? "unknown");
    if (asked) await asked;
  } catch (err) {
    c.res = errorResponse(err, c);
    return;
  }
  await next();
}

/**
 * What every request gets, in one layer (each middleware is an async hop on every request): CORS,
 * the per-address write limit when one is set, its line in the metrics, and its unread body
 * drained before the answer goes.
 */
const around: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  if (c.req.method === "OPTIONS") c.res = preflight();
  else if (c.req.method === "POST" && c.env.RATE_LIMIT_IP) await limitedWrite(c, next);
  else await next();
  if (c.res.status !== 101) allowAnyOrigin(c); // an accepted WebSocket is answered as it is
  measured(c, started);
  await discardUnreadBody(c.req.raw, MAX_BODY_BYTES);
};

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", around);
  benchRoutes(app);
  hyperbeamRoutes(app);
  liveRoutes(app);
  forkRoutes(app);
  locationRoutes(app);
  legacyRoutes(app); // after: its `/:id` must not shadow HyperBEAM's paths
  app.notFound((c) => json(c, { error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError(errorResponse);
  return app;
}
