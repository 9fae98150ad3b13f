/**
 * Spawns naming another scheduler, with real nodes: B (`npm start` with PUBLIC_URL) publishes its
 * location record to a small test gateway; A, on the same gateway, forwards a spawn naming B to B
 * and answers with B's assignment, on both surfaces. A spawn naming a scheduler nobody can locate
 * is a JSON 404 that HTTP clients do not resend by themselves: 200 of them at once through Node's
 * own fetch (undici, what aoconnect and the messenger use) all come back as that JSON answer.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { tagValue } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { itemFromJson, type ItemJson } from "../../src/formats/item-json.ts";
import { signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";
import { TestGateway } from "./test-gateway.ts";

const ANS104 = { "content-type": "application/ans104" };
const UNKNOWN = "fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY";

let gateway: TestGateway;
let a: Server;
let b: Server;
let bAddress = "";
let client: Signer;
const dirs: string[] = [];

const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "ao-forward-"));
  dirs.push(d);
  return d;
};

const post = (url: string, body: Uint8Array, headers: Record<string, string> = ANS104) => fetch(url, { method: "POST", headers, body: body as Uint8Array<ArrayBuffer> });

beforeAll(async () => {
  client = await clientSigner();
  gateway = await new TestGateway().start();
  const bPort = await freePort();
  b = startServer(bPort, await tempDir(), { PUBLIC_URL: `http://127.0.0.1:${bPort}`, UPLOAD_URL: gateway.url, GATEWAY_URL: gateway.url });
  a = startServer(await freePort(), await tempDir(), { GATEWAY_URL: gateway.url, REMOTE_TIMEOUT_MS: "3000" });
  await Promise.all([waitReady(a), waitReady(b)]);
  bAddress = ((await (await fetch(`${b.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
  // B's record reaches the gateway through its outbox.
  for (let i = 0; i < 150 && !gateway.items.some((item) => tagValue(item.tags, "Type") === "Scheduler-Location" && addressOf(item.owner) === bAddress); i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((s) => stopServer(s)));
  await gateway?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("a spawn naming another scheduler that can be found", () => {
  test("posted to A's HyperBEAM surface, it is scheduled by B: A answers B's slot-0 assignment, and B holds the process", async () => {
    const process = await signProcess(client, bAddress, [{ name: "Name", value: "forwarded" }]);
    const res = await post(`${a.url}/~scheduler@1.0/schedule`, process.raw);
    const body = (await res.json()) as ItemJson;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("slot")).toBe("0");
    expect(res.headers.get("process")).toBe(process.id);
    const assignment = parseItem(itemFromJson(body), NO_LIMITS);
    expect(await verifyItem(assignment)).toBe("valid");
    expect(addressOf(assignment.owner)).toBe(bAddress);
    expect(tagValue(assignment.tags, "Process")).toBe(process.id);
    expect(await (await fetch(`${b.url}/${process.id}/slot/current`)).text()).toBe("0");
    // Not held by A itself: A's answer for it comes from B.
    expect(((await (await fetch(`${a.url}/${process.id}/slot`)).json()) as { "wallet-address": string })["wallet-address"]).toBe(bAddress);
  });

  test("posted to A's legacy POST /, it is scheduled by B: {id, timestamp} as the SU answers", async () => {
    const process = await signProcess(client, bAddress, [{ name: "Name", value: "forwarded, legacy" }]);
    const res = await post(`${a.url}/`, process.raw, { "content-type": "application/octet-stream" });
    const body = (await res.json()) as { id: string; timestamp: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.id).toBe(process.id);
    expect(typeof body.timestamp).toBe("number");
    expect(await (await fetch(`${b.url}/${process.id}/slot/current`)).text()).toBe("0");
  });
});

describe("a spawn naming a scheduler nobody can locate", () => {
  test("200 posted at once with Node's fetch, half on each surface: every one is a JSON 404 naming the scheduler", async () => {
    const spawns = await Promise.all(Array.from({ length: 200 }, (_, i) => signProcess(client, UNKNOWN, [{ name: "Name", value: `lost ${i}` }])));
    const answers = await Promise.all(
      spawns.map(async (p, i) => {
        try {
          const res = i % 2 === 0 ? await post(`${a.url}/~scheduler@1.0/schedule`, p.raw) : await post(`${a.url}/`, p.raw, { "content-type": "application/octet-stream" });
          return { status: res.status, body: (await res.json()) as { error: string; scheduler: string } };
        } catch (err) {
          return { status: 0, body: { error: `${(err as Error).message}: ${String((err as { cause?: { code?: string } }).cause?.code)}`, scheduler: "" } };
        }
      }),
    );
    expect(answers).toHaveLength(200);
    for (const { status, body } of answers) {
      expect(status, body.error).toBe(404);
      expect(body.scheduler).toBe(UNKNOWN);
      expect(body.error).toMatch(new RegExp(`^process [\\w-]{43} names scheduler ${UNKNOWN}, which is not this node \\([\\w-]{43}\\) and cannot be located: no location record, here or on the gateway ${gateway.url}$`));
    }
  });
});
