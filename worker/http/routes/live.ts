/**
 * Live schedules (docs/live.md, D17): `GET /<pid>/subscribe?from=N` and
 * `GET /~scheduler@1.0/subscribe?target=<pid>&from=N` with a WebSocket upgrade. Parameters are
 * checked here, before any upgrade; the process's object (this node's, or the cache of a process
 * another scheduler holds) answers the upgrade itself.
 */
import type { Context, Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { HttpError } from "../errors.ts";
import { intParam, processParam } from "../params.ts";
import { negotiate } from "../render.ts";
import { processTarget } from "../../routing/targets.ts";

const D = "/~scheduler@1.0";

async function subscribe(c: Context<AppEnv>): Promise<Response> {
  const { pid, hint } = processParam(c, c.req.param("pid") ? "pid" : "target");
  const from = intParam(c, "from", 0);
  const format = negotiate(c);
  if (format === "aos-2") throw new HttpError(406, "a subscription sends application/json (text) or application/ans104 (binary) frames, not application/aos-2");
  if ((c.req.header("upgrade") ?? "").toLowerCase() !== "websocket") {
    throw Object.assign(new HttpError(426, "subscribe is a WebSocket endpoint: connect with Upgrade: websocket (docs/live.md)"), { headers: { upgrade: "websocket" } });
  }
  return processTarget(c, pid, hint).subscribe({ from, format });
}

export function liveRoutes(app: Hono<AppEnv>): void {
  app.get(`${D}/subscribe`, subscribe);
  app.get(`/:pid${D}/subscribe`, subscribe);
  app.get("/:pid/subscribe", subscribe);
}
