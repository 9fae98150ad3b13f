/** Request parameters, validated with errors that name the parameter (400 for anything malformed). */
import type { Context } from "hono";
import { isId } from "../src/crypto/ids.ts";
import { HttpError } from "./errors.ts";

/** An integer parameter from `min` to `max`; `fallback` when absent or empty. */
export function intParam<T extends number | undefined>(c: Context, name: string, fallback: T, max = Number.MAX_SAFE_INTEGER, min = 0): number | T {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) > max || Number(raw) < min) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number(raw);
}

/** A 43-character id, from a route parameter or the query. */
export function idParam(c: Context, name: string, value: string | undefined = c.req.param(name) ?? c.req.query(name)): string {
  if (value === undefined || value === "") throw new HttpError(400, `${name} is required: a 43-character process id`);
  // A device segment (`~scheduler@1.0`) in a process-path position: no such route.
  if (value.startsWith("~")) throw new HttpError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  const text: string = value;
  if (!isId(text)) throw new HttpError(400, `${name} must be a 43-character base64url id, got ${JSON.stringify(text.slice(0, 60))}`);
  return text;
}
