/**
 * README's first try, exactly as a new user does it, ten times in a row, each on a fresh browser
 * profile: open the dashboard, the node page lists this node's 3-slot process, press Mirror on
 * it (the page moves to the process), then press Play in Replay. Each time the badge must turn
 * to "verified" with no Pause button left, the page must count 3 / 3 slots, Replay must be ready
 * with 3 slots, and Play must walk them to the end with the counter right.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ROOT } from "../e2e/server.ts";
import { clientSigner } from "../support/keys.ts";
import { launchChromium } from "./chromium.ts";
import { spawnWithSlots, startNode, type Node } from "./nodes.ts";

const TRIES = 10;
const SHOTS = join(ROOT, "test-results", "browser");

let node: Node;
let browser: Browser;
let pid = "";

beforeAll(async () => {
  [node, browser] = await Promise.all([startNode(), launchChromium()]);
  pid = await spawnWithSlots(node, await clientSigner(), 3, "first");
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 60_000);

/** The view's container, focused on load for screen readers, shows no focus ring. */
async function noStrayRing(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("app");
  expect(await page.locator("#app").evaluate((main) => getComputedStyle(main).outlineStyle)).toBe("none");
}

/** Start over draws its icon (no glyph a font may lack). */
async function startOverDraws(page: Page): Promise<void> {
  const startOver = page.getByRole("button", { name: "Start over" });
  expect(await startOver.textContent()).toBe("Start over");
  const box = await startOver.locator("svg path").boundingBox();
  expect(box && box.width > 0 && box.height > 0).toBe(true);
}

describe("README's first try: node page, Mirror, Play", () => {
  test(`works at once on ${TRIES} fresh profiles in a row: badge verified with no Pause button, 3 / 3 slots, Replay ready with 3 slots, Play walks to slot 2 (3 of 3)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        await page.goto(`${node.url}/dashboard/`);
        const row = page.locator("tr", { has: page.locator(`a[href="#/process/${pid}"]`) });
        await row.waitFor();
        if (i === 0) await noStrayRing(page);
        await row.getByRole("button", { name: "Mirror" }).click();
        await page.waitForURL(`**#/process/${pid}`);

        const badge = page.getByTestId("mirror-state");
        await expect.poll(() => badge.textContent(), { message: `try ${i + 1}: the badge` }).toBe("verified");
        expect(await page.getByRole("button", { name: "Pause" }).count(), `try ${i + 1}: a Pause button after the mirror finished`).toBe(0);
        expect(await page.getByTestId("slots-done").textContent()).toBe("3 / 3 slots");
        await expect.poll(() => page.getByTestId("replay-position").textContent(), { message: `try ${i + 1}: Replay` }).toBe("ready: 3 slots");
        expect(await page.getByTestId("replay-done").count()).toBe(0);
        if (i === 0) await startOverDraws(page);

        await page.getByRole("button", { name: "Play" }).click();
        await page.getByTestId("replay-done").waitFor();
        expect(await page.getByTestId("replay-position").textContent()).toBe("slot 2 (3 of 3)");
        expect(await page.getByTestId("replay-result").textContent()).toBe("all checks passed");
        expect(await page.getByTestId("replay-status").textContent()).toContain("3 re-checked");
        if (i === 0) await page.screenshot({ path: join(SHOTS, "first-try.png"), fullPage: true });
      } finally {
        await context.close();
      }
    }
  });
});
