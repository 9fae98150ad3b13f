/**
 * One node per STATE_DIR, with real `npm start`s: a second start on a folder in use exits non-zero
 * naming the running node's PID and port, and that node keeps serving and writing; a lock left by
 * a process that is gone is taken over; and `npm run location`, run with nothing but the node's
 * port, finds the key of the node on that port, or says which STATE_DIR it needs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { freePort, ROOT, startServer, stopServer, waitReady, type Server } from "./server.ts";

const ANS104 = { "content-type": "application/ans104" };
const dirs: string[] = [];
const servers: Server[] = [];
let dir = "";
let first: Server;
let pid = "";

const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "ao-lock-"));
  dirs.push(d);
  return d;
};

const start = async (port: number, stateDir: string) => {
  const s = startServer(port, stateDir);
  servers.push(s);
  return s;
};

const currentSlot = async (s: Server) => Number(await (await fetch(`${s.url}/${pid}/slot/current`)).text());

/** `npm run location` as an operator runs it in a second terminal: only the variables given. */
const location = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["scripts/location.mjs", "--url", "https://su.example"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: "utf8",
  });

beforeAll(async () => {
  dir = await tempDir();
  first = await start(await freePort(), dir);
  await waitReady(first);
  const address = ((await (await fetch(`${first.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
  const process = await signProcess(await clientSigner(), address);
  pid = process.id;
  expect((await fetch(`${first.url}/~scheduler@1.0/schedule`, { method: "POST", headers: ANS104, body: process.raw as Uint8Array<ArrayBuffer> })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => stopServer(s)));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("one node per STATE_DIR", () => {
  test("a second start on the same STATE_DIR exits non-zero naming the running node's PID and port; the first keeps serving and writing", async () => {
    const lock = JSON.parse(readFileSync(join(dir, "node.lock"), "utf8"));
    expect(lock).toMatchObject({ pid: first.child.pid, port: first.port });

    const second = await start(await freePort(), dir);
    await second.exited;
    expect(second.child.exitCode).toBe(2);
    expect(second.log()).toContain(`STATE_DIR ${dir} is in use by the node with PID ${first.child.pid} on port ${first.port}`);
    expect((await fetch(second.url).catch(() => undefined))?.status).toBeUndefined(); // it never listened

    const before = await currentSlot(first);
    const message = await signMessage(await clientSigner(), pid, "still here");
    const res = await fetch(`${first.url}/${pid}/schedule`, { method: "POST", headers: ANS104, body: message.raw as Uint8Array<ArrayBuffer> });
    expect(res.status).toBe(200);
    expect(await currentSlot(first)).toBe(before + 1);
    expect(JSON.parse(readFileSync(join(dir, "node.lock"), "utf8")).pid).toBe(first.child.pid);
  });

  test("npm run location in a second terminal, given only PORT, signs with the key of the node on that port", () => {
    const run = location({ PORT: String(first.port) });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ url: "https://su.example" });
  });

  test("npm run location with another node's STATE_DIR names both addresses; with an empty one, says which STATE_DIR it needs", async () => {
    const other = await start(await freePort(), await tempDir());
    await waitReady(other);
    const wrong = location({ PORT: String(first.port), STATE_DIR: other.stateDir });
    expect(wrong.status).toBe(2);
    const otherAddress = ((await (await fetch(`${other.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
    expect(wrong.stderr).toMatch(new RegExp(`is scheduler ${otherAddress}, but the node at http://127.0.0.1:${first.port} is [\\w-]{43}\\. Run this with the STATE_DIR`));

    const empty = await tempDir();
    const none = location({ PORT: String(first.port), STATE_DIR: empty });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`no key in ${join(empty, "node-key.json")}. Run this with the STATE_DIR the node at http://127.0.0.1:${first.port} was started with`);
    await stopServer(other);
  });

  test("a stopped node leaves no lock; a lock left by a process that is gone is taken over, and the schedule carries on", async () => {
    const slot = await currentSlot(first);
    await stopServer(first);
    expect(existsSync(join(dir, "node.lock"))).toBe(false);

    // As if the node had been killed: a lock naming a PID that no longer runs.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout);
    writeFileSync(join(dir, "node.lock"), JSON.stringify({ pid: deadPid, port: 1, host: "127.0.0.1", started: "2026-01-01T00:00:00.000Z" }));

    const next = await start(await freePort(), dir);
    await waitReady(next);
    expect(JSON.parse(readFileSync(join(dir, "node.lock"), "utf8"))).toMatchObject({ pid: next.child.pid, port: next.port });
    expect(await currentSlot(next)).toBe(slot);
  });

  test("a node killed with SIGKILL leaves its workerd processes running on the folder's SQLite; the next start on it stops them first, says so, and the schedule carries on", async () => {
    const holder = servers.at(-1)!;
    const lock = JSON.parse(readFileSync(join(dir, "node.lock"), "utf8")) as { pid: number; runtime: { processes: { pid: number }[] } };
    expect(lock.pid).toBe(holder.child.pid);
    const runtime = lock.runtime.processes.map((p) => p.pid);
    expect(runtime).toHaveLength(2); // the objects' workerd and the worker's
    const slot = await currentSlot(holder);
    holder.child.kill("SIGKILL");
    await holder.exited;
    expect(runtime.filter(alive)).toEqual(runtime); // nothing stopped them

    const next = await start(await freePort(), dir);
    await waitReady(next);
    expect(runtime.filter(alive)).toEqual([]);
    expect(next.log()).toContain(`the node that held this STATE_DIR (PID ${lock.pid}) is gone but left its runtime running (workerd PIDs ${runtime.join(", ")}); stopping it first`);
    expect(await currentSlot(next)).toBe(slot);
  });

  test("a stale lock naming workerd PIDs that now belong to another running node (their start times differ) stops nothing of that node", async () => {
    const running = servers.at(-1)!;
    const theirs = (JSON.parse(readFileSync(join(dir, "node.lock"), "utf8")) as { runtime: { boot: string; processes: { pid: number }[] } }).runtime;
    const other = await tempDir();
    const gone = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    const reused = { boot: theirs.boot, processes: theirs.processes.map((p) => ({ pid: p.pid, start: "1" })) };
    writeFileSync(join(other, "node.lock"), JSON.stringify({ pid: gone, port: 1, host: "127.0.0.1", started: "2026-01-01T00:00:00.000Z", runtime: reused }));
    const next = await start(await freePort(), other);
    await waitReady(next);
    expect(theirs.processes.map((p) => p.pid).filter(alive)).toHaveLength(2);
    expect(next.log()).not.toContain("left its runtime running");
    expect(await currentSlot(running)).toBeGreaterThanOrEqual(0);
  });
});

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}
