/**
 * `npm run item`: signs a demo ANS-104 process or message with the core, for curl.
 *
 *   npm run item -- process [--scheduler ADDR] [--data TEXT] [--tag Name=Value]... > process.bin
 *   npm run item -- message --target PID [--data TEXT] [--tag Name=Value]...     > message.bin
 *
 * The key is ITEM_KEY (an Ed25519 seed, hex or base64url) or a demo key kept in
 * $STATE_DIR/demo-client.key. Without --scheduler, the running node's address is asked from
 * http://127.0.0.1:$PORT. The item's id goes to stderr, its bytes to stdout.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { signItem } from "../src/ans104/sign.ts";
import type { Tag } from "../src/ans104/tags.ts";
import { fromB64url } from "../src/crypto/base64url.ts";
import { randomBytes, toHex, utf8 } from "../src/crypto/bytes.ts";
import { isId } from "../src/crypto/ids.ts";
import { parseKeyMaterial, signerFor } from "../src/crypto/keys.ts";

const fail = (message: string): never => {
  process.stderr.write(`item: ${message}\n`);
  process.exit(2);
};

const USAGE = `usage:
  npm run item -- process [--scheduler ADDR] [--data TEXT] [--tag Name=Value]... > process.bin
  npm run item -- message --target PID [--data TEXT] [--tag Name=Value]...     > message.bin`;

function parseArgs(argv: string[]) {
  const [kind, ...rest] = argv;
  if (kind === "--help" || kind === "-h") {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (kind !== "process" && kind !== "message") fail(`first argument must be \`process\` or \`message\`\n${USAGE}`);
  const opts: { kind: string; scheduler?: string; target?: string; data?: string; tags: Tag[] } = { kind, tags: [] };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === "--scheduler") opts.scheduler = value;
    else if (flag === "--target") opts.target = value;
    else if (flag === "--data") opts.data = value;
    else if (flag === "--tag") {
      const eq = value.indexOf("=");
      if (eq < 1) fail(`--tag takes Name=Value, got ${value}`);
      opts.tags.push({ name: value.slice(0, eq), value: value.slice(eq + 1) });
    } else fail(`unknown option ${flag}`);
  }
  return opts;
}

function demoKey(): string {
  if (process.env.ITEM_KEY) return process.env.ITEM_KEY;
  const dir = resolve(process.env.STATE_DIR || ".state");
  const file = join(dir, "demo-client.key");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, toHex(randomBytes(32)) + "\n", { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}

async function nodeAddress(): Promise<string> {
  const url = `http://127.0.0.1:${process.env.PORT || 8787}/~scheduler@1.0/info`;
  try {
    return ((await (await fetch(url)).json()) as { address: string }).address;
  } catch {
    return fail(`no --scheduler given and no scheduler answers at ${url} (is \`npm start\` running?)`);
  }
}

const opts = parseArgs(process.argv.slice(2));
const signer = await signerFor(parseKeyMaterial(demoKey()));
const anchor = utf8(toHex(randomBytes(16))); // 32 ASCII characters, like aoconnect's
let tags: Tag[];
let target: Uint8Array | undefined;
if (opts.kind === "process") {
  const scheduler = opts.scheduler ?? (await nodeAddress());
  tags = [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.N.1" },
    { name: "Type", value: "Process" },
    { name: "Module", value: "Do_Uc2Sju_ffp6Ev0AnLVdPtot15rvMjP-a9VVaA5fM" },
    { name: "Scheduler", value: scheduler },
    ...opts.tags,
  ];
} else {
  if (!opts.target || !isId(opts.target)) fail("message needs --target <43-character process id>");
  target = fromB64url(opts.target!);
  tags = [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.N.1" },
    { name: "Type", value: "Message" },
    ...(opts.tags.some((t) => t.name === "Action") ? [] : [{ name: "Action", value: "Eval" }]),
    ...opts.tags,
  ];
}
const item = await signItem(signer, { target, anchor, tags, data: utf8(opts.data ?? (opts.kind === "process" ? "" : "1 + 1")) });
process.stderr.write(`${item.id}\n`);
process.stdout.write(item.raw);
