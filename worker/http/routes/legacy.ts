/**
 * The legacy Scheduler Unit surface (`ao.TN.1`, legacy-su.md §1): the routes and JSON shapes
 * aoconnect, the messenger unit and the compute unit use, over the same process objects and
 * assignments as the HyperBEAM surface.
 */
import type { Context, Hono } from "hono";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { tagValue } from "../../../src/ans104/tags.ts";
import { isId } from "../../../src/crypto/ids.ts";
import { legacyPage, processInfo, slotNode } from "../../../src/formats/legacy-su.ts";
import { confirmations, itemExists } from "../../../src/remote/gateway.ts";
import { padHeight } from "../../../src/schedule/assignment.ts";
import type { LegacyQuery } from "../../../src/schedule/legacy-range.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { readBody } from "../body.ts";
import { MAX_BODY_BYTES, PAGE_BYTES, PAGE_LIMIT } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { unwrap, type ScheduledWire } from "../../contract.ts";
import { HttpError } from "../errors.ts";
import { requestHeight } from "../../routing/height.ts";
import { indexedProcess } from "../../objects/index-object.ts";
import { countAssignment, renderMetrics } from "../metrics.ts";
import { recentProcess, remember } from "../../routing/recent-ids.ts";
import { idParam, orderedRange, processParam } from "../params.ts";
import { json } from "../render.ts";
import { scheduleItem } from "../../routing/schedule-item.ts";
import { health } from "../health.ts";
import { schedulerSigner } from "../../objects/signer.ts";
import { processObject, processTarget } from "../../routing/targets.ts";

type C = Context<AppEnv>;

const LEGACY_LIMIT = 100;
const SETTLEMENT_DEPTH = 20;

const stub = (c: C, pid: string) => processObject(c.env, pid);
const notKnown = (pid: string) => new HttpError(404, `process ${pid} is not known to this scheduler`);

/** An integer query parameter that may be negative (timestamps and nonces), or undefined. */
function signedInt(c: C, name: string, min: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d{1,16}$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number(raw);
}

/**
 * `process-id` (or HyperBEAM's `proc-id`), validated when present, and the scheduler hint given
 * with it (`hint=<url>`, or HyperBEAM's inline `process-id=<pid>?hint=<url>`).
 */
function processIdParam(c: C): { pid: string | undefined; hint: string | undefined } {
  const value = c.req.query("process-id") ?? c.req.query("proc-id");
  return value === undefined || value === "" ? { pid: undefined, hint: c.req.query("hint") || undefined } : processParam(c, "process-id", value);
}

/** A page's bounds: `from` (or `from-nonce`) exclusive, `to` (or `to-nonce`) inclusive, as on the SU. */
function pageQuery(c: C): LegacyQuery {
  const nonce = c.req.query("from-nonce") !== undefined || c.req.query("to-nonce") !== undefined;
  const limit = signedInt(c, "limit", 1) ?? LEGACY_LIMIT;
  const [fromName, toName] = nonce ? ["from-nonce", "to-nonce"] : ["from", "to"];
  const from = signedInt(c, fromName, nonce ? -1 : Number.MIN_SAFE_INTEGER);
  const to = signedInt(c, toName, nonce ? -1 : Number.MIN_SAFE_INTEGER);
  orderedRange([fromName, from], [toName, to]);
  return {
    mode: nonce ? "nonce" : "timestamp",
    from,
    to,
    limit: Math.min(limit, PAGE_LIMIT), // a cap is safe: has_next_page stays exact
    maxBytes: PAGE_BYTES,
  };
}

async function page(c: C, pid: string, q: LegacyQuery, hint: string | undefined): Promise<Response> {
  const r = await processTarget(c, pid, hint).readLegacy(q);
  if (r.current < 0) throw notKnown(pid);
  return json(c, legacyPage(r.slots, r.hasNextPage, q.mode, { showAnchor: c.req.query("show-anchor") !== undefined }));
}

/** GET /{id}: a process id gives a page; a message or assignment id gives its node. */
async function byId(c: C): Promise<Response> {
  const path = processParam(c, "id");
  const id = path.pid;
  const named = processIdParam(c);
  const hint = named.hint ?? path.hint;
  const q = pageQuery(c); // bad parameters are a 400 whatever the id
  // process-id picks where to look first, as on the SU; it never filters. Last, the id as a process.
  const found = await holderOf(c, id, named.pid, id, hint);
  if (found?.slot.slot === 0 && id === found.pid) return page(c, found.pid, q, hint);
  if (found) return json(c, slotNode(found.slot));
  throw new HttpError(404, `Message or Process not found: ${id}`);
}

async function latest(c: C): Promise<Response> {
  const { pid, hint } = processParam(c, "pid");
  const slot = await processTarget(c, pid, hint).slot("latest");
  if (!slot) throw notKnown(pid);
  return json(c, slotNode(slot));
}

async function processMeta(c: C): Promise<Response> {
  const { pid, hint } = processParam(c, "id");
  const slot = await processTarget(c, pid, hint).slot(0);
  if (!slot?.message) throw notKnown(pid);
  return json(c, processInfo(slot));
}

const written = (c: C, id: string, r: ScheduledWire) => json(c, { id, timestamp: r.timestamp });

/** POST /: a process, a message, or (`?process-id=&assign=`) an assignment of an existing item. */
async function postRoot(c: C): Promise<Response> {
  const { pid, hint } = processIdParam(c);
  const assign = c.req.query("assign");
  if (assign !== undefined) {
    if (!pid) throw new HttpError(400, "If sending assign or process-id, you must send both.");
    return postAssign(c, pid, assign);
  }
  const body = await readBody(c.req.raw, MAX_BODY_BYTES);
  if (body.length === 0) {
    throw new HttpError(400, pid ? "If sending assign or process-id, you must send both." : "empty body: expected a signed ANS-104 data item");
  }
  const named = pid === undefined ? undefined : { processId: pid, mismatch: `not process-id ${pid}` };
  const { item, scheduled } = await scheduleItem(c, body, { legacy: true, named, hint });
  return written(c, item.id, scheduled);
}

async function postAssign(c: C, pid: string, messageId: string): Promise<Response> {
  if (messageId.length !== 43) throw new HttpError(400, "assign param must be 43 characters");
  if (!isId(messageId)) throw new HttpError(400, `assign must be a base64url id, got ${JSON.stringify(messageId)}`);
  const exclude = (c.req.query("exclude") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const process = unwrap(await stub(c, pid).slot(pid, 0));
  if (!process) throw notKnown(pid);
  const held = await heldItem(c, pid, messageId);
  if (!held.known) await confirmOnGateway(c, messageId, c.req.query("base-layer") !== undefined, process);
  const r = unwrap(await stub(c, pid).assign(pid, messageId, { height: await requestHeight(c), exclude, message: held.message }));
  countAssignment("assign");
  remember(pid, r.assignmentId);
  return written(c, r.assignmentId, r);
}

/**
 * The process holding `id` (as message or assignment) and its slot. Asks `first`, then this
 * isolate's recent writes, then the global index (an RPC, only when still needed), then `last`.
 * `first` and `last` are processes the request named (with the `hint` it gave), so they may be
 * held elsewhere; the others are this node's own. An index that cannot be read is skipped, and
 * its failure thrown only when no other place holds the id (it cannot then be called unknown).
 */
async function holderOf(c: C, id: string, first: string | undefined, last?: string, hint?: string): Promise<{ pid: string; slot: StoredSlot } | undefined> {
  const tried = new Set<string>();
  const named = (pid: string | undefined) => async () => (pid === undefined ? undefined : { pid, find: () => processTarget(c, pid, hint).find(id) });
  const own = (pid: Promise<string | undefined> | string | undefined) => async () => {
    const p = await pid;
    return p === undefined ? undefined : { pid: p, find: async () => unwrap(await stub(c, p).find(p, id)) };
  };
  let indexFailure: unknown;
  const indexed = async () => {
    try {
      return await own(indexedProcess(c.env, id))();
    } catch (err) {
      indexFailure = err;
      return undefined;
    }
  };
  for (const candidate of [named(first), own(recentProcess(id)), indexed, named(last)]) {
    const holder = await candidate();
    if (holder === undefined || tried.has(holder.pid)) continue;
    tried.add(holder.pid);
    const slot = await holder.find();
    if (slot) return { pid: holder.pid, slot };
  }
  if (indexFailure !== undefined) throw indexFailure;
  return undefined;
}

/** Whether this node scheduled `id` on any process, and its bytes if held. */
async function heldItem(c: C, pid: string, id: string): Promise<{ known: boolean; message?: Uint8Array }> {
  const found = await holderOf(c, id, pid);
  return found?.slot.messageId === id ? { known: true, message: found.slot.message } : { known: false };
}

async function confirmOnGateway(c: C, id: string, baseLayer: boolean, process: StoredSlot): Promise<void> {
  const gateway = c.env.GATEWAY_URL;
  if (!gateway) throw new HttpError(404, `Transaction not found: ${id} is not held by this node, and no GATEWAY_URL is configured to look it up`);
  if (!baseLayer) {
    if (!(await itemExists(gateway, id))) throw new HttpError(404, `Transaction not found: ${id} is not held by this node or known to ${gateway}`);
    return;
  }
  const declared = tagValue(parseItem(process.message!, NO_LIMITS, process.messageId).tags, "Settlement-Depth");
  const depth = declared !== undefined && /^\d{1,9}$/.test(declared) ? Number(declared) : SETTLEMENT_DEPTH;
  const seen = await confirmations(gateway, id);
  if (seen === undefined) throw new HttpError(404, `Transaction not found: ${gateway} has no status for ${id}`);
  if (seen < depth) throw new HttpError(400, `Not enough confirmations to assign: ${seen} of ${depth}`);
}

export function legacyRoutes(app: Hono<AppEnv>): void {
  app.get("/", async (c) => json(c, { timestamp: String(Date.now()), address: (await schedulerSigner(c.env)).address }));
  app.post("/", postRoot);
  app.get("/timestamp", async (c) => json(c, { timestamp: String(Date.now()), block_height: padHeight(await requestHeight(c)) }));
  app.get("/health", health);
  app.get("/metrics", async (c) => c.text(renderMetrics(await c.env.NODE.getByName("node").totals()), 200, { "content-type": "text/plain; version=0.0.4" }));
  app.get("/processes/:id", processMeta);
  app.get("/:pid/latest", latest);
  app.get("/:id", byId);
}
