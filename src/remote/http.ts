/**
 * The one HTTP client for the outside world (other schedulers, the Arweave gateway, the bundler,
 * the browser's mirrors): a deadline on every request, redirects followed a bounded number of
 * hops, every URL asked (each hop too) checked against the destination policy when one is given
 * (url-policy.ts), answers read up to a bound, and every failure typed (RemoteError) and naming
 * the URL, never what the remote said besides the `error` field of a JSON answer. Uses the host's
 * `fetch` (workerd and browsers have one), so it runs wherever the core does.
 */
import { RemoteError } from "./errors.ts";
import { checkDestination, type PrivateAccess } from "./url-policy.ts";

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
  /** Largest answer read, in bytes (default MAX_ANSWER_BYTES). */
  maxBytes?: number;
  /**
   * Set for destinations request data chose: every URL, each redirect hop included, passes
   * checkDestination first (redirects are then followed here, never by fetch). Unset for the
   * operator's own (GATEWAY_URL, UPLOAD_URL) and in browsers.
   */
  privateAccess?: PrivateAccess;
  /** What the remote is, for messages (default "scheduler"). */
  role?: string;
  /** Stops the request from outside (a paused mirror), besides the deadline. */
  signal?: AbortSignal;
  /** Told of every answer read, redirects excepted (the worker's cache counts its fetches and bytes). */
  onAnswer?: (a: Answer) => void;
}

export const REMOTE_TIMEOUT_MS = 10_000;
export const MAX_HOPS = 5;
/**
 * The most of one answer read: what an isolate (128 MB deployed) can hold while it parses and
 * checks it. A schedule page that would pass it is asked for again in narrower ranges (client.ts).
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** The most of an error answer read: enough for its `error` field. */
const ERROR_BYTES = 64 * 1024;

export interface Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The URL that answered, after redirects. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const UNREACHABLE = " cannot be reached: ";

/** True for request()'s failure when nothing answered at all: the deadline passed, or the connection failed. */
export const unanswered = (err: unknown): boolean => err instanceof RemoteError && (err.code === "remote-timeout" || err.message.includes(UNREACHABLE));

/** Requests `url`, following redirects; any answer that arrives is returned, whatever its status. */
export async function request(url: string, init: RequestInit, o: HttpOptions = {}): Promise<Answer> {
  const timeoutMs = o.timeoutMs ?? REMOTE_TIMEOUT_MS;
  const maxHops = o.maxHops ?? MAX_HOPS;
  const role = o.role ?? "scheduler";
  const doFetch = o.fetch ?? ((input: string, i?: RequestInit) => fetch(input, i));
  const redirects = o.privateAccess ? "manual" : (o.redirects ?? "manual");
  let at = url;
  for (let hop = 0; ; hop++) {
    if (o.privateAccess) at = checkDestination(at, o.privateAccess).href;
    let res: Response;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
    try {
      res = await doFetch(at, { ...init, redirect: redirects, signal });
    } catch (err) {
      if (deadline.aborted) throw new RemoteError("remote-timeout", `${role} ${origin(at)} did not answer within ${timeoutMs} ms`, { remote: origin(at) });
      throw new RemoteError("remote-failed", `${role} ${origin(at)}${UNREACHABLE}${(err as Error)?.message ?? err}`, { remote: origin(at) });
    }
    if (REDIRECTS.has(res.status) && redirects === "manual") {
      const location = res.headers.get("location");
      await res.body?.cancel();
      if (!location) throw new RemoteError("remote-failed", `${role} ${origin(at)} answered ${res.status} without a Location`, { remote: origin(at) });
      let next: string;
      try {
        next = new URL(location, at).href;
      } catch {
        throw new RemoteError("remote-failed", `${role} ${origin(at)} answered ${res.status} with a Location that is not a URL`, { remote: origin(at) });
      }
      if (hop + 1 > maxHops) throw new RemoteError("remote-failed", `${role} ${origin(url)}: more than ${maxHops} redirects (the last to ${origin(next)})`, { remote: origin(url) });
      at = next;
      continue;
    }
    const ok = res.status >= 200 && res.status < 300;
    const max = ok ? (o.maxBytes ?? MAX_ANSWER_BYTES) : Math.min(ERROR_BYTES, o.maxBytes ?? ERROR_BYTES);
    const body = await bounded(res, at, max, deadline, role).catch((err: RemoteError) => {
      // An error answer too long to hold is read as one that said nothing.
      if (!ok && err.code === "remote-too-large") return new Uint8Array(0);
      throw err;
    });
    const answer = { status: res.status, headers: res.headers, body, url: at };
    o.onAnswer?.(answer);
    return answer;
  }
}

/** The one capped body read: at most `max` bytes, or RemoteError("remote-too-large") and the rest left unread. */
async function bounded(res: Response, url: string, max: number, deadline: AbortSignal, role: string): Promise<Uint8Array> {
  const tooLarge = () => new RemoteError("remote-too-large", `${role} ${origin(url)} sent more than ${max} bytes, the most this node reads of one answer`, { remote: origin(url), limit: max });
  const declared = Number(res.headers.get("content-length"));
  if (declared > max) {
    await res.body?.cancel();
    throw tooLarge();
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
        throw tooLarge();
      }
      chunks.push(value);
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(size);
    let pos = 0;
    for (const c of chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  } catch (err) {
    if ((err as RemoteError)?.code === "remote-too-large") throw err;
    if (deadline.aborted) throw new RemoteError("remote-timeout", `${role} ${origin(url)} did not finish its answer in time`, { remote: origin(url) });
    throw new RemoteError("remote-failed", `${role} ${origin(url)}: the answer broke off (${(err as Error)?.message ?? err})`, { remote: origin(url) });
  }
}

/** The scheme, host and port of a URL, for messages (never its credentials, path or query). */
export const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return "(not a URL)";
  }
};

/** Text from a remote, fit to repeat: control and format characters removed, at most 200 characters. */
export const remoteText = (text: string): string => Array.from(text.replace(/[\p{Cc}\p{Cf}]/gu, "")).slice(0, 200).join("").trim();

/** The `error` a JSON answer gives as a string, fit to repeat; nothing else of a remote's answer is ever repeated. */
function errorField(a: Answer): string {
  try {
    const json = JSON.parse(new TextDecoder().decode(a.body)) as { error?: unknown };
    return typeof json?.error === "string" ? remoteText(json.error) : "";
  } catch {
    return "";
  }
}

/**
 * Turns a non-2xx answer into an error naming the remote and its status: a remote 4xx is the
 * client's problem and keeps its status, anything else is the remote failing (502).
 */
export function refusal(a: Answer, role = "scheduler"): RemoteError {
  const said = errorField(a);
  const text = `${role} ${origin(a.url)} answered ${a.status}${said ? `: ${said}` : ""}`;
  if (a.status >= 400 && a.status < 500) return new RemoteError("remote-rejected", text, { remote: origin(a.url), status: a.status });
  return new RemoteError("remote-failed", text, { remote: origin(a.url), status: a.status });
}

/** Parses an answer as JSON, or fails naming the remote. */
export function jsonOf<T>(a: Answer, role = "scheduler"): T {
  try {
    return JSON.parse(new TextDecoder().decode(a.body)) as T;
  } catch {
    throw new RemoteError("remote-failed", `${role} ${origin(a.url)} answered ${a.status} with something that is not JSON`, { remote: origin(a.url) });
  }
}
