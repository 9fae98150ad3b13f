/**
 * HTTP to another scheduler: a deadline on every request, redirects followed a bounded number of
 * hops, bounded answers, and every failure typed (RemoteError) and naming the URL. Uses the
 * host's `fetch` (workerd and browsers have one), so it runs wherever the core does.
 */
import { RemoteError } from "./errors.ts";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** The host's fetch (default: globalThis.fetch, read when called). */
  fetch?: Fetch;
  /** Per request, in ms (REMOTE_TIMEOUT_MS, default 10 s). */
  timeoutMs?: number;
  /** Redirects followed, at most (default 5). */
  maxHops?: number;
  /** "manual" follows redirects here, counting hops; "follow" leaves it to fetch (browsers, which hide cross-origin redirect targets). */
  redirects?: "manual" | "follow";
  /** Largest answer read, in bytes (default 64 MiB). */
  maxBytes?: number;
}

export const REMOTE_TIMEOUT_MS = 10_000;
export const MAX_HOPS = 5;
const MAX_BYTES = 64 * 1024 * 1024;

export interface Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The URL that answered, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Requests `url`, following redirects; any answer that arrives is returned, whatever its status. */
export async function request(url: string, init: RequestInit, o: HttpOptions = {}): Promise<Answer> {
  const timeoutMs = o.timeoutMs ?? REMOTE_TIMEOUT_MS;
  const maxHops = o.maxHops ?? MAX_HOPS;
  const doFetch = o.fetch ?? ((input: string, i?: RequestInit) => fetch(input, i));
  let at = url;
  for (let hop = 0; ; hop++) {
    let res: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      res = await doFetch(at, { ...init, redirect: o.redirects ?? "manual", signal });
    } catch (err) {
      const timedOut = signal.aborted || (err as Error)?.name === "TimeoutError";
      if (timedOut) throw new RemoteError("remote-timeout", `scheduler ${origin(at)} did not answer within ${timeoutMs} ms`, { remote: at });
      throw new RemoteError("remote-failed", `scheduler ${origin(at)} cannot be reached: ${(err as Error)?.message ?? err}`, { remote: at });
    }
    if (REDIRECTS.has(res.status) && (o.redirects ?? "manual") === "manual") {
      const location = res.headers.get("location");
      await res.body?.cancel();
      if (!location) throw new RemoteError("remote-failed", `scheduler ${origin(at)} answered ${res.status} without a Location`, { remote: at });
      if (hop + 1 > maxHops) throw new RemoteError("remote-failed", `scheduler ${origin(url)}: more than ${maxHops} redirects (last to ${location})`, { remote: url });
      at = new URL(location, at).toString();
      continue;
    }
    return { status: res.status, headers: res.headers, body: await bounded(res, at, o.maxBytes ?? MAX_BYTES, signal), url: at };
  }
}

async function bounded(res: Response, url: string, max: number, signal: AbortSignal): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > max) {
    await res.body?.cancel();
    throw new RemoteError("remote-failed", `scheduler ${origin(url)} sent ${declared} bytes; at most ${max} are read`, { remote: url });
  }
  try {
    const reader = res.body?.getReader();
    if (!reader) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel();
        throw new RemoteError("remote-failed", `scheduler ${origin(url)} sent more than ${max} bytes`, { remote: url });
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let pos = 0;
    for (const c of chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  } catch (err) {
    if ((err as RemoteError)?.code === "remote-failed") throw err;
    if (signal.aborted) throw new RemoteError("remote-timeout", `scheduler ${origin(url)} did not finish its answer in time`, { remote: url });
    throw new RemoteError("remote-failed", `scheduler ${origin(url)}: the answer broke off (${(err as Error)?.message ?? err})`, { remote: url });
  }
}

/** The scheme, host and port of a URL, for messages. */
export const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/**
 * Turns a non-2xx answer into an error: a remote 4xx is the client's problem and keeps its status
 * (with the remote's own message), anything else is the remote failing (502).
 */
export function refusal(a: Answer): RemoteError {
  let said = "";
  try {
    const json = JSON.parse(new TextDecoder().decode(a.body)) as { error?: unknown };
    said = typeof json.error === "string" ? json.error : "";
  } catch {
    said = new TextDecoder().decode(a.body.subarray(0, 200)).trim();
  }
  const text = `scheduler ${origin(a.url)} answered ${a.status}${said ? `: ${said}` : ""}`;
  if (a.status >= 400 && a.status < 500) return new RemoteError("remote-rejected", text, { remote: a.url, status: a.status });
  return new RemoteError("remote-failed", text, { remote: a.url, status: a.status });
}

/** Parses an answer as JSON, or fails naming the remote. */
export function jsonOf<T>(a: Answer): T {
  try {
    return JSON.parse(new TextDecoder().decode(a.body)) as T;
  } catch {
    throw new RemoteError("remote-failed", `scheduler ${origin(a.url)} answered ${a.status} with something that is not JSON`, { remote: a.url });
  }
}
