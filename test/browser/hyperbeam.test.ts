/**
 * A HyperBEAM process in the dashboard, in real headless Chromium: a small server serves the
 * hand-built aos-2 fixture (test/vectors/hyperbeam-aos2) as a HyperBEAM node would, node A
 * (`npm start`) serves the dashboard. The mirror detects the node as aos-2 and keeps all 12 slots
 * "unverified", and the page says what was and was not checked; a bundle export is refused
 * saying why, JSON exports as the aos-2 page; with the network off it replays to the end, every
 * slot labelled unverified.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SLOT_CHECKS } from "../../src/remote/verify.ts";
import { serveFetch, type Served } from "../e2e/fetch-server.ts";
import { ROOT } from "../e2e/server.ts";
import { hyperbeamSource, type HyperbeamSource } from "../support/hyperbeam-source.ts";
import { launchChromium } from "./chromium.ts";
import { startNode, type Node } from "./nodes.ts";

const SHOTS = join(ROOT, "test-results", "browser");

let a: Node;
let hb: Served;
let source: HyperbeamSource;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  source = hyperbeamSource({ pageSize: 5 });
  [a, hb, browser] = await Promise.all([startNode(), serveFetch(source.fetch), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${a.url}/dashboard/#/mirrors`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await hb?.close();
  await a?.stop();
}, 60_000);

const card = () => page.locator(`[data-process="${source.pid}"]`);

describe("a HyperBEAM process, mirrored through aos-2", () => {
  test("is detected as aos-2 and kept: all 12 slots unverified, the badge says so, and the process page says what was and was not checked", async () => {
    const form = page.getByTestId("mirror-form");
    await form.locator("input[name=url]").fill(hb.url);
    await form.locator("input[name=pid]").fill(source.pid);
    await form.getByRole("button", { name: "Mirror" }).click();
    await card().and(page.locator("[data-state=done]")).waitFor();
    expect(await card().getByTestId("mirror-state").textContent()).toBe("unverified");
    expect(await card().getByTestId("slots-done").textContent()).toBe("12 / 12 slots");
    expect(await card().textContent()).toContain(`${hb.url} · aos-2`);

    await page.goto(`${a.url}/dashboard/#/process/${source.pid}`);
    const verify = page.locator("[data-testid=verify] [data-verified=false]");
    await verify.waitFor();
    expect(await verify.textContent()).toContain("Unverified: 12 slots (12 read from a HyperBEAM node's aos-2 rendering");
    expect(await verify.getByTestId("checked").textContent()).toBe(`Checked: ${SLOT_CHECKS.unverified.checked.join("; ")}.`);
    expect(await verify.getByTestId("not-checked").textContent()).toBe(` Not checked: ${SLOT_CHECKS.unverified.notChecked.join("; ")}.`);
    const badges = page.locator("[data-testid=timeline] tbody tr td:last-child");
    expect(await badges.count()).toBe(12);
    expect(new Set(await badges.allTextContents())).toEqual(new Set(["unverified"]));
    await page.screenshot({ path: join(SHOTS, "hyperbeam.png"), fullPage: true });

    await page.goto(`${a.url}/dashboard/#/process/${source.pid}/3`);
    expect(await page.getByTestId("slot-checks").textContent()).toContain("Not checked: assignment signature (httpsig, which this project cannot check)");
  });

  test("a bundle export is refused saying why; JSON exports the aos-2 page with what was and was not checked", async () => {
    await page.goto(`${a.url}/dashboard/#/process/${source.pid}`);
    await page.locator("[data-testid=verify] [data-verified=false]").waitFor();
    await page.getByRole("button", { name: "Export bundle" }).click();
    await page.getByText("Could not export a bundle.").waitFor();
    expect(await page.getByRole("alert").first().textContent()).toContain("12 of 12 are unverified (the first is slot 0), read from a HyperBEAM node's aos-2 rendering");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
    const file = join(SHOTS, download.suggestedFilename());
    await download.saveAs(file);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.edges).toEqual(source.edges);
    expect(json.unverified["not-checked"]).toEqual(SLOT_CHECKS.unverified.notChecked);
  });

  test("offline, it replays to the end: each of the 12 steps labelled unverified, every check that can be made passed", async () => {
    await context.setOffline(true);
    try {
      await page.goto(`${a.url}/dashboard/#/process/${source.pid}`);
      await page.reload();
      expect(await page.locator("#net").textContent()).toBe("offline");
      await expect.poll(() => page.getByTestId("replay-position").textContent()).toBe("ready: 12 slots");
      const labels: string[] = [];
      for (let i = 0; i < 12; i++) {
        await page.getByRole("button", { name: "Step" }).click();
        await expect.poll(() => page.getByTestId("replay-position").textContent()).toBe(`slot ${i} (${i + 1} of 12)`);
        labels.push((await page.getByTestId("replay-slot-status").textContent()) ?? "");
      }
      expect(labels).toEqual(new Array(12).fill("unverified"));
      await page.getByTestId("replay-done").waitFor();
      expect(await page.getByTestId("replay-result").textContent()).toBe("all checks that can be made passed; 12 unverified");
    } finally {
      await context.setOffline(false);
    }
  });
});
