/** Reads a request body with a hard byte limit, whether or not it declares its length. */
import { concat } from "../../src/crypto/bytes.ts";
import { HttpError } from "./errors.ts";
import { ANS104 } from "./render.ts";

/** A body read that fails: the client went away or stopped mid-body; whoever still listens hears why. */
async function reading<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (err) {
    throw new HttpError(400, `the request body could not be read to its end (${(err as Error)?.message ?? err})`);
  }
}

/** A HyperBEAM POST's body: a signed ANS-104 item, declared as one (content-type or codec-device), or a 415 naming what was sent. */
export function readItemBody(req: Request, limit: number): Promise<Uint8Array> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const codec = (req.headers.get("codec-device") ?? "").toLowerCase();
  if (type !== ANS104 && codec !== "ans104@1.0") {
    throw new HttpError(415, `unsupported content-type ${JSON.stringify(type)}: post a signed ANS-104 item with content-type ${ANS104} (or codec-device ans104@1.0)`);
  }
  return readBody(req, limit);
}

export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    throw new HttpError(413, `body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  }
  if (!req.body) return new Uint8Array(0);
  // A declared length is enforced by the runtime, so the native read is safe and much cheaper.
  if (declared !== null) return new Uint8Array(await reading(req.arrayBuffer()));
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reading(reader.read());
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new HttpError(413, `body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : concat(...chunks);
}

/**
 * After an answer that never read the request's body (a 400 on a bad parameter, a 415), reads
 * and discards that body, up to the limit. An HTTP server that closes a connection with unread
 * bytes makes the kernel reset it, and the reset can destroy the answer before the client (or the
 * local node's front, reusing the connection) reads it.
 */
export async function discardUnreadBody(req: Request, limit: number): Promise<void> {
  if (!req.body || req.bodyUsed || Number(req.headers.get("content-length") ?? 0) > limit) return;
  const reader = req.body.getReader();
  let size = 0;
  try {
    for (let r = await reader.read(); !r.done && (size += r.value.length) <= limit; r = await reader.read());
    await reader.cancel();
  } catch {
    // the client went away: nothing left to protect
  }
}
