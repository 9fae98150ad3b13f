/** slot, status (paginated), info, checkpoint and next (lookahead, long-poll). */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { signMessage } from "../support/items.ts";
import { call, eventually, json, post, schedulerAddress, send, spawn, testClient } from "./support.ts";

describe("slot", () => {
  test("JSON per §1.6 with the fields in their places, and the plain current", async () => {
    const { id: pid } = await spawn();
    await send(pid);
    await send(pid);
    for (const path of [`/${pid}/slot`, `/~scheduler@1.0/slot?target=${pid}`, `/${pid}/~scheduler@1.0/slot`]) {
      const res = await call(path);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = await json(res);
      expect(body).toMatchObject({ process: pid, current: 2, "wallet-address": await schedulerAddress() });
      expect(typeof body["block-height"]).toBe("number");
      expect(body.timestamp).toBeGreaterThan(1_700_000_000_000);
    }
    const plain = await call(`/${pid}/slot/current`);
    expect(plain.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await plain.text()).toBe("2");
  });
});

describe("status", () => {
  test("lists spawned processes, and pages past 1000 with from and continues", async () => {
    const spawned = await spawn();
    // The node object registers spawns from each process's alarm: run it now if it has not run yet.
    await runDurableObjectAlarm(env.PROCESS.getByName(spawned.id));
    await eventually(async () => (await json(await call("/~scheduler@1.0/status"))).processes.includes(spawned.id));

    const node = env.NODE.getByName("node");
    const fake = Array.from({ length: 1100 }, (_, i) => `Z${String(i).padStart(41, "0")}A`);
    for (const pid of fake) await node.register(pid, 1);
    const seen: string[] = [];
    let from = "";
    let pages = 0;
    for (;;) {
      const page = await json(await call(`/~scheduler@1.0/status${from ? `?from=${from}` : ""}`));
      expect(page.address).toBe(await schedulerAddress());
      expect(page.processes.length).toBeLessThanOrEqual(1000);
      seen.push(...page.processes);
      pages++;
      if (!page.continues) break;
      from = page.processes.at(-1);
    }
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(seen.length);
    for (const pid of [...fake, spawned.id]) expect(seen).toContain(pid);
  });
});

describe("info and checkpoint", () => {
  test("info names the exports, address and mode; checkpoint returns the device", async () => {
    const info = await json(await call("/~scheduler@1.0/info"));
    expect(info).toMatchObject({ device: "scheduler@1.0", address: await schedulerAddress(), "signature-type": 2, "scheduling-mode": "local_confirmation" });
    expect(info.exports).toEqual(["location", "status", "next", "schedule", "slot", "init", "checkpoint"]);
    expect(await json(await call("/~scheduler@1.0/checkpoint"))).toEqual({ device: "scheduler@1.0" });
  });
});

describe("next", () => {
  test("returns the slot asked for and a lookahead batch after it", async () => {
    const { id: pid } = await spawn();
    for (let i = 0; i < 5; i++) await send(pid, `n${i}`);
    const page = await json(await call(`/~scheduler@1.0/next?target=${pid}&from=2&lookahead=3`));
    expect(Object.keys(page.assignments)).toEqual(["2", "3", "4"]);
    expect(page.continues).toBe(true);
    const tail = await json(await call(`/${pid}/~scheduler@1.0/next?from=4`));
    expect(Object.keys(tail.assignments)).toEqual(["4", "5"]);
    expect(tail.continues).toBe(false);
  });

  test("wait holds the request until the slot exists", async () => {
    const { id: pid } = await spawn();
    const waiting = call(`/~scheduler@1.0/next?target=${pid}&from=1&wait=10000`);
    await new Promise((r) => setTimeout(r, 100));
    const m = await signMessage(await testClient(), pid, "late");
    expect((await post(m, `/${pid}/schedule`)).status).toBe(200);
    const res = await waiting;
    expect(res.status).toBe(200);
    const page = await json(res);
    expect(page.assignments["1"].message).toBe(m.id);
  });

  test("wait gives up with 404 when the slot does not come", async () => {
    const { id: pid } = await spawn();
    const started = Date.now();
    const res = await call(`/~scheduler@1.0/next?target=${pid}&from=1&wait=300`);
    expect(res.status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await json(res)).current).toBe(0);
  });
});

describe("JSON answers", () => {
  test("every JSON answer, errors included, ends with a newline and parses", async () => {
    const { id: pid } = await spawn();
    const message = await signMessage(await testClient(), pid, "newline");
    const answers: [string, Response][] = [
      ["info", await call("/~scheduler@1.0/info")],
      ["status", await call("/~scheduler@1.0/status")],
      ["forks", await call("/~scheduler@1.0/forks")],
      ["slot", await call(`/${pid}/slot`)],
      ["schedule page", await call(`/${pid}/schedule`)],
      ["aos-2 page", await call(`/${pid}/schedule`, { headers: { accept: "application/aos-2" } })],
      ["post", await post(message, `/${pid}/schedule`)],
      ["legacy post", await call("/", { method: "POST", body: message.raw })],
      ["legacy root", await call("/")],
      ["legacy page", await call(`/${pid}`)],
      ["legacy latest", await call(`/${pid}/latest`)],
      ["timestamp", await call("/timestamp")],
      ["health", await call("/health")],
      ["a 400", await call("/~scheduler@1.0/schedule?target=nope")],
      ["a 404 route", await call("/~scheduler@1.0/nope")],
      ["a 404 process", await call(`/${"Q".repeat(43)}/slot`)],
    ];
    expect(answers).toHaveLength(16);
    for (const [what, res] of answers) {
      expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text.endsWith("}\n"), `${what}: ${JSON.stringify(text.slice(-20))}`).toBe(true);
      expect(() => JSON.parse(text), what).not.toThrow();
    }
  });
});
