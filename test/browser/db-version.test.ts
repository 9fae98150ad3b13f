/**
 * The dashboard's database across versions, as two tabs see it: a tab of an older dashboard that
 * holds the database open makes a newer one wait, and the newer one says so and carries on once
 * that tab lets go; a tab of this dashboard lets go by itself when a newer version needs the
 * database, and says to reload.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { DB_VERSION } from "../../web/src/db.ts";
import { VERSION_3_STORES } from "../support/dashboard-v3.ts";
import { launchChromium } from "./chromium.ts";
import { startNode, type Node } from "./nodes.ts";

let node: Node;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [node, browser] = await Promise.all([startNode(), launchChromium()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 60_000);

beforeEach(async () => {
  context = await browser.newContext();
});

afterEach(async () => {
  await context?.close();
});

/** A page of the dashboard's origin that is not the dashboard: where the "other tab" opens the database by hand. */
async function otherTab(): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${node.url}/dashboard/icon.svg`);
  return page;
}

describe("the dashboard's database across versions", () => {
  test("a tab holding the database open at version 3 (an older dashboard) makes a new dashboard tab wait, saying so; once that tab lets go, the dashboard upgrades it and opens", async () => {
    const older = await otherTab();
    await older.evaluate(
      (stores) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open("ao-dashboard", 3);
          open.onupgradeneeded = () => {
            for (const [store, keyPath, indexes] of stores) {
              const made = open.result.createObjectStore(store, { keyPath });
              for (const [index, path, multiEntry] of indexes) made.createIndex(index, path, { multiEntry });
            }
          };
          open.onsuccess = () => ((window as unknown as { held: IDBDatabase }).held = open.result, resolve());
          open.onerror = () => reject(open.error);
        }),
      VERSION_3_STORES,
    );
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${node.url}/dashboard/`);
    await page.getByText("Waiting for another tab of the dashboard.").waitFor();
    expect(await page.locator("#app").textContent()).toContain("Close or reload that tab");
    await older.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
    await page.getByRole("heading", { name: "This node" }).waitFor();
    expect(await page.getByText("Waiting for another tab of the dashboard.").count()).toBe(0);
    const stores = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const open = indexedDB.open("ao-dashboard");
          open.onsuccess = () => (resolve([String(open.result.version), ...[...open.result.objectStoreNames].sort()]), open.result.close());
        }),
    );
    expect(stores).toEqual([String(DB_VERSION), "chunks", "digests", "forks", "mirrors"]);
  });

  test("a dashboard tab lets go of its database when a newer version opens it in another tab, which then opens at once; the dashboard tab says to reload", async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${node.url}/dashboard/#/mirrors`);
    await page.getByTestId("mirror-form").waitFor();
    const newer = await otherTab();
    const opened = await newer.evaluate(
      (version) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open("ao-dashboard", version);
          const late = setTimeout(() => resolve("still blocked after 10 s"), 10_000);
          open.onsuccess = () => (clearTimeout(late), resolve(`opened at ${open.result.version}`), open.result.close());
          open.onerror = () => (clearTimeout(late), resolve(`failed: ${open.error?.message}`));
        }),
      DB_VERSION + 1,
    );
    expect(opened).toBe(`opened at ${DB_VERSION + 1}`);
    await page.getByText("A newer version of the dashboard opened in another tab.").waitFor();
    expect(await page.locator("#app").textContent()).toContain("Reload this tab to carry on.");
  });
});
