/**
 * Hash routes (#/process/<id>): every view is one precached index.html, so a deep link opens
 * offline too, and the worker needs no route of its own for the dashboard.
 */
export type Route =
  | { view: "node" }
  | { view: "mirrors" }
  | { view: "process"; processId: string }
  | { view: "slot"; processId: string; slot: number }
  | { view: "peer" }
  | { view: "forks" }
  | { view: "search"; query: string }
  | { view: "missing"; path: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [head, a, b] = parts;
  if (!head) return { view: "node" };
  if (head === "mirrors" && !a) return { view: "mirrors" };
  if (head === "peer" && !a) return { view: "peer" };
  if (head === "forks" && !a) return { view: "forks" };
  if (head === "search") return { view: "search", query: a ?? "" };
  if (head === "process" && a && !b) return { view: "process", processId: a };
  if (head === "process" && a && b && /^\d+$/.test(b)) return { view: "slot", processId: a, slot: Number(b) };
  return { view: "missing", path: hash };
}

export const href = {
  node: () => "#/",
  mirrors: () => "#/mirrors",
  process: (pid: string) => `#/process/${pid}`,
  slot: (pid: string, slot: number) => `#/process/${pid}/${slot}`,
  peer: () => "#/peer",
  forks: () => "#/forks",
  search: (q: string) => `#/search/${encodeURIComponent(q)}`,
};
