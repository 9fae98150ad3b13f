/**
 * Fork proofs this node holds (docs/remote.md#fork-proofs): `GET /~scheduler@1.0/forks` lists
 * them, `GET /~scheduler@1.0/forks/<id>` serves one as the self-contained JSON document that
 * `npm run verify-proof` (or anyone with the core) checks offline.
 */
import type { Context, Hono } from "hono";
import { MAX_PROOFS, proofFileName, type ForkProof } from "../../../src/remote/fork-proof.ts";
import type { AppEnv } from "../../env.ts";
import { HttpError } from "../errors.ts";
import { idParam } from "../params.ts";
import { json } from "../render.ts";

type C = Context<AppEnv>;
const D = "/~scheduler@1.0";

async function listForks(c: C): Promise<Response> {
  const forks = await c.env.NODE.getByName("node").forks();
  c.header("cache-control", "no-store");
  return json(c, {
    forks: forks.map((f) => ({ id: f.id, process: f.process, slot: f.slot, scheduler: f.scheduler, source: f.source, "found-at": f.found, proof: `${D}/forks/${f.id}` })),
    count: forks.length,
    limit: MAX_PROOFS,
  });
}

async function getFork(c: C): Promise<Response> {
  const id = idParam(c, "id", c.req.param("id"));
  const proof = await c.env.NODE.getByName("node").fork(id);
  if (proof === undefined) throw new HttpError(404, `this node holds no fork proof ${id}`);
  const { process, slot } = JSON.parse(proof) as ForkProof;
  return new Response(proof, { headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${proofFileName(process, slot)}"` } });
}

export function forkRoutes(app: Hono<AppEnv>): void {
  app.get(`${D}/forks`, listForks);
  app.get(`${D}/forks/:id`, getFork);
}
