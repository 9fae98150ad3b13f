/**
 * An Arweave gateway, read with plain fetch: block height (`/info`), L1 confirmations
 * (`/tx/{id}/status`) and item existence (GraphQL `transactions(ids:)`). Every call has a timeout
 * and reports failure as undefined, so callers fall back instead of failing the request.
 */

const TIMEOUT_MS = 5_000;

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: status ${res.status}`);
  return res.json();
}

const base = (gateway: string) => gateway.replace(/\/+$/, "");

/** The gateway's current block height. Throws on failure (the caller keeps its last value). */
export async function gatewayHeight(gateway: string): Promise<number> {
  const height = Number(((await getJson(`${base(gateway)}/info`)) as { height?: unknown }).height);
  if (!Number.isSafeInteger(height) || height < 0) throw new Error(`${gateway}/info: no numeric height`);
  return height;
}

/** Confirmations of an L1 transaction, or undefined when the gateway does not know it or fails. */
export async function confirmations(gateway: string, id: string): Promise<number | undefined> {
  try {
    const n = Number(((await getJson(`${base(gateway)}/tx/${id}/status`)) as { number_of_confirmations?: unknown }).number_of_confirmations);
    return Number.isSafeInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether gateway GraphQL finds a transaction or data item with this id (false on failure). */
export async function itemExists(gateway: string, id: string): Promise<boolean> {
  try {
    const body = JSON.stringify({ query: "query($ids: [ID!]) { transactions(ids: $ids) { edges { node { id } } } }", variables: { ids: [id] } });
    const json = (await getJson(`${base(gateway)}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body })) as {
      data?: { transactions?: { edges?: { node?: { id?: string } }[] } };
    };
    return json.data?.transactions?.edges?.some((e) => e.node?.id === id) ?? false;
  } catch {
    return false;
  }
}
