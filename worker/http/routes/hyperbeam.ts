/**
 * HyperBEAM's `scheduler@1.0` surface (hyperbeam-scheduler.md §1.3; D11, docs/architecture.md):
 * the device paths under /~scheduler@1.0/ and the process-path forms /<pid>/schedule, /<pid>/slot.
 */
import type { Context, Hono } from "hono";
import { readItemBody } from "../body.ts";
import { MAX_BODY_BYTES, MAX_WAIT_MS, PAGE_BYTES, PAGE_LIMIT, schedulingMode } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { HttpError } from "../errors.ts";
import { requestHeight } from "../../routing/height.ts";
import { idParam, intParam, orderedRange, processParam } from "../params.ts";
import { ANS104, json, renderAssignment, renderPage } from "../render.ts";
import { scheduleItem } from "../../routing/schedule-item.ts";
import { NO_GATEWAY_NOTE } from "../../../src/remote/gateway.ts";
import { schedulerSigner } from "../../objects/signer.ts";
import type { ProcessTarget, ReadResult } from "../../contract.ts";
import { processTarget } from "../../routing/targets.ts";

type C = Context<AppEnv>;
const D = "/~scheduler@1.0";
const EXPORTS = ["location", "status", "next", "schedule", "slot", "init", "checkpoint"];
const LOOKAHEAD = 100;

/** The process a request is about (the path's pid, else `target`) and where its calls go. */
function targetOf(c: C): { pid: string; target: ProcessTarget } {
  const { pid, hint } = processParam(c, c.req.param("pid") ? "pid" : "target");
  return { pid, target: processTarget(c, pid, hint) };
}

function unknown(pid: string): HttpError {
  return new HttpError(404, `process ${pid} is not known to this scheduler`);
}

async function postSchedule(c: C): Promise<Response> {
  const body = await readItemBody(c.req.raw, MAX_BODY_BYTES);
  const path = c.req.param("pid") === undefined ? undefined : processParam(c, "pid");
  const named = path === undefined ? undefined : { processId: path.pid, mismatch: `but was posted to ${path.pid}` };
  const { item, processId, scheduled } = await scheduleItem(c, body, { named, hint: path?.hint ?? (c.req.query("hint") || undefined) });
  // The message is the item posted: same id, same bytes (an id is the hash of a signature over every field).
  return renderAssignment(c, processId, scheduled, item);
}

async function readPage(c: C, pid: string, result: ReadResult): Promise<Response> {
  if (result.current < 0) throw unknown(pid);
  return renderPage(c, { processId: pid, slots: result.slots, continues: result.continues, timestamp: Date.now(), height: await requestHeight(c) });
}

async function getSchedule(c: C): Promise<Response> {
  const { pid, target } = targetOf(c);
  const from = intParam(c, "from", 0);
  const to = intParam(c, "to", undefined);
  orderedRange(["from", from], ["to", to]);
  const limit = intParam(c, "limit", PAGE_LIMIT, PAGE_LIMIT, 1);
  return readPage(c, pid, await target.read({ from, to, limit, maxBytes: PAGE_BYTES }));
}

async function getNext(c: C): Promise<Response> {
  const { pid, target } = targetOf(c);
  const from = intParam(c, "from", 0);
  const wait = intParam(c, "wait", 0, MAX_WAIT_MS);
  const lookahead = intParam(c, "lookahead", LOOKAHEAD, PAGE_LIMIT, 1);
  const q = { from, limit: lookahead, maxBytes: PAGE_BYTES }; // continues: more exist after the batch
  const result = await target.next(q, wait);
  if (result.current < 0) throw unknown(pid);
  if (result.slots.length === 0) {
    throw new HttpError(404, `slot ${from} of process ${pid} is not yet available (current slot is ${result.current})`, { current: result.current });
  }
  return readPage(c, pid, result);
}

async function slotState(c: C) {
  const { pid, target } = targetOf(c);
  const state = await target.state();
  if (state.current < 0) throw unknown(pid);
  return { pid, state };
}

async function getSlot(c: C): Promise<Response> {
  const { pid, state } = await slotState(c);
  const address = state.scheduler ?? (await schedulerSigner(c.env)).address;
  c.header("cache-control", "no-store");
  return json(c, {
    process: pid,
    current: state.current,
    timestamp: Date.now(),
    "block-height": Math.max(state.height, await requestHeight(c)),
    "cache-control": "no-store",
    "wallet-address": address,
    addresses: [address],
  });
}

async function getSlotCurrent(c: C): Promise<Response> {
  const { state } = await slotState(c);
  c.header("cache-control", "no-store");
  return c.text(String(state.current));
}

async function getStatus(c: C): Promise<Response> {
  const from = c.req.query("from") ?? "";
  if (from !== "") idParam(c, "from", from);
  const limit = intParam(c, "limit", PAGE_LIMIT, PAGE_LIMIT, 1);
  const node = c.env.NODE.getByName("node");
  const [signer, page, own, totals] = await Promise.all([schedulerSigner(c.env), node.processes(from, limit), node.ownStatus(), node.totals()]);
  c.header("cache-control", "no-store");
  const counters: Record<string, Record<string, number>> = {};
  for (const [pid, n] of Object.entries(page.counters)) counters[pid] = { posts: n.posts, "re-posts": n.reposts, reads: n.reads, "last-write": n.lastWrite };
  const cache = totals.cache;
  return json(c, {
    address: signer.address,
    processes: page.processes,
    continues: page.continues,
    "cache-control": "no-store",
    location: own.location && { url: own.location.url, variant: own.location.variant, nonce: own.location.nonce, "time-to-live": own.location.ttl, id: own.location.id },
    outbox: { ...own.outbox, note: own.outbox.uploadUrl ? undefined : "UPLOAD_URL is not set: records stay on this node" },
    // Written out by each process's object a few seconds after they change (docs/architecture.md "Observability").
    "process-counters": counters,
    cache: { hits: cache.hits, misses: cache.misses, "remote-fetches": cache.fetches, "remote-bytes": cache.bytes, "verify-failures": cache.verifyFailures, forks: cache.forks },
  });
}

async function getInfo(c: C): Promise<Response> {
  const signer = await schedulerSigner(c.env);
  return json(c, {
    device: "scheduler@1.0",
    exports: EXPORTS,
    address: signer.address,
    "signature-type": signer.type,
    variant: "ao.N.1",
    variants: ["ao.N.1", "ao.TN.1"],
    "scheduling-mode": schedulingMode(c.env),
    "page-limit": PAGE_LIMIT,
    gateway: c.env.GATEWAY_URL || null,
    ...(c.env.GATEWAY_URL ? {} : { warnings: [NO_GATEWAY_NOTE] }),
  });
}

export function hyperbeamRoutes(app: Hono<AppEnv>): void {
  for (const prefix of [D, `/:pid${D}`]) {
    app.post(`${prefix}/schedule`, postSchedule);
    app.post(`${prefix}/init`, postSchedule); // HyperBEAM routes init like schedule
    app.get(`${prefix}/schedule`, getSchedule);
    app.get(`${prefix}/init`, getSchedule);
    app.get(`${prefix}/slot`, getSlot);
    app.get(`${prefix}/next`, getNext);
  }
  app.get(`${D}/status`, getStatus);
  app.get(`${D}/info`, getInfo);
  app.get(`${D}/checkpoint`, (c) => json(c, { device: "scheduler@1.0" }));
  app.post("/:pid/schedule", postSchedule);
  app.get("/:pid/schedule", getSchedule);
  app.get("/:pid/slot", getSlot);
  app.get("/:pid/slot/current", getSlotCurrent);
}
