/** Request parameters, validated with errors that name the parameter (400 for anything malformed). */
import type { Context } from "hono";
import { idProblem } from "../../src/crypto/ids.ts";
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

/** A range whose start is after its end is a 400 naming both (bounds as the route reads them). */
export function orderedRange(from: [string, number | undefined], to: [string, number | undefined]): void {
  if (from[1] !== undefined && to[1] !== undefined && from[1] > to[1]) {
    throw new HttpError(400, `${from[0]} (${from[1]}) is after ${to[0]} (${to[1]}): a range needs ${from[0]} <= ${to[0]}`, { [from[0]]: from[1], [to[0]]: to[1] });
  }
}

/** A 43-character id, from a route parameter or the query. */
export function idParam(c: Context, name: string, value: string | undefined = c.req.param(name) ?? c.req.query(name)): string {
  if (value === undefined || value === "") throw new HttpError(400, `${name} is required: a 43-character process id`);
  // A device segment (`~scheduler@1.0`) in a process-path position: no such route. (In a query value it is only a bad id.)
  if (value.startsWith("~") && c.req.param(name) !== undefined) throw new HttpError(404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  const text: string = value;
  const problem = idProblem(text);
  if (problem) throw new HttpError(400, `${name} must be a 43-character base64url id, got ${JSON.stringify(text.slice(0, 60))} (${problem})`);
  return text;
}

/**
 * A process id (route parameter or query) with the scheduler hint HyperBEAM lets follow it:
 * `<pid>?hint=<url>` or `<pid>&hint=<url>` in the value, or a `hint` parameter of its own.
 */
export function processParam(c: Context, name: string, raw: string | undefined = c.req.param(name) ?? c.req.query(name)): { pid: string; hint: string | undefined } {
  let hint = c.req.query("hint") || undefined;
  let value = raw;
  const cut = raw?.search(/[?&]/) ?? -1;
  if (raw !== undefined && cut >= 0) {
    value = raw.slice(0, cut);
    const given = /(?:^|[?&])hint=([^&]*)/.exec(raw.slice(cut))?.[1];
    if (given) hint = safeDecode(given);
  }
  return { pid: idParam(c, name, value), hint };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, `hint is not a well-formed URL: ${JSON.stringify(text.slice(0, 80))}`);
  }
}
