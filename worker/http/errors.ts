/**
 * The one place errors become HTTP (D9, docs/architecture.md): `{"error": "..."}` with a precise
 * status. Errors are recognised by their fields, not by class, so they survive bundling and RPC.
 */
import type { Context } from "hono";
import { countFork } from "./metrics.ts";

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

/** Statuses for the core's error codes (ScheduleError, Ans104Error, GatewayError, KeyError). */
const STATUS_BY_CODE: Record<string, number> = {
  "invalid-item": 400,
  "invalid-process": 400,
  "invalid-message": 400,
  "bad-request": 400,
  "wrong-scheduler": 421,
  "unknown-process": 404,
  "not-found": 404,
  unavailable: 503,
  "too-large": 413,
  "bad-gateway": 502,
  "gateway-timeout": 504,
  "bad-key": 503, // the node's configured key cannot be used: an outage until it is fixed
  "bad-format": 400,
  "bad-location": 400,
  "stale-nonce": 400,
  "no-scheduler": 421, // the process is not this node's, and its scheduler cannot be found
  "remote-failed": 502,
  "remote-timeout": 504,
  "verification-failed": 502,
  fork: 502,
};

type Fields = { status?: unknown; code?: unknown; message?: unknown; details?: unknown; field?: unknown; headers?: unknown };

/** Status for an error with a known shape, or undefined for anything else (a bug: 500). */
function statusOf(err: Fields): number | undefined {
  if (typeof err.status === "number" && ((err.status >= 400 && err.status < 600) || err.status === 307)) return err.status;
  if (typeof err.code !== "string") return undefined;
  // Another scheduler refused the request: its status (a 4xx) is passed on.
  const passed = (err.details as { status?: unknown } | undefined)?.status;
  if (err.code === "remote-rejected" && typeof passed === "number" && passed >= 400 && passed < 500) return passed;
  if (err.code in STATUS_BY_CODE) return STATUS_BY_CODE[err.code];
  if (typeof err.field === "string") return 400; // Ans104Error: malformed input
  return undefined;
}

export function errorResponse(err: unknown, c: Context): Response {
  const e = (err ?? {}) as Fields;
  const status = statusOf(e);
  if (status === undefined || status >= 500) console.error("request failed:", err);
  if (status === undefined) return c.json({ error: "internal error" }, 500);
  if (e.code === "fork") countFork();
  const body: Record<string, unknown> = { error: String(e.message) };
  if (e.details && typeof e.details === "object") Object.assign(body, e.details);
  const headers = e.headers && typeof e.headers === "object" ? (e.headers as Record<string, string>) : undefined;
  return c.json(body, status as 400, headers);
}
