/**
 * A bench-only route, mounted only when AO_BENCH_TOKEN is set (`npm run bench` sets a random one
 * for the servers it starts; never set it in production), and answering only requests that carry
 * that token in `x-bench-token`: `POST /~bench@1.0/seed?target=<pid>&count=<n>` with a signed
 * message to that process as the body appends n slots, each an assignment of that message
 * carrying its bytes, inside the process's object. It exists so the scale cases can reach slot
 * 100,000 in seconds instead of a long HTTP run; every slot is a real signed, chained assignment
 * of a verified item.
 */
import type { Context, Hono } from "hono";
import { b64url } from "../../../src/crypto/base64url.ts";
import { readBody } from "../body.ts";
import { MAX_BODY_BYTES } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { unwrap } from "../../contract.ts";
import { HttpError } from "../errors.ts";
import { verifiedItem } from "../../routing/ingest.ts";
import { idParam, intParam } from "../params.ts";
import { json } from "../render.ts";
import { processObject } from "../../routing/targets.ts";

async function seed(c: Context<AppEnv>): Promise<Response> {
  const token = c.env.AO_BENCH_TOKEN;
  if (!token || c.req.header("x-bench-token") !== token) throw new HttpError(404, `no route for POST ${new URL(c.req.url).pathname}`);
  const pid = idParam(c, "target");
  const count = intParam(c, "count", 1000, 10_000, 1);
  const body = await readBody(c.req.raw, MAX_BODY_BYTES);
  const item = await verifiedItem(body);
  if (!item.target || b64url(item.target) !== pid) throw new HttpError(400, `seed: the item must be a message to ${pid}`);
  return json(c, unwrap(await processObject(c.env, pid).seed(pid, item.id, body, count)));
}

export function benchRoutes(app: Hono<AppEnv>): void {
  app.post("/~bench@1.0/seed", seed);
}
