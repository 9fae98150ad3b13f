/**
 * `npm run location`: the operator publishes this node's scheduler-location record.
 *
 *   npm run location -- --url <public url> [--ttl <ms>] [--variant ao.TN.1|ao.N.1] [--nonce <n>] [--node <url>]
 *
 * Signs a `Type=Scheduler-Location` request with the node's own key (SCHEDULER_KEY,
 * SCHEDULER_KEY_FILE, or the key `npm start` keeps in $STATE_DIR/node-key.json) and posts it to the
 * running node (default http://127.0.0.1:$PORT), which builds, signs, keeps and uploads its record.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { signItem } from "../src/ans104/sign.ts";
import type { Tag } from "../src/ans104/tags.ts";
import { randomBytes } from "../src/crypto/bytes.ts";
import { parseKeyMaterial, signerFor } from "../src/crypto/keys.ts";
import { NODE_KEY_FILE } from "../local/node-key.ts";

const fail = (message: string): never => {
  process.stderr.write(`location: ${message}\n`);
  process.exit(2);
};

const { values } = parseArgs({
  options: { url: { type: "string" }, ttl: { type: "string" }, variant: { type: "string" }, nonce: { type: "string" }, node: { type: "string" } },
});
if (!values.url) fail("--url <public url> is required: where other schedulers and compute units reach this node");

function nodeKey(): string {
  if (process.env.SCHEDULER_KEY) return process.env.SCHEDULER_KEY;
  const file = process.env.SCHEDULER_KEY_FILE || join(resolve(process.env.STATE_DIR || ".state"), NODE_KEY_FILE);
  if (!existsSync(file)) fail(`no key: set SCHEDULER_KEY or SCHEDULER_KEY_FILE, or start the node once with \`npm start\` (it keeps its key in ${file})`);
  return readFileSync(file, "utf8");
}

const signer = await signerFor(parseKeyMaterial(nodeKey())).catch((err: Error) => fail(`the node key cannot sign: ${err.message}`));
const tags: Tag[] = [
  { name: "Data-Protocol", value: "ao" },
  { name: "Type", value: "Scheduler-Location" },
  { name: "Url", value: values.url! },
];
if (values.ttl) tags.push({ name: "Time-To-Live", value: values.ttl });
if (values.variant) tags.push({ name: "Variant", value: values.variant });
if (values.nonce) tags.push({ name: "Nonce", value: values.nonce });
const request = await signItem(signer, { anchor: randomBytes(32), tags });

const node = (values.node ?? `http://127.0.0.1:${process.env.PORT || 8787}`).replace(/\/+$/, "");
const res = await fetch(`${node}/~scheduler@1.0/location`, { method: "POST", headers: { "content-type": "application/ans104" }, body: request.raw as Uint8Array<ArrayBuffer> }).catch((err: Error) =>
  fail(`cannot reach the node at ${node}: ${err.message}`),
);
const text = await res.text();
if (!res.ok) fail(`${node} answered ${res.status}: ${text}`);
process.stdout.write(text + "\n");
