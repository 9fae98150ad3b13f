/**
 * The dashboard in real headless Chromium against real nodes: node A (`npm start`) serves the
 * dashboard and a 1,000-slot process; node B, a second `npm start`, serves a process read in the
 * legacy SU format (ao.TN.1); a proxy in front of A alters one assignment. The tests run in order
 * in one browser context, as a user would: mirror, verify, reload mid-mirror, go offline, replay,
 * export and import a schedule file, search, schedule in the browser peer. Screenshots and
 * exported files land in test-results/browser/.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { tagValue } from "../../src/ans104/tags.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { exportJson, readScheduleFile } from "../../src/remote/schedule-file.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { CountingProxy } from "../e2e/counting-proxy.ts";
import { ROOT } from "../e2e/server.ts";
import { withTag } from "../support/altered.ts";
import { clientSigner } from "../support/keys.ts";
import { launchChromium } from "./chromium.ts";
import { sendMessage, spawnWithSlots, startNode, type Node } from "./nodes.ts";

const SHOTS = join(ROOT, "test-results", "browser");
const TAMPERED_SLOT = 7;

let a: Node;
let b: Node;
let proxy: CountingProxy;
let client: Signer;
let big = ""; // 1,000 slots on A
let legacy = ""; // 40 slots on B, mirrored as ao.TN.1
let long = ""; // 4,000 slots on A, for the reload
let tampered = ""; // 20 slots on A, served through the altering proxy
const refusedByCsp: string[] = [];
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  client = await clientSigner();
  [a, b, browser] = await Promise.all([startNode(), startNode(), launchChromium()]);
  [big, legacy, long, tampered] = await Promise.all([spawnWithSlots(a, client, 1000, "big"), spawnWithSlots(b, client, 40, "legacy"), spawnWithSlots(a, client, 4000, "long"), spawnWithSlots(a, client, 20, "tampered")]);
  proxy = await new CountingProxy(a.url).start();
  // A network that alters one assignment of one legacy page: a tag value changes, so its signature no longer holds.
  proxy.tamper = (_path, body) => {
    const edge = (body as { edges?: { node: { assignment: { tags: { name: string; value: string }[] } } }[] }).edges?.find((e) => e.node.assignment.tags.some((t) => t.name === "Nonce" && t.value === String(TAMPERED_SLOT)));
    const tag = edge?.node.assignment.tags.find((t) => t.name === "Timestamp");
    if (tag) tag.value = String(Number(tag.value) + 1);
    return body;
  };
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(60_000);
  // Every test runs under the dashboard's Content-Security-Policy: whatever the browser refuses under it is kept here.
  page.on("console", (m) => void (/Content Security Policy|SHA-2 stays in JavaScript/i.test(m.text()) && refusedByCsp.push(m.text())));
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(`${a.url}/dashboard/`);
  // The service worker takes control, so later reloads work offline.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await Promise.all([a, b].filter(Boolean).map((n) => n.stop()));
}, 60_000);

async function mirror(url: string, pid: string, variant: "auto" | "ao.N.1" | "ao.TN.1"): Promise<void> {
  await page.goto(`${a.url}/dashboard/#/mirrors`);
  const form = page.getByTestId("mirror-form");
  await form.locator("input[name=url]").fill(url);
  await form.locator("input[name=pid]").fill(pid);
  await form.locator("select[name=variant]").selectOption(variant);
  await form.getByRole("button", { name: "Mirror" }).click();
}

const card = (pid: string) => page.locator(`[data-process="${pid}"]`);

/** Removes a mirror (confirming the dialog) and imports a schedule file in its place. */
async function removeAndImport(pid: string, path: string): Promise<void> {
  await page.goto(`${a.url}/dashboard/#/mirrors`);
  page.once("dialog", (d) => void d.accept());
  await card(pid).getByRole("button", { name: "Remove" }).click();
  await expect.poll(() => card(pid).count()).toBe(0);
  await page.getByLabel("Import a schedule file").setInputFiles(path);
  await page.getByText(new RegExp(`^\\d+ slots of ${pid} in .*: each checked before it was kept\\.$`)).waitFor();
  await card(pid).and(page.locator("[data-state=done]")).waitFor();
}

describe("the dashboard, as a user would use it", () => {
  test("the node page shows this node's address and its processes", async () => {
    await page.goto(`${a.url}/dashboard/#/`);
    await expect.poll(() => page.getByTestId("node-address").textContent()).toBe(a.address);
    await expect.poll(() => page.locator(`a[href="#/process/${big}"]`).count()).toBe(1);
    // Its counters, as its object wrote them out: the spawn was its one post (the bench's seeding route is not one).
    await expect.poll(() => page.locator("tr", { has: page.locator(`a[href="#/process/${big}"]`) }).getByTestId("posts").textContent(), { timeout: 20_000 }).toBe("1");
    expect(await page.getByTestId("node-cache").textContent()).toMatch(/^\d[\d,]* hits, \d[\d,]* misses; /);
    await page.screenshot({ path: join(SHOTS, "node.png"), fullPage: true });
  });

  test("mirrors a 1,000-slot process from this node (format detected): the progress bar reaches 1,000 / 1,000 and 100%, and the process verifies", async () => {
    await mirror(a.url, big, "auto");
    await card(big).and(page.locator("[data-state=done]")).waitFor();
    expect(await card(big).getByTestId("slots-done").textContent()).toBe("1,000 / 1,000 slots");
    expect(await card(big).locator("progress").evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([1000, 1000]);
    expect(await card(big).textContent()).toContain("100%");
    expect(await card(big).textContent()).toContain("ao.N.1");
    await page.goto(`${a.url}/dashboard/#/process/${big}`);
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Verified: 1,000 slots");
    expect(await page.locator("[data-testid=timeline] tbody tr").count()).toBe(100);
    await page.screenshot({ path: join(SHOTS, "process.png") });
  });

  test("mirrors a process from a second node in the legacy SU format (ao.TN.1) and verifies every signature of its 40 slots", async () => {
    await mirror(b.url, legacy, "ao.TN.1");
    await card(legacy).and(page.locator("[data-state=done]")).waitFor();
    expect(await card(legacy).getByTestId("slots-done").textContent()).toBe("40 / 40 slots");
    expect(await card(legacy).textContent()).toContain(`${b.url} · ao.TN.1`);
    await page.goto(`${a.url}/dashboard/#/process/${legacy}`);
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Verified: 40 slots");
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    await card(legacy).waitFor();
    await page.screenshot({ path: join(SHOTS, "mirrors.png") });
  });

  test("a reload mid-mirror: the mirror resumes where its store stopped, never fetching a page of slots it had kept, and all 4,000 slots verify", async () => {
    const pages: { from: number; afterReload: boolean }[] = [];
    let reloaded = false;
    let release = () => {};
    const reloading = new Promise<void>((resolve) => (release = resolve));
    // Before the reload, the second page and every one after it is held until the reload has
    // happened, so the reload lands mid-mirror (after one kept page) whatever the machine's speed.
    await context.route(`**/${long}/schedule?*`, async (route) => {
      pages.push({ from: Number(new URL(route.request().url()).searchParams.get("from")), afterReload: reloaded });
      if (!reloaded && pages.length > 1) {
        await reloading;
        return route.abort().catch(() => {}); // the page that asked is gone
      }
      await route.continue();
    });
    await mirror(a.url, long, "ao.N.1");
    const done = async () => Number((await card(long).getByTestId("slots-done").textContent())?.split(" / ")[0].replaceAll(",", "") ?? 0);
    await expect.poll(done, { timeout: 60_000 }).toBeGreaterThan(1);
    reloaded = true;
    const keptAtReload = await done();
    await page.reload();
    release();
    await card(long).and(page.locator("[data-state=done]")).waitFor({ timeout: 120_000 });
    await context.unroute(`**/${long}/schedule?*`);
    expect(await card(long).getByTestId("slots-done").textContent()).toBe("4,000 / 4,000 slots");
    const after = pages.filter((p) => p.afterReload).map((p) => p.from);
    expect(after.length).toBeGreaterThan(0);
    // Each fetch starts at the last kept slot (to check it is still the same assignment), never before it.
    expect(Math.min(...after), `kept ${keptAtReload} slots at the reload; fetched after it: from=${after.join(", ")}`).toBeGreaterThanOrEqual(keptAtReload - 1);
    await page.goto(`${a.url}/dashboard/#/process/${long}`);
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Verified: 4,000 slots");
  });

  test("Verify again checks the 4,000 kept slots in parts side by side: a signature byte altered in IndexedDB at slot 3,000 (in the second part) is named as the broken link, and the repaired store verifies whole", async () => {
    const alter = (slot: number, flip: number) =>
      page.evaluate(
        ([pid, slot, flip]) =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open("ao-dashboard");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const tx = open.result.transaction("chunks", "readwrite");
              const chunks = tx.objectStore("chunks");
              // The chunk holding the slot: the last one starting at or before it (web/src/idb-store.ts).
              const cursor = chunks.openCursor(IDBKeyRange.bound([pid, -Infinity], [pid, slot]), "prev");
              cursor.onsuccess = () => {
                const chunk = cursor.result!.value;
                const r = chunk.slots[slot - chunk.first];
                r.assignment = r.assignment.slice();
                r.assignment[10] ^= flip; // a byte of the signature (after the 2-byte signature type)
                chunks.put(chunk);
              };
              tx.oncomplete = () => (open.result.close(), resolve());
              tx.onerror = () => reject(tx.error);
            };
          }),
        [long, slot, flip] as const,
      );
    await page.goto(`${a.url}/dashboard/#/process/${long}`);
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    await alter(3000, 0xff);
    await page.getByRole("button", { name: "Verify again" }).click();
    const broken = page.locator("[data-testid=verify] [data-broken-slot]");
    await broken.waitFor();
    expect(await broken.getAttribute("data-broken-slot")).toBe("3000");
    expect(await broken.textContent()).toContain("Broken at slot 3,000: assignment signature");
    await alter(3000, 0xff); // flipped back
    await page.getByRole("button", { name: "Verify again" }).click();
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Verified: 4,000 slots");
  });

  test(`a schedule served with one altered assignment is flagged at exactly slot ${TAMPERED_SLOT}, and nothing of the page holding it is kept`, async () => {
    await mirror(proxy.url, tampered, "ao.TN.1");
    await card(tampered).and(page.locator("[data-state=failed]")).waitFor();
    expect(await card(tampered).textContent()).toContain(`broken at slot ${TAMPERED_SLOT}`);
    expect(await card(tampered).getByTestId("slots-done").textContent()).toBe("0 / 20 slots"); // its one page failed: none of it kept
    await page.goto(`${a.url}/dashboard/#/process/${tampered}`);
    // The process page's own alert (the Mirrors page's card, with the same error, may still be on screen for a moment).
    const alert = page.getByRole("alert").filter({ hasText: `Slot ${TAMPERED_SLOT} failed its check.` });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(`slot ${TAMPERED_SLOT}: assignment signature check failed`);
    // Nothing of it is kept: the timeline, Verify again and the exports say so instead of showing empty results.
    await expect.poll(() => page.getByTestId("timeline-range").textContent()).toBe("no slots");
    await page.getByRole("button", { name: "Verify again" }).click();
    await page.getByTestId("verify").getByText("Nothing to verify yet.").waitFor();
    await page.getByRole("button", { name: "Export JSON" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "Could not export JSON." }).textContent()).toContain("there is nothing to export");
  });

  test("a second source for a mirrored process is refused; a scheduler without CORS headers is refused at the start with a message naming CORS, and no mirror is kept for it", async () => {
    const noCors = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"current":3}'));
    await new Promise<void>((resolve) => noCors.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(noCors.address() as AddressInfo).port}`;
      await mirror(url, big, "ao.N.1");
      // The process is already mirrored from A: the form refuses a second source for it.
      await page.getByText(`process ${big} is already mirrored from ${a.url}`).waitFor();
      const stranger = `${"C".repeat(42)}A`;
      await mirror(url, stranger, "ao.N.1");
      const alert = page.getByRole("alert").filter({ hasText: "Could not start the mirror." });
      await expect.poll(() => alert.textContent()).toContain(`scheduler ${url} cannot be reached`);
      expect(await alert.textContent()).toContain("Access-Control-Allow-Origin (CORS)");
      expect(await card(stranger).count()).toBe(0);
    } finally {
      noCors.close();
    }
  });

  test("starting a mirror says what is wrong before anything is kept: a URL that is not one and a non-canonical id (the form), a scheduler that is down (unreachable, not a question of formats), a process the node does not know; the long id in the message wraps inside it", async () => {
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    const form = page.getByTestId("mirror-form");
    await form.locator("input[name=url]").fill("not a url");
    expect(await form.locator("input[name=url]").evaluate((i: HTMLInputElement) => i.validity.valid)).toBe(false);
    await form.locator("input[name=pid]").fill("W".repeat(43));
    expect(await form.locator("input[name=pid]").evaluate((i: HTMLInputElement) => i.validity.valid)).toBe(false);

    const unknown = `${"Z".repeat(42)}A`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const refused = page.getByRole("alert").filter({ hasText: "Could not start the mirror." });
    await mirror(downUrl, unknown, "auto");
    await refused.waitFor();
    expect(await refused.textContent()).toContain(`scheduler ${downUrl} cannot be reached`);
    expect(await refused.textContent()).not.toContain("variant");

    await mirror(a.url, unknown, "auto");
    await expect.poll(() => refused.textContent()).toContain("answered 404");
    expect(await refused.textContent()).toContain(unknown);
    expect(await refused.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await card(unknown).count()).toBe(0);
  });

  test("pages for what is not there say so: a slot past the kept ones offers the last kept slot, and a process path that is not an id says it is not one", async () => {
    await page.goto(`${a.url}/dashboard/#/process/${legacy}/999`);
    await page.getByText("Slot 999 of this process is not in this browser.").waitFor();
    expect(await page.getByRole("link", { name: /^Slot \d/ }).allTextContents()).toEqual(["Slot 39"]);
    await page.goto(`${a.url}/dashboard/#/process/notanid`);
    await page.getByText("Not a process id.").waitFor();
    expect(await page.locator("main").textContent()).toContain("this one is 7 characters, not 43");
  });

  test("the live view follows the process by subscription and shows a message posted to the node after the page opened", async () => {
    const polls: string[] = [];
    const onRequest = (r: { url(): string }) => void (/\/next\?/.test(r.url()) && polls.push(r.url()));
    page.on("request", onRequest);
    await page.goto(`${a.url}/dashboard/#/process/${big}`);
    await page.getByTestId("latest").waitFor();
    await page.getByTestId("live").click();
    await expect.poll(() => page.getByTestId("live").getAttribute("aria-pressed")).toBe("true");
    const id = await sendMessage(a, client, big, "posted while watching");
    await expect.poll(() => page.getByTestId("latest").textContent(), { timeout: 30_000 }).toContain(id);
    expect(await page.getByTestId("latest").textContent()).toContain("slot 1,000");
    await page.getByTestId("live").click();
    page.off("request", onRequest);
    expect(polls).toEqual([]); // pushed over the subscription, not long-polled
  });

  test("exports the legacy mirror as an ANS-104 bundle and as JSON with the same 40 assignments; removed, it comes back from either file with every slot checked again; search finds a message and an assignment at their slots", async () => {
    await page.goto(`${a.url}/dashboard/#/process/${legacy}`);
    // The page before showed another process: wait for this one's verdict, not for any verdict.
    await expect.poll(() => page.getByTestId("verify").textContent()).toContain("Verified: 40 slots");
    const files: Record<string, string> = {};
    for (const [kind, ext] of [["bundle", "ans104"], ["JSON", "json"]] as const) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: `Export ${kind}` }).click()]);
      expect(download.suggestedFilename()).toBe(`${legacy}.${ext}`);
      files[ext] = join(SHOTS, download.suggestedFilename());
      await download.saveAs(files[ext]);
    }
    const [bundle, json] = [readScheduleFile(readFileSync(files.ans104)), readScheduleFile(readFileSync(files.json))];
    const ids = (f: typeof bundle) => f.slots.map((s) => parseItem(s.assignment, NO_LIMITS).id);
    expect(bundle.processId).toBe(legacy);
    expect(bundle.slots.map((s) => s.slot)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(ids(json)).toEqual(ids(bundle));

    for (const ext of ["ans104", "json"]) {
      await removeAndImport(legacy, files[ext]);
      await page.goto(`${a.url}/dashboard/#/process/${legacy}`);
      await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
      expect(await page.getByTestId("verify").textContent()).toContain("Verified: 40 slots");
    }

    // The same file again, over the mirror it already filled: the import says nothing was new.
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    await page.getByLabel("Import a schedule file").setInputFiles(files.json);
    await page.getByText(`40 slots of ${legacy} in ${legacy}.json: all of them were already kept here.`).waitFor();

    // spawnWithSlots seeds one message over and over: search names the first slot that holds it.
    const message = parseItem(bundle.slots[12].message!, NO_LIMITS).id;
    for (const [id, what, slot] of [[message, "Message", 1], [ids(bundle)[5], "Assignment", 5]] as const) {
      await page.getByLabel("Search by id").fill(id);
      await page.getByLabel("Search by id").press("Enter");
      const hit = page.getByTestId("search-results").getByText(`${what} at slot ${slot} of`);
      await hit.waitFor();
      await hit.getByRole("link").click();
      await page.waitForURL(`**#/process/${legacy}/${slot}`);
      await page.locator("dd", { hasText: id }).waitFor();
    }
  });

  test("a JSON file that marks slot 3 chain-checked (bytes a lossy source rebuilt, its signature broken) imports as chain-checked only, and says so; its bundle export is refused, pointing to JSON", async () => {
    // Its own export of the legacy mirror to start from (the file the test before this one wrote is that test's).
    await page.goto(`${a.url}/dashboard/#/process/${legacy}`);
    await expect.poll(() => page.getByTestId("verify").textContent()).toContain("Verified: 40 slots");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
    expect(download.suggestedFilename()).toBe(`${legacy}.json`);
    const good = join(SHOTS, `${legacy}.for-chain-checked.json`);
    await download.saveAs(good);
    const file = readScheduleFile(readFileSync(good));
    expect(file.slots).toHaveLength(40);
    const slots = file.slots.map((s): StoredSlot => {
      const a = parseItem(s.slot === 3 ? withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) : s.assignment, NO_LIMITS);
      return { slot: s.slot, assignmentId: a.id, messageId: tagValue(a.tags, "Message") ?? legacy, timestamp: Number(tagValue(a.tags, "Timestamp")), assignment: a.raw, message: s.message, status: s.slot === 3 ? "chain-checked" : "verified" };
    });
    const lossy = join(SHOTS, `${legacy}.chain-checked.json`);
    writeFileSync(lossy, exportJson(legacy, slots));
    await removeAndImport(legacy, lossy);
    expect(await card(legacy).textContent()).toContain("chain-checked only");
    await page.goto(`${a.url}/dashboard/#/process/${legacy}`);
    await page.locator("[data-testid=verify] [data-verified=false]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Chain-checked: 40 slots (1 without signature checks");
    await page.getByRole("button", { name: "Export bundle" }).click();
    await page.getByText("Could not export a bundle.").waitFor();
    expect(await page.getByRole("alert").first().textContent()).toContain("1 of 40 are chain-checked only (the first is slot 3)");
    await removeAndImport(legacy, good); // as it was, for the tests after this one
  });

  test("offline: the dashboard reloads with no network, lists every mirror, and replays both the node's and the legacy process to the end with every check green", async () => {
    await context.setOffline(true);
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    await page.reload();
    await card(big).waitFor();
    expect(await page.locator("#net").textContent()).toBe("offline");
    for (const pid of [big, legacy, long]) expect(await card(pid).count()).toBe(1);
    // A sync with no network leaves a complete mirror complete: still verified, the failure noted.
    await card(big).getByRole("button", { name: "Sync" }).click();
    await expect.poll(() => card(big).textContent()).toContain("cannot be reached");
    expect(await card(big).getAttribute("data-state")).toBe("done");
    expect(await card(big).getByTestId("mirror-state").textContent()).toBe("verified");
    expect(await card(big).textContent()).toContain("Every slot kept here stays verified. You are offline: it tries again once you are back online.");
    for (const [pid, slots] of [[big, 1001], [legacy, 40]] as const) {
      await page.goto(`${a.url}/dashboard/#/process/${pid}`);
      await page.getByRole("button", { name: "Play" }).waitFor();
      await page.getByLabel("Replay speed").selectOption("0");
      await page.getByRole("button", { name: "Play" }).click();
      await page.getByTestId("replay-done").waitFor({ timeout: 120_000 });
      expect(await page.getByTestId("replay-position").textContent()).toBe(`slot ${(slots - 1).toLocaleString("en-US")} (${slots.toLocaleString("en-US")} of ${slots.toLocaleString("en-US")})`);
      expect(await page.getByTestId("replay-result").textContent()).toBe("all checks passed");
      expect(await page.getByTestId("replay-status").textContent()).toContain(`${slots.toLocaleString("en-US")} re-checked`);
    }
    await page.screenshot({ path: join(SHOTS, "replay-offline.png"), fullPage: true });
  });

  test("offline: the browser peer spawns a scratch process and schedules a message, whose assignment verifies like the node's", async () => {
    await page.goto(`${a.url}/dashboard/#/peer`);
    await page.getByRole("button", { name: "New scratch process" }).click();
    const send = page.getByTestId("peer-send");
    await expect.poll(() => send.getByRole("button", { name: "Schedule" }).isEnabled()).toBe(true);
    await send.locator("input[name=data]").fill("scheduled offline");
    await send.getByRole("button", { name: "Schedule" }).click();
    const result = page.locator("[data-testid=peer-result] [data-slot='1']");
    await result.waitFor();
    const peerAddress = await page.getByTestId("peer-address").textContent();
    const json = JSON.parse((await page.locator("[data-testid=peer-result] pre").first().textContent())!);
    expect(json.commitments).toBeDefined();
    await page.screenshot({ path: join(SHOTS, "peer.png"), fullPage: true });
    await result.getByRole("link", { name: "Open the slot" }).click();
    await page.getByText(peerAddress!).first().waitFor();
    await page.getByRole("link", { name: "Process", exact: true }).click();
    await page.locator("[data-testid=verify] [data-verified=true]").waitFor();
    expect(await page.getByTestId("verify").textContent()).toContain("Verified: 2 slots");
    await context.setOffline(false);
  });

  test("back online: the mirror whose sync failed offline syncs again by itself and its note clears; the node page, opened offline, shows the node once the network is back", async () => {
    await page.goto(`${a.url}/dashboard/#/mirrors`);
    // Read at once: the card redraws with each run (a sync may start again meanwhile).
    const state = async () => `${await card(big).getAttribute("data-state")}, ${await card(big).getByTestId("mirror-state").textContent()}${(await card(big).textContent())?.includes("cannot be reached") ? ", sync failed" : ""}`;
    await expect.poll(state, { timeout: 30_000 }).toBe("done, verified");
    await context.setOffline(true);
    await page.goto(`${a.url}/dashboard/#/`);
    await page.getByText("The node is not answering.").waitFor();
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId("node-address").textContent(), { timeout: 20_000 }).toBe(a.address);
  });

  test("all of the above ran under the dashboard's Content-Security-Policy, the browser refused nothing under it, and the check workers compiled their WebAssembly SHA-2", async () => {
    const answer = await page.goto(`${a.url}/dashboard/`);
    expect(await answer?.headerValue("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self';/);
    expect(refusedByCsp).toEqual([]);
  });
});
