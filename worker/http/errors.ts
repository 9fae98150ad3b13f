/**
 * The one place errors become HTTP (D9, docs/architecture.md): `{"error": "..."}` with a precise
 * status. Errors are recognised by their fields, not by class, so they survive bundling and RPC.
 */
import type { Context } from "hono";
import type { Ans104ErrorCode } from "../../src/ans104/errors.ts";
import type { KeyError } from "../../src/crypto/keys.ts";
import type { FormatError } from "../../src/formats/errors.ts";
import type { RemoteErrorCode } from "../../src/remote/errors.ts";
import type { GatewayErrorCode } from "../../src/remote/gateway.ts";
import type { ScheduleErrorCode } from "../../src/schedule/errors.ts";
import { countFork } from "./metrics.ts";
import { json } from "./render.ts";

export class HttpError extends Error {
  readonly status: number;
  readonly details: Record<string, string | number> | undefined;

  constructor(status: number, message: string, details?: Record<string, string | number>) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.details = details;
  }
}

/** Every code an error of the core carries (and the node key's). */
export type ErrorCode = ScheduleErrorCode | RemoteErrorCode | Ans104ErrorCode | GatewayErrorCode | FormatError["code"] | KeyError["code"];

/**
 * The status of each code. The compiler holds this table to the code unions above: a new code
 * without a status does not build, so none can silently become a 500.
 */
export const STATUS_BY_CODE = {
  // ScheduleError
  "invalid-item": 400,
  "invalid-process": 400,
  "invalid-message": 400,
  "bad-request": 400,
  // Not 421: HTTP clients (Node's fetch, browsers) send a request answered 421 again on a new
  // connection by themselves, and Node's then fails on the body it already sent.
  "wrong-scheduler": 404, // the process names another scheduler, and it cannot be found

  "unknown-process": 404,
  "not-found": 404,
  unavailable: 503,
  // Ans104Error: malformed input
  truncated: 400,
  "too-large": 413,
  "unknown-signature-type": 400,
  "bad-presence-byte": 400,
  "tag-count-mismatch": 400,
  "too-many-tags": 400,
  "tag-bytes-too-long": 400,
  "tag-name-too-long": 400,
  "tag-value-too-long": 400,
  "bad-tag-encoding": 400,
  "non-utf8-tag": 400,
  "bad-bundle": 400,
  "bad-field": 400,
  // FormatError, GatewayError, KeyError
  "bad-format": 400,
  "bad-gateway": 502,
  "gateway-timeout": 504,
  "bad-key": 503, // the node's configured key cannot be used: an outage until it is fixed
  // RemoteError
  "bad-location": 400,
  "stale-nonce": 400,
  "no-scheduler": 404, // the process is not this node's, and its scheduler cannot be found
  "remote-rejected": 502, // with the remote's 4xx in details.status, that status is passed on instead
  "remote-failed": 502,
  "remote-timeout": 504,
  "remote-too-large": 502,
  "refused-destination": 400,
  "verification-failed": 502,
  fork: 502,
} as const satisfies Record<ErrorCode, number>;

type Fields = { status?: unknown; code?: unknown; message?: unknown; details?: unknown; headers?: unknown; overloaded?: unknown };

/** Status for an error with a known shape, or undefined for anything else (a bug: 500). */
function statusOf(err: Fields): number | undefined {
  if (typeof err.status === "number" && ((err.status >= 400 && err.status < 600) || err.status === 307)) return err.status;
  // A process's Durable Object past what one object can take (about 1,000 requests a second): busy, not broken.
  if (err.overloaded === true) return 503;
  if (typeof err.code !== "string") return undefined;
  // Another scheduler refused the request: its status (a 4xx) is passed on.
  const passed = (err.details as { status?: unknown } | undefined)?.status;
  if (err.code === "remote-rejected" && typeof passed === "number" && passed >= 400 && passed < 500) return passed;
  return Object.hasOwn(STATUS_BY_CODE, err.code) ? STATUS_BY_CODE[err.code as ErrorCode] : undefined;
}

export function errorResponse(err: unknown, c: Context): Response {
  const e = (err ?? {}) as Fields;
  const status = statusOf(e);
  if (status === undefined || status >= 500) console.error("request failed:", err);
  if (status === undefined) return json(c, { error: "internal error" }, 500);
  if (e.code === "fork") countFork();
  const body: Record<string, unknown> = { error: String(e.message) };
  c.set("error", body.error);
  if (e.details && typeof e.details === "object") Object.assign(body, e.details);
  const headers = e.headers && typeof e.headers === "object" ? (e.headers as Record<string, string>) : e.overloaded === true ? { "retry-after": "1" } : undefined;
  return json(c, body, status as 400, headers);
}
