/**
 * `npm run location`: the operator publishes this node's scheduler-location record.
 *
 *   npm run location -- --url <public url> [--ttl <ms>] [--variant ao.TN.1|ao.N.1] [--nonce <n>] [--node <url>]
 *
 * Signs a `Type=Scheduler-Location` request with the node's own key (SCHEDULER_KEY,
 * SCHEDULER_KEY_FILE, or the key `npm start` keeps in its STATE_DIR: the STATE_DIR given, else the
 * one the node on that port was started with from this checkout, else ./.state) and posts it to
 * the running node (default http://127.0.0.1:$PORT), which builds, signs, keeps and uploads its
 * record. A key that is not the node's is refused here, naming both addresses: the node would
 * otherwise keep the request as somebody else's record.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { signItem } from "../src/ans104/sign.ts";
import type { Tag } from "../src/ans104/tags.ts";
import { randomBytes } from "../src/crypto/bytes.ts";
import { parseKeyMaterial, signerFor } from "../src/crypto/keys.ts";
import { NODE_KEY_FILE } from "../local/node-key.ts";
import { noteOf } from "../local/state-lock.ts";

const fail = (message: string): never => {
  process.stderr.write(`location: ${message}\n`);
  process.exit(2);
};

const USAGE = "usage: npm run location -- --url <public url> [--ttl MS] [--variant ao.N.1|ao.TN.1] [--nonce N] [--node URL]";
let values: { url?: string; ttl?: string; variant?: string; nonce?: string; node?: string; help?: boolean } = {};
try {
  ({ values } = parseArgs({
    options: { url: { type: "string" }, ttl: { type: "string" }, variant: { type: "string" }, nonce: { type: "string" }, node: { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (err) {
  // A value such as `--ttl -5` reads as an option to parseArgs: its own message says which.
  fail(`${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.url) fail("--url <public url> is required: where other schedulers and compute units reach this node");

const node = (values.node ?? `http://127.0.0.1:${process.env.PORT || 8787}`).replace(/\/+$/, "");

/** The port of a node on this machine, if `node` names one. */
function localPort(): number | undefined {
  let url: URL;
  try {
    url = new URL(node);
  } catch {
    return fail(`--node must be the node's URL, e.g. http://127.0.0.1:8787; got ${JSON.stringify(node)}`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return undefined;
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

/** The node's key, and where it came from. */
function nodeKey(): { text: string; from: string } {
  if (process.env.SCHEDULER_KEY) return { text: process.env.SCHEDULER_KEY, from: "SCHEDULER_KEY" };
  const keyFile = process.env.SCHEDULER_KEY_FILE;
  if (keyFile) return { text: existsSync(keyFile) ? readFileSync(keyFile, "utf8") : fail(`SCHEDULER_KEY_FILE ${keyFile} does not exist`), from: keyFile };
  const port = localPort();
  const noted = port === undefined ? undefined : noteOf(process.cwd(), port);
  const stateDir = resolve(process.env.STATE_DIR || noted || ".state");
  const file = join(stateDir, NODE_KEY_FILE);
  if (!existsSync(file)) {
    fail(
      `no key in ${file}. Run this with the STATE_DIR the node at ${node} was started with (STATE_DIR=<folder> npm run location -- …), ` +
        "or set SCHEDULER_KEY or SCHEDULER_KEY_FILE to its key.",
    );
  }
  return { text: readFileSync(file, "utf8"), from: file };
}

const key = nodeKey();
const signer = await signerFor(parseKeyMaterial(key.text)).catch((err: Error) => fail(`the node key cannot sign: ${err.message}`));

const info = await fetch(`${node}/~scheduler@1.0/info`)
  .then((r) => r.json() as Promise<{ address?: string }>)
  .catch((err: Error) => fail(`cannot reach the node at ${node}: ${err.message}`));
if (info.address !== signer.address) {
  fail(
    `the key from ${key.from} is scheduler ${signer.address}, but the node at ${node} is ${info.address}. ` +
      "Run this with the STATE_DIR (or SCHEDULER_KEY) that node was started with.",
  );
}
const tags: Tag[] = [
  { name: "Data-Protocol", value: "ao" },
  { name: "Type", value: "Scheduler-Location" },
  { name: "Url", value: values.url! },
];
if (values.ttl) tags.push({ name: "Time-To-Live", value: values.ttl });
if (values.variant) tags.push({ name: "Variant", value: values.variant });
if (values.nonce) tags.push({ name: "Nonce", value: values.nonce });
const request = await signItem(signer, { anchor: randomBytes(32), tags });

const res = await fetch(`${node}/~scheduler@1.0/location`, { method: "POST", headers: { "content-type": "application/ans104" }, body: request.raw as Uint8Array<ArrayBuffer> }).catch((err: Error) =>
  fail(`cannot reach the node at ${node}: ${err.message}`),
);
const text = await res.text();
if (!res.ok) fail(`${node} answered ${res.status}: ${text}`);
process.stdout.write(text.endsWith("\n") ? text : text + "\n");
