/**
 * Case 9: the dashboard in headless Chromium against `npm start`, as a user drives it: mirror a
 * 100,000-slot process from the node into IndexedDB (fetch, verify every slot in the mirror
 * worker, store), then verify all of it again from IndexedDB (audit workers, one per core),
 * while a PerformanceObserver records every main-thread task over 50 ms. The ceiling is the
 * page's own WebCrypto Ed25519 verify rate on one thread (each slot needs two signature checks:
 * its assignment's and its message's).
 */
import type { Page } from "playwright-core";
import { launchChromium } from "../../test/browser/chromium.ts";
import type { Row } from "../report.ts";
import type { Workload } from "../workload.ts";

const SLOTS = 100_000;

async function ed25519Ceiling(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const key = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    const message = new Uint8Array(48).fill(7);
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, message);
    const n = 4000;
    const started = performance.now();
    for (let i = 0; i < n; i++) await crypto.subtle.verify({ name: "Ed25519" }, key.publicKey, signature, message);
    return (n * 1000) / (performance.now() - started);
  });
}

export async function browserCase(url: string, work: Workload): Promise<Row[]> {
  console.log(`9 browser: seeding a ${SLOTS.toLocaleString("en-US")}-slot process`);
  const pid = await work.spawn();
  await work.seed(pid, SLOTS - 1);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    // Every main-thread task over 50 ms (the Long Tasks API), from the page's first script on.
    await context.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: "longtask", buffered: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(`${url}/dashboard/#/mirrors`);
    const ceiling = await ed25519Ceiling(page);

    console.log("9 browser: mirroring");
    const form = page.getByTestId("mirror-form");
    await form.locator("input[name=pid]").fill(pid);
    await form.locator("select[name=variant]").selectOption("ao.N.1");
    // Tasks of loading the page and of measuring the ceiling are not the mirror's.
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
    const started = Date.now();
    await form.getByRole("button", { name: "Mirror" }).click();
    await page.locator(`[data-process="${pid}"][data-state=done]`).waitFor();
    const mirrorSeconds = (Date.now() - started) / 1000;
    const mirrorLongest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));

    console.log("9 browser: verifying from IndexedDB");
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
    await page.goto(`${url}/dashboard/#/process/${pid}`);
    const verified = page.locator("[data-testid=verify] [data-verified=true]");
    await verified.waitFor();
    const [checked, ms] = [Number(await verified.getAttribute("data-checked")), Number(await verified.getAttribute("data-ms"))];
    const verifyLongest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
    const verifyRate = (checked * 1000) / ms;
    const perSlot = "ratio: × half the page's raw Ed25519 verifies/s on one thread (two signatures per slot); several workers can pass 1";
    return [
      { case: "9 browser", measure: "ceiling: WebCrypto Ed25519 verify in the page", value: ceiling, unit: "verifies/s", runs: 1 },
      { case: "9 browser", measure: `verify ${checked.toLocaleString("en-US")} slots from IndexedDB (audit workers, one per core)`, value: verifyRate, unit: "assignments/s", ratio: verifyRate / (ceiling / 2), runs: 1, note: perSlot },
      { case: "9 browser", measure: `mirror ${SLOTS.toLocaleString("en-US")} slots from the node (fetch, verify, store)`, value: SLOTS / mirrorSeconds, unit: "slots/s", ratio: SLOTS / mirrorSeconds / (ceiling / 2), runs: 1, note: perSlot },
      { case: "9 browser", measure: "longest main-thread task while verifying", value: verifyLongest, unit: "ms", runs: 1, note: "tasks under 50 ms are not reported by the browser: 0 means none over 50 ms" },
      { case: "9 browser", measure: "longest main-thread task while mirroring", value: mirrorLongest, unit: "ms", runs: 1, note: "tasks under 50 ms are not reported by the browser: 0 means none over 50 ms" },
    ];
  } finally {
    await browser.close();
  }
}
