/**
 * `npm start` with every setting of README's configuration table that the other end-to-end files
 * leave at its default, on one node: HOST, PORT, STATE_DIR, SCHEDULER_KEY_FILE (an Arweave RSA-4096
 * wallet), SCHEDULING_MODE=aggressive, LOG_LEVEL=info, GATEWAY_URL, PUBLIC_URL, UPLOAD_URL,
 * SCHEDULER_VARIANT=ao.N.1, LOCATION_TTL_MS and REMOTE_TIMEOUT_MS. What it serves is read with
 * independent code: assignments with node:crypto (independent-ans104.ts), its location record with
 * AO's own @permaweb/ao-scheduler-utils.
 */
import { Buffer } from "node:buffer";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server as TcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as schedulerUtils } from "@permaweb/ao-scheduler-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Signer } from "../../src/crypto/signers.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { b64u, chainLink, readRawBundle, rsaSaltsThatVerify, sha256, tagOf } from "./independent-ans104.ts";
import { freePort, sleep, startServer, stopServer, waitReady, type Server } from "./server.ts";
import { TestGateway } from "./test-gateway.ts";

const HOST = "127.0.0.2";
const TTL = 3_600_000;
const ANS104 = "application/ans104";

let gateway: TestGateway;
let node: Server;
let dir = "";
let stateDir = "";
let base = "";
let address = "";
let client: Signer;
let silent: TcpServer;
const held: Socket[] = [];
const wallet = generateKeyPairSync("rsa", { modulusLength: 4096, publicExponent: 65537 }).privateKey.export({ format: "jwk" });

const post = (path: string, raw: Uint8Array) => fetch(`${base}${path}`, { method: "POST", headers: { "content-type": ANS104 }, body: raw as Uint8Array<ArrayBuffer> });

beforeAll(async () => {
  client = await clientSigner();
  gateway = await new TestGateway().start();
  // A remote scheduler that accepts connections and never answers.
  silent = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  dir = await mkdtemp(join(tmpdir(), "ao-settings-"));
  stateDir = join(dir, "state");
  const walletFile = join(dir, "wallet.json");
  writeFileSync(walletFile, JSON.stringify(wallet));
  const port = await freePort();
  base = `http://${HOST}:${port}`;
  node = startServer(port, stateDir, {
    HOST,
    SCHEDULER_KEY_FILE: walletFile,
    SCHEDULER_KEY: undefined,
    SCHEDULING_MODE: "aggressive",
    LOG_LEVEL: "info",
    GATEWAY_URL: gateway.url,
    PUBLIC_URL: base,
    UPLOAD_URL: gateway.url,
    SCHEDULER_VARIANT: "ao.N.1",
    LOCATION_TTL_MS: String(TTL),
    REMOTE_TIMEOUT_MS: "500",
  });
  node.url = base;
  await waitReady(node);
  address = ((await (await fetch(`${base}/~scheduler@1.0/info`)).json()) as { address: string }).address;
}, 240_000);

afterAll(async () => {
  if (node) await stopServer(node);
  for (const s of held) s.destroy();
  silent?.close();
  await gateway?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe("npm start with the settings other files leave at their defaults", () => {
  test("HOST and PORT: it listens on HOST:PORT (127.0.0.2 here), and not on 127.0.0.1 at that port", async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const port = new URL(base).port;
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  test("SCHEDULER_KEY_FILE with an Arweave RSA-4096 wallet: the address is sha256 of the wallet's n and the signature type is 1; no node-key.json is written in STATE_DIR", async () => {
    expect(address).toBe(b64u(sha256(Buffer.from(wallet.n as string, "base64url"))));
    const info = (await (await fetch(`${base}/~scheduler@1.0/info`)).json()) as Record<string, unknown>;
    expect(info["signature-type"]).toBe(1);
    expect(existsSync(join(stateDir, "node-key.json"))).toBe(false);
  });

  test("STATE_DIR: the node's Durable Objects live under it (v3/)", () => {
    expect(readdirSync(stateDir)).toContain("v3");
  });

  test("SCHEDULING_MODE=aggressive and GATEWAY_URL: 5 messages get slots 1 to 5 whose RSA assignments verify with node:crypto over a deep hash computed here, on the legacy hash chain, each carrying the gateway's height", async () => {
    const info = (await (await fetch(`${base}/~scheduler@1.0/info`)).json()) as Record<string, unknown>;
    expect(info["scheduling-mode"]).toBe("aggressive");
    const process = await signProcess(client, address);
    expect((await post("/~scheduler@1.0/schedule", process.raw)).status).toBe(200);
    const slots: number[] = [];
    for (let i = 0; i < 5; i++) slots.push(((await (await post(`/${process.id}/schedule`, (await signMessage(client, process.id, `m${i}`)).raw)).json()) as { slot: number }).slot);
    expect(slots).toEqual([1, 2, 3, 4, 5]);
    const res = await fetch(`${base}/${process.id}/schedule?from=0&to=5`, { headers: { accept: ANS104 } });
    const items = readRawBundle(new Uint8Array(await res.arrayBuffer()));
    expect(items).toHaveLength(12);
    const assignments = items.filter((_, i) => i % 2 === 0);
    expect(assignments).toHaveLength(6);
    let previous: { id: string; chain: string } | undefined;
    for (const [slot, a] of assignments.entries()) {
      expect(a.signatureType, `slot ${slot}`).toBe(1);
      expect(b64u(sha256(a.owner))).toBe(address);
      expect(rsaSaltsThatVerify(a), `slot ${slot}`).toHaveLength(1);
      expect(tagOf(a, "Nonce")).toBe(String(slot));
      expect(tagOf(a, "Block-Height")).toBe(String(gateway.height).padStart(12, "0"));
      expect(tagOf(a, "Hash-Chain"), `slot ${slot}`).toBe(chainLink(previous, process.id));
      previous = { id: a.id, chain: tagOf(a, "Hash-Chain")! };
    }
  });

  test("LOG_LEVEL=info: each request is logged as one JSON line with its method, path, status and milliseconds", async () => {
    expect((await fetch(`${base}/~scheduler@1.0/checkpoint`)).status).toBe(200);
    const line = () => node.log().split("\n").find((l) => l.includes('"path":"/~scheduler@1.0/checkpoint"'));
    while (!line()) await sleep(50); // the line is written after the answer
    const logged = JSON.parse(line()!.slice(line()!.indexOf("{")));
    expect(logged).toMatchObject({ method: "GET", path: "/~scheduler@1.0/checkpoint", status: 200 });
    expect(logged.ms).toEqual(expect.any(Number));
  });

  test("PUBLIC_URL, UPLOAD_URL, SCHEDULER_VARIANT=ao.N.1 and LOCATION_TTL_MS: the node uploads its record through the outbox, and @permaweb/ao-scheduler-utils reads it from the gateway: Url = PUBLIC_URL, Time-To-Live = LOCATION_TTL_MS", async () => {
    const record = () => gateway.items.find((i) => tagOf(i, "Type") === "Scheduler-Location" && b64u(sha256(i.owner)) === address);
    while (!record()) await sleep(100); // uploaded from the outbox by the node's alarm
    const r = record()!;
    expect(tagOf(r, "Url")).toBe(base);
    expect(tagOf(r, "Variant")).toBe("ao.N.1");
    expect(tagOf(r, "Time-To-Live")).toBe(String(TTL));
    const ao = schedulerUtils({ GRAPHQL_URL: `${gateway.url}/graphql`, cacheSize: 10 });
    expect(await ao.raw(address)).toEqual({ url: base });
    expect(await ao.validate(address)).toBe(true);
    const process = await signProcess(client, address, [{ name: "Name", value: "located" }]);
    expect(await ao.locate(process.id, address)).toEqual({ url: base, address });
  });

  test("REMOTE_TIMEOUT_MS=500: a remote scheduler that never answers is a 504 naming it", async () => {
    const remote = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const pid = b64u(sha256(Buffer.from("a process the silent remote holds")));
    const res = await fetch(`${base}/${pid}/slot?hint=${encodeURIComponent(remote)}`);
    const body = (await res.json()) as { error: string };
    expect(res.status, body.error).toBe(504);
    expect(body.error).toContain(remote);
    expect(body.error).toContain("did not answer within 500 ms");
    expect(held.length).toBeGreaterThan(0); // it was asked
  });
});
