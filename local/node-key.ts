/**
 * The node's generated identity lives in its NodeObject (in STATE_DIR, as every Durable Object
 * does). Tools that act as the operator (`npm run location`) sign with it, so start-up also keeps
 * a copy beside it as an Ed25519 JWK, readable by its owner only: the same secret, in the same
 * folder, in a form SCHEDULER_KEY_FILE accepts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { b64url } from "../src/crypto/base64url.ts";
import { ed25519Signer } from "../src/crypto/signers.ts";
import type { Runtime } from "./runtime.ts";

export const NODE_KEY_FILE = "node-key.json";

export async function exportNodeKey(runtime: Runtime, stateDir: string): Promise<void> {
  const node = await runtime.object("NODE", "node");
  const material = (await node.keyMaterial()) as { kind: string; seed: Uint8Array };
  if (material.kind !== "ed25519") return;
  const signer = await ed25519Signer(new Uint8Array(material.seed));
  const jwk = JSON.stringify({ kty: "OKP", crv: "Ed25519", d: b64url(new Uint8Array(material.seed)), x: b64url(signer.owner) });
  const file = join(stateDir, NODE_KEY_FILE);
  if (existsSync(file) && readFileSync(file, "utf8").trim() === jwk) return;
  writeFileSync(file, jwk + "\n", { mode: 0o600 });
}
