/**
 * Builds schedule.json: a HyperBEAM `scheduler@1.0` schedule as its `accept: application/aos-2`
 * answer renders it, written by hand from the description of that rendering (the team's
 * hyperbeam-scheduler.md §6.1, with the assignment fields of §2.1 and the hash chain of §2.2).
 * No HyperBEAM node or captured answer was available; see README.md for what is real and what
 * is made up. Run once, from the checkout:
 *
 *   node -e 'import("./scripts/run-ts.mjs").then((m) => m.runTs("test/vectors/hyperbeam-aos2/generate.ts"))'
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { signItem } from "../../../src/ans104/sign.ts";
import type { DataItem } from "../../../src/ans104/data-item.ts";
import { b64url, fromB64url } from "../../../src/crypto/base64url.ts";
import { utf8 } from "../../../src/crypto/bytes.ts";
import { addressOf, idOfSignature } from "../../../src/crypto/ids.ts";
import { rsaSigner, type RsaJwk } from "../../../src/crypto/signers.ts";
import { hyperbeamChainAfterRestart, hyperbeamChainNext } from "../../../src/schedule/hash-chain.ts";

const SLOTS = 12;
/** The scheduler restarts before this slot: its chain link hashes the previous chain's text (§2.2). */
const RESTART_AT = 6;
/** These slots carry httpsig-signed messages: aos-2 renders their Signature as "" (§6.1). */
const HTTPSIG_MESSAGES = new Set([9, 10]);
const ZERO_HASH = "A".repeat(43); // debug mode's block hash (§2.1)

const rsa = async (): Promise<{ signer: Awaited<ReturnType<typeof rsaSigner>>; address: string }> => {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 4096, publicExponent: 65537 }).privateKey.export({ format: "jwk" }) as RsaJwk;
  const signer = await rsaSigner(jwk);
  return { signer, address: signer.address };
};

/** A struct as `dev_json_iface:message_to_json_struct` renders an ANS-104 message (§6.1). */
function messageStruct(item: DataItem) {
  const owner = addressOf(item.owner);
  return {
    Id: item.id,
    Anchor: item.anchor ? new TextDecoder().decode(item.anchor) : "",
    Owner: owner,
    From: item.tags.find((t) => t.name === "From-Process")?.value ?? owner,
    Tags: item.tags.map((t) => ({ name: t.name, value: t.value })),
    Target: item.target ? b64url(item.target) : "",
    Data: new TextDecoder().decode(item.data),
    Signature: b64url(item.signature), // 512 bytes (RSA): base64url
  };
}

/** An httpsig-signed message: its id is the hash of a signature the rendering does not carry. */
function httpsigMessageStruct(owner: string, pid: string, slot: number) {
  return {
    Id: idOfSignature(randomBytes(512)),
    Anchor: "",
    Owner: owner,
    From: owner,
    Tags: [
      { name: "Action", value: "Tick" },
      { name: "Ao-Types", value: 'slot="integer"' },
      { name: "Data-Protocol", value: "ao" },
      { name: "Target", value: pid },
      { name: "Type", value: "Message" },
      { name: "Variant", value: "ao.N.1" },
    ],
    Target: pid,
    Data: `tick ${slot}`,
    Signature: "",
  };
}

const scheduler = await rsa();
const client = await rsa();
const processItem = await signItem(client.signer, {
  anchor: utf8("hyperbeam-aos2-fixture-process-0"),
  tags: [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.N.1" },
    { name: "Type", value: "Process" },
    { name: "Device", value: "process@1.0" },
    { name: "Scheduler-Device", value: "scheduler@1.0" },
    { name: "Scheduler", value: scheduler.address },
    { name: "Execution-Device", value: "genesis-wasm@1.0" },
    { name: "Module", value: "ISShJH1ij-hPPt9St5UFFr_8Ys3Kj5cyg7zrMGt7H9s" },
  ],
  data: utf8("-- a process of the aos-2 fixture"),
});
const pid = processItem.id;

const edges = [];
let chain: string | undefined;
const started = 1_733_300_000_000;
for (let slot = 0; slot < SLOTS; slot++) {
  let message;
  if (slot === 0) message = messageStruct(processItem);
  else if (HTTPSIG_MESSAGES.has(slot)) message = httpsigMessageStruct(client.address, pid, slot);
  else {
    const item = await signItem(client.signer, {
      target: fromB64url(pid),
      anchor: utf8(String(slot).padStart(32, "0")),
      tags: [
        { name: "Data-Protocol", value: "ao" },
        { name: "Variant", value: "ao.N.1" },
        { name: "Type", value: "Message" },
        { name: "Action", value: "Eval" },
      ],
      data: utf8(`Send({ Target = ao.id, Data = "${slot}" })`),
    });
    message = messageStruct(item);
  }
  chain = slot === RESTART_AT ? hyperbeamChainAfterRestart(chain!, message.Id) : hyperbeamChainNext(chain, message.Id);
  const timestamp = started + slot * 1234;
  // Every key but id, anchor, owner, data, target, signature and commitments, Header-Cased, sorted by key (§6.1).
  const tags = {
    "ao-types": 'block-height="integer", block-timestamp="integer", slot="integer", timestamp="integer"',
    "block-hash": ZERO_HASH,
    "block-height": "0",
    "block-timestamp": "0",
    "data-protocol": "ao",
    epoch: "0",
    "hash-chain": chain,
    path: "compute",
    process: pid,
    slot: String(slot),
    timestamp: String(timestamp),
    variant: "ao.N.1",
  };
  const headerCase = (key: string) => key.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  const assignment = {
    Id: idOfSignature(randomBytes(512)), // the id of its httpsig commitment: the hash of a signature the rendering does not carry
    Anchor: "",
    Owner: scheduler.address,
    From: scheduler.address,
    Tags: Object.entries(tags).map(([name, value]) => ({ name: headerCase(name), value })),
    Target: "",
    Data: "",
    Signature: "",
  };
  edges.push({ cursor: slot, node: { message, assignment } });
}

const page = { page_info: { process: pid, has_next_page: false, timestamp: String(started + SLOTS * 1234), "block-height": "0", "block-hash": ZERO_HASH }, edges };
writeFileSync(join("test", "vectors", "hyperbeam-aos2", "schedule.json"), JSON.stringify(page, null, 2) + "\n");
console.log(`schedule.json: process ${pid}, ${SLOTS} slots, scheduler ${scheduler.address}`);
