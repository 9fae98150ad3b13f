/**
 * Scheduler-location records (hyperbeam-scheduler.md §1.8; docs/remote.md):
 * `GET /~scheduler@1.0/location?address=` answers the unexpired record held for an address (this
 * node's by default); `POST` takes a signed `Type=Scheduler-Location` item. Signed by this node's own key it
 * is the operator's request: the node builds, signs, keeps and uploads a new record of its own.
 * Signed by anyone else it is their record: verified, checked (its Url against the destination
 * policy too) and kept under its signer.
 */
import type { Context, Hono } from "hono";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { tagValueAnyCase } from "../../../src/ans104/tags.ts";
import { addressOf } from "../../../src/crypto/ids.ts";
import { itemToJson } from "../../../src/formats/item-json.ts";
import { VARIANTS, type Variant } from "../../../src/remote/client.ts";
import { LOCATION_TTL_MS, locationUrl, readLocation, verifyLocation } from "../../../src/remote/location.ts";
import { readItemBody } from "../body.ts";
import { MAX_BODY_BYTES } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { unwrap } from "../../contract.ts";
import { HttpError } from "../errors.ts";
import { verifiedItem } from "../../routing/ingest.ts";
import { allowedDestination } from "../../routing/where.ts";
import { idParam } from "../params.ts";
import { ANS104, json, negotiate } from "../render.ts";
import { schedulerSigner } from "../../objects/signer.ts";

type C = Context<AppEnv>;
const D = "/~scheduler@1.0";

function renderRecord(c: C, raw: Uint8Array, expiresAt: number | undefined): Response {
  if (negotiate(c) === "ans104") return new Response(raw, { headers: { "content-type": ANS104 } });
  const item = parseItem(raw, NO_LIMITS);
  const record = readLocation(item);
  return json(c, { ...itemToJson(item), address: record.address, ...(expiresAt === undefined ? {} : { "expires-at": expiresAt }) });
}

async function getLocation(c: C): Promise<Response> {
  const given = c.req.query("address");
  const address = given ? idParam(c, "address", given) : (await schedulerSigner(c.env)).address;
  const held = await c.env.NODE.getByName("node").location(address);
  if (!held) throw new HttpError(404, `No location found for address: ${address}`);
  // An expired record locates no one (docs/remote.md): it is not served as if it did.
  if (held.expiresAt <= Date.now()) throw new HttpError(404, `No location found for address: ${address}: the record held expired at ${new Date(held.expiresAt).toISOString()}`);
  return renderRecord(c, held.raw, held.expiresAt);
}

const whole = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new HttpError(400, `${name} must be a non-negative integer of at most 15 digits, got ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
};

async function postLocation(c: C): Promise<Response> {
  const item = await verifiedItem(await readItemBody(c.req.raw, MAX_BODY_BYTES));
  const type = tagValueAnyCase(item.tags, "Type");
  if (type?.toLowerCase() !== "scheduler-location") throw new HttpError(400, `expected a Type=Scheduler-Location item, got Type ${JSON.stringify(type ?? "none")}`);
  const node = c.env.NODE.getByName("node");
  const self = (await schedulerSigner(c.env)).address;
  if (addressOf(item.owner) === self) {
    // The operator: this node writes its own record from the request's fields.
    const tag = (name: string) => tagValueAnyCase(item.tags, name);
    const url = tag("Url");
    if (!url) throw new HttpError(400, "the request names no Url for this node's record");
    const variant = (tag("Variant") ?? c.env.SCHEDULER_VARIANT ?? "ao.TN.1") as Variant;
    if (!VARIANTS.includes(variant)) throw new HttpError(400, `Variant must be one of ${VARIANTS.join(", ")}, got ${JSON.stringify(variant)}`);
    const ttl = whole(tag("Time-To-Live"), "Time-To-Live") ?? LOCATION_TTL_MS;
    if (ttl === 0) throw new HttpError(400, "Time-To-Live must be above 0");
    const published = unwrap(await node.publish({ url: locationUrl(url), variant, ttl, nonce: whole(tag("Nonce"), "Nonce") }));
    return renderRecord(c, published.raw, undefined);
  }
  const record = await verifyLocation(item);
  allowedDestination(c.env, record.url); // a record this node would not follow is not kept (400)
  const kept = unwrap(await node.keepLocation(record.raw, true));
  return renderRecord(c, record.raw, kept.expiresAt);
}

export function locationRoutes(app: Hono<AppEnv>): void {
  app.get(`${D}/location`, getLocation);
  app.post(`${D}/location`, postLocation);
}
