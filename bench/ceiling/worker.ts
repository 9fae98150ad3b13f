/**
 * The ceiling for `npm run bench`: the same runtime and the same path shape as the scheduler
 * (HTTP → worker → Durable Object RPC by process id), with the object doing exactly one SQLite
 * insert per request and nothing else. No parsing, no signatures, no rendering.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  CEILING: DurableObjectNamespace<CeilingObject>;
}

export class CeilingObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (n INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  }

  insert(body: Uint8Array): number {
    return this.ctx.storage.sql.exec<{ n: number }>("INSERT INTO rows (body) VALUES (?) RETURNING n", body).one().n;
  }
}

export default {
  async fetch(request, env) {
    const pid = new URL(request.url).pathname.split("/")[1] ?? "";
    if (request.method !== "POST" || pid.length !== 43) return new Response("ceiling: POST /<43-char id>/schedule", { status: 404 });
    const n = await env.CEILING.getByName(pid).insert(new Uint8Array(await request.arrayBuffer()));
    return Response.json({ slot: n });
  },
} satisfies ExportedHandler<Env>;
