/** This node's own API, on the dashboard's origin (D12). */
export interface NodeInfo {
  address: string;
  "signature-type": number;
  variant: string;
  variants: string[];
  "scheduling-mode": string;
  "page-limit": number;
  gateway: string | null;
  warnings?: string[];
}

export interface NodeStatus {
  address: string;
  processes: string[];
  continues: boolean;
  location: { url: string; variant: string; nonce: number; "time-to-live": number; id: string } | null;
  outbox: { uploadUrl: string | null; pending: number; delivered: number; note?: string };
  /** Each listed process's counts, as its object last wrote them out (a few seconds behind). */
  "process-counters"?: Record<string, { posts: number; "re-posts": number; reads: number; "last-write": number }>;
  /** The node's cache of other schedulers' processes. */
  cache?: { hits: number; misses: number; "remote-fetches": number; "remote-bytes": number; "verify-failures": number; forks: number };
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" }, signal });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(body?.error ?? `${path} answered ${res.status}`);
  return body as T;
}

export const nodeInfo = () => getJson<NodeInfo>("/~scheduler@1.0/info");
export const nodeStatus = () => getJson<NodeStatus>("/~scheduler@1.0/status");
export const currentSlot = (pid: string) => getJson<{ current: number; timestamp: number }>(`/${pid}/slot`).then((s) => s.current);

/** A fork proof this node holds, as `GET /~scheduler@1.0/forks` lists it; `proof` is where the file is. */
export interface NodeFork {
  id: string;
  process: string;
  slot: number;
  scheduler: string;
  source: string;
  "found-at": number;
  proof: string;
}

export const nodeForks = () => getJson<{ forks: NodeFork[]; count: number; limit: number }>("/~scheduler@1.0/forks");
