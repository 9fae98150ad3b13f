/**
 * A bench-only route, mounted only when BENCH=true (`npm run bench` sets it; never set it in
 * production): `POST /~bench@1.0/seed?target=<pid>&count=<n>` with a signed message of that
 * process as the body appends n slots, each an assignment of that message carrying its bytes,
 * inside the process's object. It exists so the scale cases can reach slot 100,000 in seconds
 * instead of a long HTTP run; every slot is a real signed, chained assignment.
 */
import type { Context, Hono } from "hono";
import { parseItem } from "../../src/ans104/parse.ts";
import { readBody } from "../body.ts";
import { MAX_BODY_BYTES } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { HttpError, unwrap } from "../errors.ts";
import { idParam, intParam } from "../params.ts";

async function seed(c: Context<AppEnv>): Promise<Response> {
  if (c.env.BENCH !== "true") throw new HttpError(404, `no route for POST ${new URL(c.req.url).pathname}`);
  const pid = idParam(c, "target");
  const count = intParam(c, "count", 1000, 10_000, 1);
  const body = await readBody(c.req.raw, MAX_BODY_BYTES);
  const item = parseItem(body);
  const r = unwrap(await c.env.PROCESS.getByName(pid).seed(pid, item.id, body, count));
  return c.json(r);
}

export function benchRoutes(app: Hono<AppEnv>): void {
  app.post("/~bench@1.0/seed", seed);
}
