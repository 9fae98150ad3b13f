/**
 * Fork proofs in the dashboard, in real headless Chromium: a small scheduler of the test's own
 * (its schedule signed by its key) is mirrored by the browser and read through node A's cache
 * (`npm start`), then equivocates at slot 5. The browser's mirror fails naming the fork, and the
 * Forks page lists the proof it kept and the one node A keeps; each exports as a file the core
 * accepts as a proof.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyForkProof } from "../../src/remote/fork-proof.ts";
import type { Fetch } from "../../src/remote/http.ts";
import { MemoryStore } from "../../src/schedule/memory-store.ts";
import { Scheduler } from "../../src/schedule/scheduler.ts";
import { serveFetch, type Served } from "../e2e/fetch-server.ts";
import { ROOT } from "../e2e/server.ts";
import { signMessage } from "../support/items.ts";
import { clientSigner, schedulerSigner } from "../support/keys.ts";
import { serveSchedule } from "../support/remote-source.ts";
import { signedSchedule } from "../support/signed-schedule.ts";
import { launchChromium } from "./chromium.ts";
import { startNode, type Node } from "./nodes.ts";

const SHOTS = join(ROOT, "test-results", "browser");

let a: Node;
let remote: Served;
let browser: Browser;
let page: Page;
let pid = "";
let serving: Fetch;
let forked: Fetch;

beforeAll(async () => {
  const schedule = await signedSchedule(5);
  pid = schedule.pid;
  const other = new MemoryStore();
  for (let n = 0; n <= 4; n++) await other.append((await schedule.store.get(n))!);
  await (await Scheduler.open({ processId: pid, store: other, signer: await schedulerSigner() })).schedule(await signMessage(await clientSigner(), pid, "the other slot 5"));
  serving = serveSchedule(pid, schedule.store, { pageSize: 100 }).fetch;
  forked = serveSchedule(pid, other, { pageSize: 100 }).fetch;
  [a, remote, browser] = await Promise.all([startNode(), serveFetch((url, init) => serving(url, init)), launchChromium()]);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  page.setDefaultTimeout(60_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await remote?.close();
  await a?.stop();
}, 60_000);

const card = () => page.locator(`[data-process="${pid}"]`);

/** Downloads a proof through its Export control and checks it with the core. */
async function exported(row: ReturnType<Page["locator"]>) {
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: "Export" }).or(row.getByRole("link", { name: "Export" })).click()]);
  const file = join(SHOTS, `${download.suggestedFilename()}`);
  await download.saveAs(file);
  return { name: download.suggestedFilename(), verdict: await verifyForkProof(JSON.parse(readFileSync(file, "utf8"))) };
}

describe("fork proofs in the dashboard", () => {
  test("a scheduler that signs another assignment for kept slot 5: the browser's mirror fails naming the fork, and the Forks page lists its proof and node A's, each exporting a file the core accepts", async () => {
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    const form = page.getByTestId("mirror-form");
    await form.locator("input[name=url]").fill(remote.url);
    await form.locator("input[name=pid]").fill(pid);
    await form.locator("select[name=variant]").selectOption("ao.N.1");
    await form.getByRole("button", { name: "Mirror" }).click();
    await card().and(page.locator("[data-state=done]")).waitFor();
    expect((await fetch(`${a.url}/${pid}/schedule?hint=${remote.url}&from=0`)).status).toBe(200);

    serving = forked;
    expect((await fetch(`${a.url}/${pid}/schedule?hint=${remote.url}&from=5`)).status).toBe(502);
    await card().getByRole("button", { name: "Sync" }).click();
    await card().and(page.locator("[data-state=failed]")).waitFor();
    expect(await card().textContent()).toContain("fork at slot 5");
    expect(await card().textContent()).toContain("a proof is kept");
    expect(await card().textContent()).toContain("Forks page");

    await page.getByRole("link", { name: "Forks" }).click();
    const mine = page.getByTestId("browser-forks").locator("tbody tr");
    const node = page.getByTestId("node-forks").locator("tbody tr");
    await node.first().waitFor();
    expect(await mine.count()).toBe(1);
    expect(await node.count()).toBe(1);
    for (const row of [mine, node]) {
      expect(await row.getAttribute("data-process")).toBe(pid);
      expect(await row.getAttribute("data-slot")).toBe("5");
    }
    await page.screenshot({ path: join(SHOTS, "forks.png"), fullPage: true });
    for (const row of [mine, node]) {
      const { name, verdict } = await exported(row);
      expect(name).toBe(`fork-${pid}-slot-5.json`);
      expect(verdict).toMatchObject({ valid: true, summary: expect.stringContaining(`signed two assignments for slot 5 of process ${pid}`) });
    }
  });
});
