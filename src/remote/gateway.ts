/**
 * An Arweave gateway, read through the one HTTP client (http.ts: deadline, bounded answers): block height (`/info`), L1 confirmations
 * (`/tx/{id}/status`), item existence (GraphQL `transactions(ids:)`), and whole items rebuilt from
 * GraphQL plus `/raw/<id>` (process items, scheduler-location records), as HyperBEAM's gateway
 * client reads them, but verified against their ids and signatures. Each call tells three
 * outcomes apart: found, absent, and the gateway failing (GatewayError), because "the gateway is
 * down" must not read as "no such transaction" to a client that treats 404 as final.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { DEFAULT_LIMITS, NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { serializeItem } from "../ans104/serialize.ts";
import { encodeTags } from "../ans104/tags.ts";
import { verifyItem } from "../ans104/verify.ts";
import { fromB64url } from "../crypto/base64url.ts";
import { verifiableTypeByLengths } from "../crypto/signature-types.ts";
import type { RemoteError } from "./errors.ts";
import { jsonOf, request, type Answer } from "./http.ts";

const TIMEOUT_MS = 5_000;

/** Without a gateway, every assignment carries Block-Height 0; hosts say so at start, in /info and in /health. */
export const NO_GATEWAY_NOTE =
  "GATEWAY_URL is not set: every assignment carries Block-Height 0, and AO compute units skip their hash-chain check for processes below block 1,440,000";

export type GatewayErrorCode = "bad-gateway" | "gateway-timeout";

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;

  constructor(code: GatewayErrorCode, message: string) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
  }
}

const base = (gateway: string) => gateway.replace(/\/+$/, "");

/** The operator's gateway is trusted (no destination policy); its answers are bounded like any remote's. */
async function get(url: string, init: RequestInit = {}, maxBytes?: number): Promise<Answer> {
  try {
    return await request(url, init, { timeoutMs: TIMEOUT_MS, role: "gateway", ...(maxBytes === undefined ? {} : { maxBytes }) });
  } catch (err) {
    throw new GatewayError((err as RemoteError).code === "remote-timeout" ? "gateway-timeout" : "bad-gateway", (err as Error).message);
  }
}

/**
 * Fetches JSON. `absentOn` statuses give undefined, `bodiless` statuses give their status without
 * a body; anything else that is not a 2xx JSON answer throws GatewayError.
 */
async function getJson(url: string, init?: RequestInit, absentOn: number[] = [404], bodiless: number[] = []): Promise<{ status: number; json?: unknown } | undefined> {
  const a = await get(url, init);
  if (absentOn.includes(a.status)) return undefined;
  if (bodiless.includes(a.status)) return { status: a.status };
  if (a.status < 200 || a.status > 299) throw new GatewayError("bad-gateway", `gateway ${url}: status ${a.status}`);
  try {
    return { status: a.status, json: jsonOf(a, "gateway") };
  } catch {
    throw new GatewayError("bad-gateway", `gateway ${url}: answer is not JSON`);
  }
}

/** The gateway's current block height. Throws on failure (the caller keeps its last value). */
export async function gatewayHeight(gateway: string): Promise<number> {
  const r = await getJson(`${base(gateway)}/info`);
  const height = Number((r?.json as { height?: unknown } | undefined)?.height);
  if (!Number.isSafeInteger(height) || height < 0) throw new GatewayError("bad-gateway", `gateway ${gateway}/info: no numeric height`);
  return height;
}

/** Confirmations of an L1 transaction: undefined when the gateway does not know it, 0 while pending (202). */
export async function confirmations(gateway: string, id: string): Promise<number | undefined> {
  const r = await getJson(`${base(gateway)}/tx/${id}/status`, undefined, [404], [202]);
  if (!r) return undefined;
  if (r.status === 202) return 0; // Arweave's answer for a pending transaction
  const n = Number((r.json as { number_of_confirmations?: unknown }).number_of_confirmations);
  if (!Number.isSafeInteger(n) || n < 0) throw new GatewayError("bad-gateway", `gateway ${gateway}/tx/${id}/status: no number_of_confirmations`);
  return n;
}

/** Whether gateway GraphQL finds a transaction or data item with this id. */
export async function itemExists(gateway: string, id: string): Promise<boolean> {
  const body = JSON.stringify({ query: "query($ids: [ID!]) { transactions(ids: $ids) { edges { node { id } } } }", variables: { ids: [id] } });
  const r = await getJson(`${base(gateway)}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body }, []);
  const json = r?.json as { data?: { transactions?: { edges?: { node?: { id?: string } }[] } }; errors?: unknown } | undefined;
  if (!json?.data?.transactions) throw new GatewayError("bad-gateway", `gateway ${gateway}/graphql: no transactions in the answer`);
  return json.data.transactions.edges?.some((e) => e.node?.id === id) ?? false;
}

// ## Items from GraphQL: process items and scheduler-location records

const NODE_FIELDS = "id signature owner { key address } anchor recipient tags { name value } data { size }";

interface GqlNode {
  id: string;
  signature: string;
  owner: { key: string; address?: string };
  anchor?: string | null;
  recipient?: string | null;
  tags: { name: string; value: string }[];
  data?: { size?: string | number } | null;
}

async function firstNode(gateway: string, query: string, variables: Record<string, unknown>): Promise<GqlNode | undefined> {
  const body = JSON.stringify({ query, variables });
  const r = await getJson(`${base(gateway)}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body }, []);
  const json = r?.json as { data?: { transactions?: { edges?: { node?: GqlNode }[] } } } | undefined;
  if (!json?.data?.transactions) throw new GatewayError("bad-gateway", `gateway ${gateway}/graphql: no transactions in the answer`);
  return json.data.transactions.edges?.[0]?.node ?? undefined;
}

/** Rebuilds the exact item GraphQL describes (its data from /raw/<id>) and checks its id and signature. */
async function itemOfNode(gateway: string, node: GqlNode): Promise<DataItem> {
  const bad = (why: string) => new GatewayError("bad-gateway", `gateway ${gateway}: item ${node?.id}: ${why}`);
  let raw: Uint8Array;
  try {
    const owner = fromB64url(node.owner.key);
    const signature = fromB64url(node.signature);
    const type = verifiableTypeByLengths(owner.length, signature.length);
    if (!type) throw bad(`no accepted signature type has a ${owner.length}-byte key and a ${signature.length}-byte signature`);
    const size = Number(node.data?.size ?? 0);
    const data = size > 0 ? await rawData(gateway, node.id, size) : new Uint8Array(0);
    const tags = node.tags.map((t) => ({ name: String(t.name), value: String(t.value) }));
    raw = serializeItem({
      signatureType: type.type,
      signature,
      owner,
      target: node.recipient ? fromB64url(node.recipient) : undefined,
      anchor: node.anchor ? fromB64url(node.anchor) : undefined,
      tagCount: tags.length,
      tagBytes: encodeTags(tags),
      data,
    });
  } catch (err) {
    if ((err as GatewayError).code) throw err;
    throw bad(`cannot be rebuilt (${(err as Error).message})`);
  }
  const item = parseItem(raw, NO_LIMITS);
  if (item.id !== node.id) throw bad(`its signature's id is ${item.id}`);
  if ((await verifyItem(item)) !== "valid") throw bad("its signature does not verify over the fields GraphQL gave");
  return item;
}

async function rawData(gateway: string, id: string, size: number): Promise<Uint8Array> {
  if (size > DEFAULT_LIMITS.maxItemBytes) throw new GatewayError("bad-gateway", `gateway ${gateway}: item ${id} has ${size} bytes of data, over the ${DEFAULT_LIMITS.maxItemBytes}-byte limit`);
  const a = await get(`${base(gateway)}/raw/${id}`, {}, size);
  if (a.status !== 200) throw new GatewayError("bad-gateway", `gateway ${gateway}/raw/${id}: status ${a.status}`);
  const bytes = a.body;
  if (bytes.length !== size) throw new GatewayError("bad-gateway", `gateway ${gateway}/raw/${id}: ${bytes.length} bytes, GraphQL said ${size}`);
  return bytes;
}

/** A process item (or any item) by id, rebuilt and verified; undefined when the gateway does not know it. */
export async function gatewayItem(gateway: string, id: string): Promise<DataItem | undefined> {
  const node = await firstNode(gateway, `query($ids: [ID!]) { transactions(ids: $ids, first: 1) { edges { node { ${NODE_FIELDS} } } } }`, { ids: [id] });
  return node ? itemOfNode(gateway, node) : undefined;
}

/** The newest Scheduler-Location record `address` published, rebuilt and verified; undefined when it has none. */
export async function gatewayLocation(gateway: string, address: string): Promise<DataItem | undefined> {
  const query = `query($owners: [String!], $tags: [TagFilter!]) { transactions(owners: $owners, tags: $tags, first: 1, sort: HEIGHT_DESC) { edges { node { ${NODE_FIELDS} } } } }`;
  const node = await firstNode(gateway, query, { owners: [address], tags: [{ name: "Type", values: ["Scheduler-Location"] }] });
  return node ? itemOfNode(gateway, node) : undefined;
}
