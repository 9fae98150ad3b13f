/**
 * How to read a scheduler URL, asked of the server itself: `ao.N.1` when it answers
 * `/~scheduler@1.0/info` with an address (ours), `aos-2` when it answers with HyperBEAM's own
 * info (the device's `exports`, naming `schedule`, and no address: hyperbeam-scheduler.md §1.2),
 * `ao.TN.1` when its root answers the legacy SU's `{timestamp, address}` (legacy-su.md §1.2).
 * The info path is asked first because our node answers both.
 */
import type { Dialect } from "./client.ts";
import { RemoteError } from "./errors.ts";
import { origin, request, unanswered, type HttpOptions } from "./http.ts";

/**
 * What one probe found: the JSON it answered, or why there is none (for the error). A request
 * nothing answered throws: a server that is down (or a browser hiding a CORS refusal) is not a
 * question of variants.
 */
async function probe(url: string, http: HttpOptions): Promise<{ json?: Record<string, unknown>; why: string }> {
  let a;
  try {
    a = await request(url, { headers: { accept: "application/json" } }, http);
  } catch (err) {
    if (unanswered(err)) throw err;
    return { why: (err as Error).message };
  }
  if (a.status !== 200) return { why: `answered ${a.status}` };
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(a.body));
    if (typeof json !== "object" || json === null || Array.isArray(json)) return { why: "answered JSON that is not an object" };
    return { json: json as Record<string, unknown>, why: "answered an object without the expected keys" };
  } catch {
    return { why: "answered something that is not JSON" };
  }
}

const isText = (v: unknown): boolean => typeof v === "string" && v !== "";

/**
 * Asks `url` which variant it speaks. Throws the request's RemoteError when the server cannot be
 * reached, or RemoteError("remote-failed") naming both requests tried and what each answered.
 * @example const client = new SchedulerClient(url, await detectVariant(url));
 */
export async function detectVariant(url: string, http: HttpOptions = {}): Promise<Dialect> {
  const base = url.replace(/\/+$/, "");
  const info = await probe(`${base}/~scheduler@1.0/info`, http);
  if (isText(info.json?.address)) return "ao.N.1";
  const exports = info.json?.exports;
  if (Array.isArray(exports) && exports.includes("schedule")) return "aos-2";
  const root = await probe(`${base}/`, http);
  const ts = root.json?.timestamp;
  if (isText(root.json?.address) && (typeof ts === "number" || (typeof ts === "string" && /^\d+$/.test(ts)))) return "ao.TN.1";
  throw new RemoteError(
    "remote-failed",
    `scheduler ${origin(base)} speaks no known variant: GET /~scheduler@1.0/info (ao.N.1) ${info.why}; GET / (ao.TN.1) ${root.why}`,
    { remote: base },
  );
}
