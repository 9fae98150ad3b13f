/**
 * Headless Chromium for the browser tests: the one @sparticuz/chromium ships in npm (so a clean
 * clone needs no system browser), or CHROMIUM_PATH when set. The binary is unpacked once into
 * node_modules/.cache (global-setup.ts), never into the shared /tmp, where parallel unpacks collide.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { ROOT } from "../e2e/server.ts";

const UNPACK_DIR = join(ROOT, "node_modules", ".cache", "chromium");

// No sandbox: CI runs as root. The rest keeps Chromium off the network and quiet.
const ARGS = ["--no-sandbox", "--no-zygote", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** The Chromium binary, unpacking the npm one on first use. */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const unpacked = join(UNPACK_DIR, "chromium");
  if (existsSync(unpacked)) return unpacked;
  mkdirSync(UNPACK_DIR, { recursive: true });
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = UNPACK_DIR; // where @sparticuz/chromium unpacks (it reads os.tmpdir())
  try {
    const { default: packed } = await import("@sparticuz/chromium");
    return await packed.executablePath();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
}

/**
 * A fontconfig of our own, naming the fonts unpacked with Chromium: the same fonts on every
 * machine (so screenshots match), and Chromium still starts where the system has no fontconfig.
 */
function fontconfig(): string {
  const dir = join(UNPACK_DIR, "fontconfig");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "fonts.conf"), `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(UNPACK_DIR, "fonts")}</dir>\n  <cachedir>${join(dir, "cache")}</cachedir>\n</fontconfig>\n`);
  return dir;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumPath();
  const env = process.env.CHROMIUM_PATH ? process.env : { ...process.env, FONTCONFIG_PATH: fontconfig() };
  return chromium.launch({ executablePath, headless: true, args: ARGS, env });
}
