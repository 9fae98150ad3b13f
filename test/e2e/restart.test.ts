/**
 * End to end through the real `npm start` (scripts/start.mjs → wrangler dev → workerd, SQLite
 * Durable Objects under STATE_DIR), with @dha-team/arbundles as the independent client:
 * spawn a process, schedule 100 messages, read the schedule back as a binary bundle and check
 * every signature, nonce, hash-chain link and timestamp; then stop the server, start it again on
 * the same state, and check that the identity persisted and the chain continues at slot 101.
 *
 * Nothing from src/ is used: items are made and read by arbundles, hashes by node:crypto.
 */
import { Buffer } from "node:buffer";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bundle, Curve25519, DataItem as ArDataItem, createData } from "@dha-team/arbundles";
import { freePort, HOST, startServer, stopServer, waitPortFree, waitReady, type Server } from "./server.ts";

type NodeBuffer = Parameters<typeof ArDataItem.verify>[0];



const MESSAGES = 100;
const ANS104 = "application/ans104";
const MESSAGE_TAGS = [
  { name: "Data-Protocol", value: "ao" },
  { name: "Variant", value: "ao.N.1" },
  { name: "Type", value: "Message" },
  { name: "Action", value: "Ping" },
];

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
const raw = (id: string): Uint8Array => new Uint8Array(Buffer.from(id, "base64url"));
const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(createHash("sha256").update(all).digest());
};
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** arbundles' Ed25519 (type 2) signer: its Curve25519 key class given a seed and its public key. */
class ArEd25519Signer extends Curve25519 {
  readonly #seed: Uint8Array;
  readonly #pub: NodeBuffer;
  constructor(seed: Uint8Array) {
    super("", "");
    this.#seed = seed;
    const pkcs8 = new Uint8Array([...Buffer.from("302e020100300506032b657004220420", "hex"), ...seed]);
    const { x } = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ format: "jwk" });
    if (!x) throw new Error("node did not export the Ed25519 public key");
    this.#pub = Buffer.from(x, "base64url");
  }
  override get key(): Uint8Array {
    return this.#seed;
  }
  override get publicKey(): NodeBuffer {
    return this.#pub;
  }
}

// ---------------------------------------------------------------------------------------------
// The server: `node scripts/start.mjs`, one child at a time, stopped only by its own PID.

let port = 0;
let stateDir = "";
let server: Server | undefined;

const base = () => `http://${HOST}:${port}`;

// ---------------------------------------------------------------------------------------------
// Client helpers.

interface Json {
  [key: string]: unknown;
}

async function getJson(path: string): Promise<Json> {
  const res = await fetch(`${base()}${path}`);
  expect(res.status, `GET ${path}: ${res.status}`).toBe(200);
  return (await res.json()) as Json;
}

async function post(path: string, item: ArDataItem): Promise<{ status: number; body: Json | string }> {
  const res = await fetch(`${base()}${path}`, { method: "POST", headers: { "content-type": ANS104 }, body: new Uint8Array(item.getRaw()) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as Json };
  } catch {
    return { status: res.status, body: text };
  }
}

async function readSchedule(pid: string, from: number, to: number): Promise<Bundle> {
  const res = await fetch(`${base()}/~scheduler@1.0/schedule?target=${pid}&from=${from}&to=${to}`, { headers: { accept: ANS104 } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(ANS104);
  return new Bundle(Buffer.from(await res.arrayBuffer()));
}

const tag = (item: ArDataItem, name: string): string | undefined => item.tags.find((t) => t.name === name)?.value;

let counter = 0;
/** A unique 32-character anchor: Ed25519 is deterministic, so equal content would mean equal ids. */
const anchor = () => `e2e-${String(++counter).padStart(8, "0")}-${b64u(crypto.getRandomValues(new Uint8Array(15)))}`.slice(0, 32);

async function signed(signer: ArEd25519Signer, data: string, opts: { tags: { name: string; value: string }[]; target?: string }): Promise<ArDataItem> {
  const item = createData(data, signer, { ...opts, anchor: anchor() });
  await item.sign(signer);
  return item;
}

interface AssignmentFacts {
  id: string;
  slot: number;
  chain: string;
  timestamp: number;
}

/** Checks one assignment item read back from the server and returns its scheduling facts. */
async function checkAssignment(item: ArDataItem, pid: string, slot: number, address: string): Promise<AssignmentFacts> {
  expect(await item.isValid(), `assignment ${slot} verifies (arbundles)`).toBe(true);
  expect(item.signatureType).toBe(2);
  expect(tag(item, "Type"), `item for slot ${slot} is an assignment`).toBe("Assignment");
  expect(tag(item, "Nonce")).toBe(String(slot));
  expect(tag(item, "Process")).toBe(pid);
  expect(b64u(sha256(new Uint8Array(item.rawOwner))), `assignment ${slot} is signed by the scheduler`).toBe(address);
  const chain = tag(item, "Hash-Chain");
  const timestamp = Number(tag(item, "Timestamp"));
  expect(chain).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(Number.isSafeInteger(timestamp)).toBe(true);
  return { id: item.id, slot, chain: chain as string, timestamp };
}

// ---------------------------------------------------------------------------------------------

describe("npm start: 100 messages, restart, slot 101", () => {
  const client = new ArEd25519Signer(crypto.getRandomValues(new Uint8Array(32)));
  let address = "";
  let processItem: ArDataItem;
  let pid = "";
  const messages: ArDataItem[] = [];
  const answers: { status: number; body: Json | string }[] = [];

  beforeAll(async () => {
    port = await freePort();
    stateDir = await mkdtemp(join(tmpdir(), "ao-e2e-"));
    server = startServer(port, stateDir);
    await waitReady(server);

    // What the tests read: a process spawned by arbundles and 100 messages, each posted once.
    address = (await getJson("/~scheduler@1.0/status")).address as string;
    processItem = await signed(client, "", {
      tags: [
        { name: "Data-Protocol", value: "ao" },
        { name: "Variant", value: "ao.N.1" },
        { name: "Type", value: "Process" },
        { name: "Module", value: b64u(sha256(utf8("e2e module"))) },
        { name: "Scheduler", value: address },
      ],
    });
    pid = processItem.id;
    answers.push(await post("/~scheduler@1.0/schedule", processItem));
    for (let i = 0; i < MESSAGES; i++) messages.push(await signed(client, `ping ${i}`, { target: pid, tags: MESSAGE_TAGS }));
    for (const m of messages) answers.push(await post(`/${pid}/schedule`, m));
  }, 240_000);

  afterAll(async () => {
    if (server) await stopServer(server, 10_000);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it(`spawns a process signed by arbundles and schedules ${MESSAGES} messages, each on the next slot`, () => {
    expect(address).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answers).toHaveLength(MESSAGES + 1);
    answers.forEach((r, slot) => {
      expect(r.status, `slot ${slot}: ${JSON.stringify(r.body)}`).toBe(200);
      expect((r.body as Json).slot, `slot ${slot}`).toBe(slot);
    });
  });

  it("serves slots 0..100 as a bundle that arbundles reads and verifies, with a valid hash chain", async () => {
    expect(messages).toHaveLength(MESSAGES);
    const bundle = await readSchedule(pid, 0, MESSAGES);
    expect(bundle.length).toBe(2 * (MESSAGES + 1));
    expect(bundle.getIds()).toEqual(bundle.items.map((i) => i.id));

    let previous: AssignmentFacts | undefined;
    for (let slot = 0; slot <= MESSAGES; slot++) {
      const a = await checkAssignment(bundle.items[2 * slot], pid, slot, address);
      const body = bundle.items[2 * slot + 1];
      const posted = slot === 0 ? processItem : messages[slot - 1];
      expect(await body.isValid(), `message of slot ${slot} verifies (arbundles)`).toBe(true);
      expect(body.id, `message of slot ${slot}`).toBe(posted.id);
      expect(hex(new Uint8Array(body.getRaw()))).toBe(hex(new Uint8Array(posted.getRaw())));
      expect(tag(body, "Type")).toBe(slot === 0 ? "Process" : "Message");
      if (slot > 0) expect(tag(bundle.items[2 * slot], "Message")).toBe(posted.id);

      const expected = previous ? b64u(sha256(raw(previous.id), raw(previous.chain))) : b64u(sha256(raw(pid)));
      expect(a.chain, `Hash-Chain of slot ${slot}`).toBe(expected);
      if (previous) expect(a.timestamp, `Timestamp of slot ${slot}`).toBeGreaterThan(previous.timestamp);
      previous = a;
    }
    expect(previous?.slot).toBe(MESSAGES);
  });

  it(
    "STATE_DIR keeps its identity and its chain across a restart (on a fresh port): the next message is slot 101",
    async () => {
      const lastBundle = await readSchedule(pid, MESSAGES, MESSAGES);
      expect(lastBundle.length).toBe(2);
      const last = await checkAssignment(lastBundle.items[0], pid, MESSAGES, address);
      const first = server as Server;
      expect(await stopServer(first, 60_000), `npm start exits on SIGTERM:\n${first.log()}`).toBe(true);
      expect(await waitPortFree(port, 60_000), `port ${port} is free again`).toBe(true);

      port = await freePort();
      server = startServer(port, stateDir);
      await waitReady(server);
      const status = await getJson("/~scheduler@1.0/status");
      expect(status.address, "the generated key persisted").toBe(address);

      const m = await signed(client, "after restart", {
        target: pid,
        tags: MESSAGE_TAGS,
      });
      const r = await post(`/${pid}/schedule`, m);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((r.body as Json).slot).toBe(MESSAGES + 1);

      const bundle = await readSchedule(pid, MESSAGES, MESSAGES + 1);
      expect(bundle.length).toBe(4);
      const prev = await checkAssignment(bundle.items[0], pid, MESSAGES, address);
      expect(prev).toEqual(last); // slot 100 survived unchanged
      const next = await checkAssignment(bundle.items[2], pid, MESSAGES + 1, address);
      expect(tag(bundle.items[2], "Message")).toBe(m.id);
      expect(bundle.items[3].id).toBe(m.id);
      expect(await bundle.items[3].isValid()).toBe(true);
      expect(next.chain, "Hash-Chain of slot 101").toBe(b64u(sha256(raw(prev.id), raw(prev.chain))));
      expect(next.timestamp).toBeGreaterThan(prev.timestamp);
    },
    240_000,
  );
});
