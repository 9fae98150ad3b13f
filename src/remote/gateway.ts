/**
 * An Arweave gateway, read with plain fetch: block height (`/info`), L1 confirmations
 * (`/tx/{id}/status`) and item existence (GraphQL `transactions(ids:)`). Each call tells three
 * outcomes apart: found, absent, and the gateway failing (GatewayError), because "the gateway is
 * down" must not read as "no such transaction" to a client that treats 404 as final.
 */

const TIMEOUT_MS = 5_000;

export class GatewayError extends Error {
  readonly code: "bad-gateway" | "gateway-timeout";

  constructor(code: "bad-gateway" | "gateway-timeout", message: string) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
  }
}

const base = (gateway: string) => gateway.replace(/\/+$/, "");

/**
 * Fetches JSON. `absentOn` statuses give undefined, `bodiless` statuses give their status without
 * a body; anything else that is not a 2xx JSON answer throws GatewayError.
 */
async function getJson(url: string, init?: RequestInit, absentOn: number[] = [404], bodiless: number[] = []): Promise<{ status: number; json?: unknown } | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const timeout = (err as Error)?.name === "TimeoutError" || (err as Error)?.name === "AbortError";
    throw new GatewayError(timeout ? "gateway-timeout" : "bad-gateway", `gateway ${url}: ${timeout ? `no answer within ${TIMEOUT_MS} ms` : (err as Error)?.message}`);
  }
  if (absentOn.includes(res.status)) return undefined;
  if (bodiless.includes(res.status)) return { status: res.status };
  if (!res.ok) throw new GatewayError("bad-gateway", `gateway ${url}: status ${res.status}`);
  try {
    return { status: res.status, json: await res.json() };
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
