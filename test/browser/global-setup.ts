// Unpacks Chromium once, before the browser test files run in parallel.
import { chromiumPath } from "./chromium.ts";

export default async function setup(): Promise<void> {
  await chromiumPath();
}
