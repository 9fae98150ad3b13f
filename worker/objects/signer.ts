/**
 * The scheduler's identity for this isolate (D1, docs/architecture.md): SCHEDULER_KEY when set,
 * otherwise the Ed25519 key the node object generated on first start and keeps in its storage.
 */
import { parseKeyMaterial, signerFor, type KeyMaterial } from "../../src/crypto/keys.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import type { Env } from "../env.ts";

let cached: { source: string | undefined; signer: Promise<Signer> } | undefined;

export function schedulerSigner(env: Env): Promise<Signer> {
  const source = env.SCHEDULER_KEY?.trim() || undefined;
  if (!cached || cached.source !== source) {
    const signer = loadMaterial(env, source)
      .then(signerFor)
      .catch((err: unknown) => named(err, source));
    signer.catch(() => (cached = undefined)); // retry on the next request rather than fail forever
    cached = { source, signer };
  }
  return cached.signer;
}

async function loadMaterial(env: Env, source: string | undefined): Promise<KeyMaterial> {
  if (source) return parseKeyMaterial(source);
  return env.NODE.getByName("node").keyMaterial();
}

/** A configured key that cannot be used: every write and /health say so, naming the setting (503 until it is fixed). */
function named(err: unknown, source: string | undefined): never {
  const e = err as { code?: string; message?: string };
  if (source && e?.code === "bad-key") {
    throw Object.assign(new Error(`SCHEDULER_KEY is set but cannot be used: ${String(e.message).replace(/^scheduler key: /, "")}`), { code: "bad-key" });
  }
  throw err;
}
