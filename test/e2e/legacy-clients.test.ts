/**
 * End to end through the real `npm start` (scripts/start.mjs → wrangler dev → workerd) on the
 * legacy Scheduler Unit surface (ao.TN.1), driven by AO's own client: @permaweb/aoconnect in legacy
 * mode with MU_URL pointed at our server, exactly as the messenger unit would be. A small real HTTP
 * mock of an Arweave gateway answers /info (block height), GraphQL (item existence for our assign
 * checks, and the Module metadata aoconnect's spawn loads) and /tx/{id}/status (L1 confirmations).
 *
 * Covers: spawn and 5 messages through aoconnect; every legacy read of them; the RSA-PSS salt that
 * aoconnect's createDataItemSigner uses (and that a salt-32 item is accepted too); assign through
 * the gateway (GraphQL existence, base-layer confirmations against Settlement-Depth, Exclude tags);
 * and the Block-Height the server learns from the gateway.
 *
 * Signatures are checked with node:crypto over an ANS-104 deep hash computed here, not by src/.
 */
import { Buffer } from "node:buffer";
import { constants, createHash, generateKeyPairSync, createPrivateKey, randomBytes, sign as cryptoSign } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, createDataItemSigner } from "@permaweb/aoconnect";
import { parseRawItem, rsaSaltsThatVerify } from "./independent-ans104.ts";
import { freePort, HOST, startServer, stopServer, waitReady, type Server } from "./server.ts";

const HEIGHT = 1_500_123;
const PADDED_HEIGHT = "000001500123";
const MESSAGES = 5;
const ID_RE = /^[A-Za-z0-9_-]{43}$/;

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
const randomId = (): string => b64u(randomBytes(32));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

interface Json {
  [key: string]: unknown;
}
interface Tag {
  name: string;
  value: string;
}
interface LegacyItem {
  id: string;
  owner: { address: string; key: string };
  tags: Tag[];
  signature: string;
  anchor: string | null;
  target: string | null;
  data?: string | null;
}
interface LegacyNode {
  message: LegacyItem | null;
  assignment: LegacyItem;
}
interface LegacyPage {
  page_info: { has_next_page: boolean };
  edges: { node: LegacyNode; cursor: string }[];
}

const tagOf = (tags: readonly Tag[], name: string): string | undefined => tags.find((t) => t.name === name)?.value;
const tagsOf = (tags: readonly Tag[], name: string): string[] => tags.filter((t) => t.name === name).map((t) => t.value);

/** The PSS salt lengths, of those tried, under which the item's signature verifies (checked with node:crypto, independently of src/). */
const saltsThatVerify = (raw: Uint8Array, salts: readonly number[]): number[] => rsaSaltsThatVerify(parseRawItem(raw), salts);

// ---------------------------------------------------------------------------------------------
// The mock Arweave gateway.

const MODULE_TAGS: Tag[] = [
  { name: "Data-Protocol", value: "ao" },
  { name: "Type", value: "Module" },
  { name: "Module-Format", value: "wasm64-unknown-emscripten-draft_2024_02_15" },
  { name: "Input-Encoding", value: "JSON-1" },
  { name: "Output-Encoding", value: "JSON-1" },
];

interface GraphqlHit {
  /** Which variable carried the ids: `ids` (our server) or `transactionIds` (aoconnect). */
  via: string;
  ids: string[];
}

class MockGateway {
  readonly known = new Set<string>();
  readonly modules = new Map<string, Tag[]>();
  readonly confirmations = new Map<string, number>();
  /** Ids whose /tx status is Arweave's 202 "Pending". */
  readonly pending = new Set<string>();
  /** How GraphQL misbehaves, when set: an error status, or an HTML page with 200. */
  graphqlFailure: "502" | "html" | "silent" | undefined;
  /** Requests held unanswered (graphqlFailure "silent"), released on close. */
  readonly #held: ServerResponse[] = [];
  infoHits = 0;
  readonly graphql: GraphqlHit[] = [];
  readonly statusHits: string[] = [];
  readonly unexpected: string[] = [];
  #server: HttpServer | undefined;
  port = 0;

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createHttpServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => this.#send(res, 500, { error: String(err) }));
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, HOST, () => resolve());
    });
    const a = server.address();
    if (typeof a !== "object" || !a) throw new Error("mock gateway has no port");
    this.port = a.port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    for (const res of this.#held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");

    if (req.method === "GET" && url.pathname === "/info") {
      this.infoHits++;
      return this.#send(res, 200, { network: "arweave.N.1", height: HEIGHT, current: "mock-block", blocks: HEIGHT + 1 });
    }
    const status = /^\/tx\/([A-Za-z0-9_-]{43})\/status$/.exec(url.pathname);
    if (req.method === "GET" && status) {
      const id = status[1] as string;
      this.statusHits.push(id);
      if (this.pending.has(id)) {
        res.writeHead(202, { "content-type": "text/plain" });
        res.end("Pending");
        return;
      }
      const n = this.confirmations.get(id);
      if (n === undefined) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("Not Found");
        return;
      }
      return this.#send(res, 200, { block_height: HEIGHT - n + 1, block_indep_hash: "mock-block", number_of_confirmations: n });
    }
    if (req.method === "POST" && url.pathname === "/graphql" && this.graphqlFailure) {
      this.graphql.push({ via: "failure", ids: [] });
      if (this.graphqlFailure === "silent") return void this.#held.push(res);
      if (this.graphqlFailure === "502") return this.#send(res, 502, { error: "upstream down" });
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>maintenance</body></html>");
      return;
    }
    if (req.method === "POST" && url.pathname === "/graphql") {
      const q = JSON.parse(body) as { query?: string; variables?: Record<string, unknown> };
      const vars = q.variables ?? {};
      const via = Array.isArray(vars.ids) ? "ids" : Array.isArray(vars.transactionIds) ? "transactionIds" : "";
      if (!via || !/transactions\s*\(\s*ids\s*:/.test(q.query ?? "")) {
        this.unexpected.push(`graphql ${body.slice(0, 300)}`);
        return this.#send(res, 400, { errors: [{ message: "mock gateway: unsupported query" }] });
      }
      const ids = (vars[via] as unknown[]).map(String);
      this.graphql.push({ via, ids });
      const edges = ids.flatMap((id) => {
        const tags = this.modules.get(id);
        if (tags) {
          return [{ node: { id, owner: { address: randomId() }, tags, block: { id: "mock-block", height: HEIGHT - 100, timestamp: 1_700_000_000 } } }];
        }
        return this.known.has(id) ? [{ node: { id } }] : [];
      });
      return this.#send(res, 200, { data: { transactions: { pageInfo: { hasNextPage: false }, edges } } });
    }
    this.unexpected.push(`${req.method} ${url.pathname}`);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("Not Found");
  }
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------

interface LegacyConnectArgs {
  MODE: "legacy";
  MU_URL: string;
  CU_URL: string;
  GATEWAY_URL: string;
  GRAPHQL_URL: string;
  /** Accepted by aoconnect's legacy mode at runtime (legacyMode destructures them), though not in its .d.ts. */
  fetch: typeof fetch;
  noLog: boolean;
}
const connectLegacy = (args: LegacyConnectArgs) => connect(args);

describe("legacy clients: aoconnect (legacy mode, MU_URL = our server) and assign through a gateway", () => {
  const gateway = new MockGateway();
  let server: Server | undefined;
  let stateDir = "";
  let base = "";

  const jwk = generateKeyPairSync("rsa", { modulusLength: 4096, publicExponent: 65537 }).privateKey.export({ format: "jwk" });
  const walletAddress = b64u(createHash("sha256").update(Buffer.from(jwk.n as string, "base64url")).digest());
  const moduleId = randomId();

  /** Every POST aoconnect made to MU_URL (our server): the bytes it sent and what it got back. */
  const posts: { raw: Uint8Array; status: number; body: Json | string }[] = [];
  let ao: ReturnType<typeof connectLegacy>;

  let address = "";
  let pid = "";
  const messageIds: string[] = [];
  const sent: string[] = [];
  /** The Timestamp of the last message the setup sent: pages up to it do not change as later tests add slots. */
  let lastOfSetup = 0;

  async function get(path: string): Promise<{ status: number; body: Json | string }> {
    const res = await fetch(`${base}${path}`);
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as Json };
    } catch {
      return { status: res.status, body: text };
    }
  }
  async function getOk<T = Json>(path: string): Promise<T> {
    const r = await get(path);
    expect(r.status, `GET ${path}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body as T;
  }
  /** POST / with no body, as the MU posts an assign. */
  async function postRoot(query: string): Promise<{ status: number; body: Json | string }> {
    const res = await fetch(`${base}/${query}`, { method: "POST", headers: { accept: "application/json" } });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as Json };
    } catch {
      return { status: res.status, body: text };
    }
  }
  const postOf = (id: string) => posts.find((p) => b64u(createHash("sha256").update(parseRawItem(p.raw).signature).digest()) === id);
  const latestNonce = async (): Promise<number> => Number(tagOf((await getOk<LegacyNode>(`/${pid}/latest`)).assignment.tags, "Nonce"));

  beforeAll(async () => {
    await gateway.start();
    gateway.modules.set(moduleId, MODULE_TAGS);
    const port = await freePort();
    base = `http://${HOST}:${port}`;
    stateDir = await mkdtemp(join(tmpdir(), "ao-e2e-legacy-"));
    // No SCHEDULER_KEY: a generated key, persisted under STATE_DIR.
    server = startServer(port, stateDir, { GATEWAY_URL: gateway.url, SCHEDULER_KEY: undefined, SCHEDULER_KEY_FILE: undefined });
    await waitReady(server);

    const recordingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (init?.method === "POST" && url.replace(/\/+$/, "") === base && init.body instanceof Uint8Array) {
        const text = await res.clone().text();
        let body: Json | string = text;
        try {
          body = JSON.parse(text) as Json;
        } catch {
          // keep the text
        }
        posts.push({ raw: new Uint8Array(init.body), status: res.status, body });
      }
      return res;
    };
    ao = connectLegacy({ MODE: "legacy", MU_URL: base, CU_URL: "http://127.0.0.1:9", GATEWAY_URL: gateway.url, GRAPHQL_URL: `${gateway.url}/graphql`, fetch: recordingFetch, noLog: true });

    // What the tests below read: the node's address, a process spawned through aoconnect and its messages.
    address = ((await getOk("/")).address as string) ?? "";
    pid = await ao.spawn({
      module: moduleId,
      scheduler: address,
      signer: createDataItemSigner(jwk),
      tags: [
        { name: "Name", value: "legacy-clients e2e" },
        { name: "Authority", value: address },
      ],
    });
    for (let i = 0; i < MESSAGES; i++) {
      const data = `ping ${i} ${randomId()}`;
      messageIds.push((await ao.message({ process: pid, signer: createDataItemSigner(jwk), tags: [{ name: "Action", value: "Ping" }], data })) as string);
      sent.push(data);
    }
    lastOfSetup = Number(tagOf((await getOk<LegacyNode>(`/${messageIds[MESSAGES - 1]}?process-id=${pid}`)).assignment.tags, "Timestamp"));
  }, 180_000);

  afterAll(async () => {
    if (server) await stopServer(server, 10_000);
    await gateway.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("GET / answers the legacy root: a string timestamp and the scheduler's address", async () => {
    const before = Date.now();
    const root = await getOk("/");
    expect(typeof root.timestamp).toBe("string");
    expect(root.timestamp).toMatch(/^\d{13}$/);
    expect(Math.abs(Number(root.timestamp) - before)).toBeLessThan(60_000);
    expect(root.address).toMatch(ID_RE);
    expect(root.address).toBe(address);
    const info = await getOk("/~scheduler@1.0/info");
    expect(info.address, "the legacy and HyperBEAM surfaces name the same identity").toBe(address);
  });

  it("aoconnect spawn: loads the Module from the gateway and posts the process to our POST /", () => {
    expect(pid).toMatch(ID_RE);
    expect(gateway.graphql, "aoconnect asked the gateway for the Module's tags").toContainEqual({ via: "transactionIds", ids: [moduleId] });
    const post = postOf(pid);
    expect(post, "aoconnect posted the process to MU_URL").toBeDefined();
    expect(post?.status, JSON.stringify(post?.body)).toBe(200);
    expect((post?.body as Json).id).toBe(pid);
    expect(typeof (post?.body as Json).timestamp).toBe("number");
  });

  it(`aoconnect message: ${MESSAGES} Ping messages, each accepted with {id, timestamp: number}`, () => {
    expect(messageIds).toHaveLength(MESSAGES);
    expect(new Set(messageIds).size).toBe(MESSAGES);
    let previous = 0;
    for (const id of messageIds) {
      expect(id).toMatch(ID_RE);
      const post = postOf(id);
      expect(post?.status, JSON.stringify(post?.body)).toBe(200);
      const body = post?.body as Json;
      expect(body.id).toBe(id);
      expect(typeof body.timestamp).toBe("number");
      expect(body.timestamp as number).toBeGreaterThanOrEqual(previous);
      previous = body.timestamp as number;
    }
  });

  it("GET /{pid}?process-id={pid}: the process as edge 0, then the messages, Nonce 0..5", async () => {
    expect(messageIds.length).toBe(MESSAGES);
    const page = await getOk<LegacyPage>(`/${pid}?process-id=${pid}&to=${lastOfSetup}`);
    expect(page.page_info.has_next_page).toBe(false);
    expect(page.edges.length).toBe(MESSAGES + 1);
    expect(page.edges.map((e) => e.node.message?.id)).toEqual([pid, ...messageIds]);
    expect(page.edges.map((e) => tagOf(e.node.assignment.tags, "Nonce"))).toEqual(["0", "1", "2", "3", "4", "5"]);
    for (const [i, e] of page.edges.entries()) {
      expect(tagOf(e.node.assignment.tags, "Process"), `edge ${i}`).toBe(pid);
      expect(e.node.assignment.owner.address, `edge ${i} assigned by the scheduler`).toBe(address);
      expect(e.cursor, `edge ${i} cursor is the Timestamp`).toBe(tagOf(e.node.assignment.tags, "Timestamp"));
      const m = e.node.message as LegacyItem;
      expect(m.owner.address, `edge ${i} signed by our wallet`).toBe(walletAddress);
      expect(tagOf(m.tags, "Data-Protocol")).toBe("ao");
      expect(tagOf(m.tags, "SDK")).toBe("aoconnect");
      if (i === 0) {
        expect(tagOf(m.tags, "Type")).toBe("Process");
        expect(tagOf(m.tags, "Module")).toBe(moduleId);
        expect(tagOf(m.tags, "Scheduler")).toBe(address);
        expect(tagOf(e.node.assignment.tags, "Message")).toBeUndefined();
      } else {
        expect(tagOf(m.tags, "Type")).toBe("Message");
        expect(tagOf(m.tags, "Variant")).toBe("ao.TN.1");
        expect(tagOf(m.tags, "Action")).toBe("Ping");
        expect(m.target).toBe(pid);
        expect(m.data).toBe(sent[i - 1]);
        expect(tagOf(e.node.assignment.tags, "Message")).toBe(messageIds[i - 1]);
      }
    }
  });

  it("GET /{msgId}?process-id={pid} returns that message's node; /{pid}/latest is the last slot; /processes/{pid} has Type=Process", async () => {
    for (const [i, id] of messageIds.entries()) {
      const node = await getOk<LegacyNode>(`/${id}?process-id=${pid}`);
      expect(node.message?.id).toBe(id);
      expect(tagOf(node.assignment.tags, "Nonce"), `message ${id}`).toBe(String(i + 1));
      expect(tagOf(node.assignment.tags, "Message")).toBe(id);
    }
    const latest = await getOk<LegacyNode>(`/${pid}/latest`);
    const current = Number(await (await fetch(`${base}/${pid}/slot/current`)).text());
    expect(tagOf(latest.assignment.tags, "Nonce")).toBe(String(current));

    const meta = await getOk(`/processes/${pid}`);
    expect(meta.process_id).toBe(pid);
    expect(meta.tags as Tag[]).toContainEqual({ name: "Type", value: "Process" });
    expect(meta.tags as Tag[]).toContainEqual({ name: "Module", value: moduleId });
    expect(meta.tags as Tag[]).toContainEqual({ name: "Scheduler", value: address });
    expect((meta.owner as Json).address).toBe(walletAddress);
    expect(typeof meta.timestamp).toBe("number");
    expect(meta.block, "the first write waits for the gateway's height, so the process does not start at 0").toBe(PADDED_HEIGHT);
  });

  it("RSA-PSS salt: aoconnect's createDataItemSigner items verify over the deep hash, and a salt-32 item is accepted too", async () => {
    expect(messageIds.length).toBe(MESSAGES);
    const salts = [32, 478] as const;
    const post = postOf(messageIds[0] as string);
    expect(post?.status).toBe(200);
    const raw = post?.raw as Uint8Array;
    const verifying = saltsThatVerify(raw, salts);
    // The signature must verify under exactly one of the two salts; which one is aoconnect's choice.
    expect(verifying.length, `salts that verify: ${JSON.stringify(verifying)}`).toBe(1);
    console.log(`[e2e] aoconnect createDataItemSigner signs RSA-PSS with salt ${verifying[0]}; our server accepted it (200)`);
    // Same for every message and the process: one consistent salt.
    for (const id of [pid, ...messageIds]) expect(saltsThatVerify(postOf(id)?.raw as Uint8Array, salts), id).toEqual(verifying);

    // A signer that uses salt 32 (as WebCrypto signers do; see the su-message.bin vector), through aoconnect.
    const key = createPrivateKey({ key: jwk, format: "jwk" });
    const owner = Buffer.from(jwk.n as string, "base64url");
    type Create = (o: { type: number; publicKey: Uint8Array; alg: string }) => Promise<Uint8Array>;
    // aoconnect's signer contract: call create() with the key, sign the deep hash it returns.
    const salt32Signer = async (...args: unknown[]) => {
      const create = args[0] as Create;
      const message = await create({ type: 1, publicKey: owner, alg: "rsa-v1_5-sha256" });
      const signature = cryptoSign("sha256", message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      return { signature, address: walletAddress };
    };
    const before = await latestNonce();
    const id = await ao.message({ process: pid, signer: salt32Signer, tags: [{ name: "Action", value: "Ping" }], data: "salt 32" });
    const salt32 = postOf(id as string);
    expect(salt32?.status, JSON.stringify(salt32?.body)).toBe(200);
    expect(saltsThatVerify(salt32?.raw as Uint8Array, salts)).toEqual([32]);
    const node = await getOk<LegacyNode>(`/${id as string}?process-id=${pid}`);
    expect(tagOf(node.assignment.tags, "Nonce")).toBe(String(before + 1));
  });

  it("assign: 404 while the gateway does not know X, 200 once it does; the node has message null and Message=X", async () => {
    expect(pid).toMatch(ID_RE);
    const x = randomId();
    const before = await latestNonce();
    const missing = await postRoot(`?process-id=${pid}&assign=${x}`);
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    expect(typeof (missing.body as Json).error).toBe("string");
    expect(gateway.graphql, "the server asked GraphQL transactions(ids: [X])").toContainEqual({ via: "ids", ids: [x] });
    expect(await latestNonce(), "a refused assign takes no slot").toBe(before);

    gateway.known.add(x);
    const ok = await postRoot(`?process-id=${pid}&assign=${x}`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const body = ok.body as Json;
    expect(body.id).toMatch(ID_RE);
    expect(body.id).not.toBe(x);
    expect(typeof body.timestamp).toBe("number");

    const node = await getOk<LegacyNode>(`/${body.id as string}?process-id=${pid}`);
    expect(node.message).toBeNull();
    expect(node.assignment.id).toBe(body.id);
    expect(tagOf(node.assignment.tags, "Message")).toBe(x);
    expect(tagOf(node.assignment.tags, "Process")).toBe(pid);
    expect(tagOf(node.assignment.tags, "Nonce")).toBe(String(before + 1));
    expect(tagsOf(node.assignment.tags, "Exclude")).toEqual([]);

    // Exclude: one Exclude tag per CSV value, on a new assignment of the same X.
    const excluded = await postRoot(`?process-id=${pid}&assign=${x}&exclude=a,b`);
    expect(excluded.status, JSON.stringify(excluded.body)).toBe(200);
    const excludedId = (excluded.body as Json).id as string;
    expect(excludedId).toMatch(ID_RE);
    expect(excludedId, "a second assignment of X is a new assignment").not.toBe(body.id);
    const excludedNode = await getOk<LegacyNode>(`/${excludedId}?process-id=${pid}`);
    expect(tagOf(excludedNode.assignment.tags, "Message")).toBe(x);
    expect(tagsOf(excludedNode.assignment.tags, "Exclude")).toEqual(["a", "b"]);
    expect(tagOf(excludedNode.assignment.tags, "Nonce")).toBe(String(before + 2));
  });

  it("assign with base-layer and too few confirmations (a pending transaction, 202 at the gateway, has 0): 400 below the default Settlement-Depth of 20, 200 at 25 confirmations", async () => {
    expect(pid).toMatch(ID_RE);
    const y = randomId();
    const before = await latestNonce();

    const unknown = await postRoot(`?process-id=${pid}&assign=${y}&base-layer`);
    expect(unknown.status, `no status for Y: ${JSON.stringify(unknown.body)}`).toBe(404);

    gateway.confirmations.set(y, 3);
    const shallow = await postRoot(`?process-id=${pid}&assign=${y}&base-layer`);
    expect(shallow.status, JSON.stringify(shallow.body)).toBe(400);
    expect(String((shallow.body as Json).error)).toMatch(/confirmations/i);
    expect(gateway.statusHits).toContain(y);
    expect(await latestNonce()).toBe(before);

    gateway.confirmations.set(y, 25);
    const deep = await postRoot(`?process-id=${pid}&assign=${y}&base-layer`);
    expect(deep.status, JSON.stringify(deep.body)).toBe(200);
    const id = (deep.body as Json).id as string;
    expect(id).toMatch(ID_RE);
    expect(typeof (deep.body as Json).timestamp).toBe("number");
    expect(gateway.known.has(y), "Y was accepted on confirmations alone, not by GraphQL").toBe(false);
    const node = await getOk<LegacyNode>(`/${id}?process-id=${pid}`);
    expect(node.message).toBeNull();
    expect(tagOf(node.assignment.tags, "Message")).toBe(y);
    expect(tagOf(node.assignment.tags, "Nonce")).toBe(String(before + 1));
  });

  it("assign while the gateway fails (error status, an answer that is not JSON) or does not answer in 5 s: a 502 or 504, not a 404 a messenger would take as final; a pending L1 transaction has 0 confirmations", async () => {
    const z = randomId();
    const before = await latestNonce();
    for (const failure of ["502", "html"] as const) {
      gateway.graphqlFailure = failure;
      const r = await postRoot(`?process-id=${pid}&assign=${z}`);
      expect(r.status, `${failure}: ${JSON.stringify(r.body)}`).toBe(502);
      expect(String((r.body as Json).error)).toMatch(/gateway/);
    }
    gateway.graphqlFailure = "silent";
    const silent = await postRoot(`?process-id=${pid}&assign=${z}`);
    expect(silent.status, JSON.stringify(silent.body)).toBe(504);
    expect(String((silent.body as Json).error)).toMatch(/^gateway http:\/\/127\.0\.0\.1:\d+ did not answer within 5000 ms$/);
    gateway.graphqlFailure = undefined;
    gateway.pending.add(z);
    const pending = await postRoot(`?process-id=${pid}&assign=${z}&base-layer`);
    expect(pending.status, JSON.stringify(pending.body)).toBe(400);
    expect(String((pending.body as Json).error)).toMatch(/Not enough confirmations to assign: 0 of 20/);
    expect(await latestNonce()).toBe(before);
  });

  it(`GATEWAY_URL: new assignments carry the gateway's height ${PADDED_HEIGHT}, and GET /timestamp reports it`, async () => {
    expect(pid).toMatch(ID_RE);
    expect(gateway.infoHits, "the server asked the gateway's /info").toBeGreaterThan(0);
    // The node's first write waited for the gateway's height, so every assignment since carries it.
    const id = await ao.message({ process: pid, signer: createDataItemSigner(jwk), tags: [{ name: "Action", value: "Ping" }], data: "height" });
    const node = await getOk<LegacyNode>(`/${id as string}?process-id=${pid}`);
    expect(tagOf(node.assignment.tags, "Block-Height")).toBe(PADDED_HEIGHT);
    const ts = await getOk("/timestamp");
    expect(typeof ts.timestamp).toBe("string");
    expect(ts.timestamp).toMatch(/^\d{13}$/);
    expect(ts.block_height).toBe(PADDED_HEIGHT);
  });

  it("the mock gateway saw only the requests it understands", () => {
    expect(gateway.unexpected).toEqual([]);
  });
});
