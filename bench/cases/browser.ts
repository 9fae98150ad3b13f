/**
 * Case 9: the dashboard in headless Chromium against `npm start`, as a user drives it: mirror a
 * 100,000-slot process from the node into IndexedDB (fetch, verify every slot in the page's pool
 * of check workers, store), then verify all of it again from IndexedDB (the same pool), while a
 * PerformanceObserver records every main-thread task over 50 ms. Both start once the node has
 * finished its background work on the seed. Each rate is given as a ratio to the raw
 * two-signature bound (browser-bound.ts: raw WebCrypto Ed25519 verifies per second over one
 * worker per core, halved, since each slot carries two signatures, its assignment's and its
 * message's), measured in the same run on either side of it: before and after the mirror for the
 * mirror, after the mirror and after the verify for the verify, each once the machine is quiet.
 * This machine's share of its host moves by a third for seconds at a time, so a bound taken
 * next to each rate is the one to compare it with.
 */
import type { Page } from "playwright-core";
import { launchChromium } from "../../test/browser/chromium.ts";
import { rawBound } from "../browser-bound.ts";
import { quiet } from "../quiet.ts";
import type { Row } from "../report.ts";
import type { Workload } from "../workload.ts";

const SLOTS = 100_000;

/**
 * Resolves once `selector` matches, seen by a MutationObserver in the page. Playwright's own
 * waiting polls on every animation frame, which kept the page's main thread, its compositor and
 * the GPU process drawing throughout (about 6% of two cores) beside the very work measured.
 */
const appears = (page: Page, selector: string) =>
  page.evaluate(
    (sel) =>
      new Promise<void>((resolve) => {
        if (document.querySelector(sel)) return resolve();
        const seen = new MutationObserver(() => {
          if (!document.querySelector(sel)) return;
          seen.disconnect();
          resolve();
        });
        seen.observe(document, { subtree: true, childList: true, attributes: true });
      }),
    selector,
  );

const longest = (page: Page) => page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
const forgetTasks = (page: Page) => page.evaluate(() => void ((window as unknown as { longTasks: number[] }).longTasks = []));

export async function browserCase(url: string, work: Workload): Promise<Row[]> {
  console.log(`9 browser: seeding a ${SLOTS.toLocaleString("en-US")}-slot process`);
  const pid = await work.spawn();
  await work.seed(pid, SLOTS - 1);
  // The node publishes the seed's counters and ids in the background: the bound and the mirror are measured after that.
  const waited = await quiet();
  console.log(`9 browser: the node went quiet after ${(waited / 1000).toFixed(0)} s`);
  const browser = await launchChromium();
  try {
    console.log("9 browser: the raw two-signature bound");
    const before = await rawBound(browser);
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

    console.log("9 browser: mirroring");
    const form = page.getByTestId("mirror-form");
    await form.locator("input[name=pid]").fill(pid);
    await form.locator("select[name=variant]").selectOption("ao.N.1");
    await forgetTasks(page); // loading the page is not the mirror's work
    const started = Date.now();
    await form.getByRole("button", { name: "Mirror" }).click();
    await appears(page, `[data-process="${pid}"][data-state=done]`);
    const mirrorSeconds = (Date.now() - started) / 1000;
    const mirrorLongest = await longest(page);
    // The browser settles what it just wrote (its storage's own work) before the bound is measured again.
    await quiet();
    const between = await rawBound(browser);

    console.log("9 browser: verifying from IndexedDB");
    await page.goto(`${url}/dashboard/#/process/${pid}`);
    // Opening the page (its scripts, its first draw) is not the verify's work; the verify starts with the page.
    await page.locator("[data-testid=verify] progress").waitFor();
    await forgetTasks(page);
    const verified = page.locator("[data-testid=verify] [data-verified=true]");
    await appears(page, "[data-testid=verify] [data-verified=true]");
    const [checked, ms] = [Number(await verified.getAttribute("data-checked")), Number(await verified.getAttribute("data-ms"))];
    const verifyLongest = await longest(page);
    const verifyRate = (checked * 1000) / ms;
    await context.close();

    await quiet();
    const after = await rawBound(browser);
    const mirrorBound = (before.slots + between.slots) / 2;
    const verifyBound = (between.slots + after.slots) / 2;
    const perSlot = (bound: number, when: string) => `ratio: × the raw two-signature bound ${when}, ${Math.round(bound).toLocaleString("en-US")} slots/s`;
    const workers = `${before.workers} worker${before.workers === 1 ? "" : "s"}`;
    return [
      { case: "9 browser", measure: `bound: raw WebCrypto Ed25519 verifies over ${workers}, before the mirror`, value: before.verifies, unit: "verifies/s", runs: 1 },
      { case: "9 browser", measure: "bound: the same, after the mirror", value: between.verifies, unit: "verifies/s", runs: 1 },
      { case: "9 browser", measure: "bound: the same, after the verify", value: after.verifies, unit: "verifies/s", runs: 1 },
      { case: "9 browser", measure: "bound: two signatures a slot, around the mirror (mean of the first two ÷ 2)", value: mirrorBound, unit: "slots/s", runs: 1, note: "nothing but signature checks: no parsing, hashing or storage" },
      { case: "9 browser", measure: "bound: two signatures a slot, around the verify (mean of the last two ÷ 2)", value: verifyBound, unit: "slots/s", runs: 1, note: "nothing but signature checks: no parsing, hashing or storage" },
      { case: "9 browser", measure: `verify ${checked.toLocaleString("en-US")} slots again from IndexedDB (the pool, one worker per core)`, value: verifyRate, unit: "slots/s", ratio: verifyRate / verifyBound, runs: 1, note: perSlot(verifyBound, "around the verify") },
      { case: "9 browser", measure: `mirror ${SLOTS.toLocaleString("en-US")} slots from the node (fetch, verify, store)`, value: SLOTS / mirrorSeconds, unit: "slots/s", ratio: SLOTS / mirrorSeconds / mirrorBound, runs: 1, note: perSlot(mirrorBound, "around the mirror") },
      { case: "9 browser", measure: "longest main-thread task while verifying", value: verifyLongest, unit: "ms", runs: 1, note: "tasks under 50 ms are not reported by the browser: 0 means none over 50 ms" },
      { case: "9 browser", measure: "longest main-thread task while mirroring", value: mirrorLongest, unit: "ms", runs: 1, note: "tasks under 50 ms are not reported by the browser: 0 means none over 50 ms" },
    ];
  } finally {
    await browser.close();
  }
}
