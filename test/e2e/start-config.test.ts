/**
 * `npm start` checks its settings before anything starts: a setting that cannot work stops it at
 * once (exit 2) with a message naming the variable and what it accepts, and never echoes a key.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { readConfig } from "../../local/config.ts";
import { freePort, ROOT } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "ao-start-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  const port = String(await freePort());
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["scripts/start.mjs"],
      { cwd: ROOT, env: { ...process.env, PORT: port, STATE_DIR: join(dir, "state"), SCHEDULER_KEY: "", SCHEDULER_KEY_FILE: "", ...env }, encoding: "utf8", timeout: 60_000 },
      (_err, _stdout, stderr) => resolve({ status: child.exitCode, stderr }),
    );
  });
}

const SECRET = "c0ffee".repeat(11);
const cases: [string, Record<string, string>, RegExp][] = [
  ["a key in no accepted form", { SCHEDULER_KEY: `${SECRET}zz` }, /^\[start\] SCHEDULER_KEY is not a usable scheduler key \(expected a 32-byte Ed25519 seed .*\); it must hold a 32-byte Ed25519 seed \(64 hex digits or 43 base64url characters\), an Ed25519 JWK \(kty OKP, d\), or an Arweave RSA-4096 JWK \(kty RSA, n, d\)$/m],
  ["a key with a quote in it", { SCHEDULER_KEY: `{"kty":"RSA","n":"it's","d":"${SECRET}"}` }, /^\[start\] SCHEDULER_KEY is not a usable scheduler key \(.*\); it must hold /m],
  ["JSON that does not parse", { SCHEDULER_KEY: `{"kty": "RSA", ${SECRET}` }, /^\[start\] SCHEDULER_KEY is not a usable scheduler key \(looks like JSON but does not parse\)/m],
  ["both key settings", { SCHEDULER_KEY: "11".repeat(32), SCHEDULER_KEY_FILE: join(dir, "key") }, /^\[start\] SCHEDULER_KEY and SCHEDULER_KEY_FILE are both set; set one of them$/m],
  ["a key file that does not exist", { SCHEDULER_KEY_FILE: join(dir, "missing.json") }, /^\[start\] SCHEDULER_KEY_FILE .*missing\.json cannot be read: ENOENT$/m],
  ["a port that is not one", { PORT: "80a" }, /^\[start\] PORT must be an integer from 1 to 65535; got "80a"$/m],
  ["a gateway that is not an http URL", { GATEWAY_URL: "ftp://gateway" }, /^\[start\] GATEWAY_URL must be an http\(s\) URL/m],
  ["a public URL carrying credentials", { PUBLIC_URL: `https://user:${SECRET}@node.example` }, /^\[start\] PUBLIC_URL must carry no credentials \(user:password@\): this node would not send them, and shows the URL to anyone$/m],
  ["a gateway URL carrying credentials", { GATEWAY_URL: `https://gw:${SECRET}@gateway.example` }, /^\[start\] GATEWAY_URL must carry no credentials \(user:password@\)/m],
  ["an unknown scheduling mode", { SCHEDULING_MODE: "fast" }, /^\[start\] SCHEDULING_MODE must be one of local_confirmation, aggressive; got "fast"$/m],
  ["an unknown variant", { SCHEDULER_VARIANT: "ao.X.1" }, /^\[start\] SCHEDULER_VARIANT must be one of ao\.TN\.1, ao\.N\.1; got "ao\.X\.1"$/m],
  ["an unknown private-destination setting", { REMOTE_PRIVATE: "yes" }, /^\[start\] REMOTE_PRIVATE must be one of allow, deny; got "yes"$/m],
  ["a remote timeout that is not a number", { REMOTE_TIMEOUT_MS: "10s" }, /^\[start\] REMOTE_TIMEOUT_MS must be an integer from 100 to 50000; got "10s"$/m],
  ["a STATE_DIR that cannot be made (under /proc)", { STATE_DIR: "/proc/ao-state" }, /^\[start\] cannot lock STATE_DIR \/proc\/ao-state: ENOENT: no such file or directory, mkdir '\/proc\/ao-state'$/m],
  ["an INSPECTOR_PORT whose next port does not exist", { INSPECTOR_PORT: "65535" }, /^\[start\] INSPECTOR_PORT must be an integer from 1 to 65534; got "65535"$/m],
];

describe("npm start refuses settings that cannot work, before starting anything", () => {
  test.concurrent.each(cases)("%s: exit 2 with a message naming the setting", async (_name, env, message) => {
    const r = await start(env);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/SyntaxError|at .*\.mjs:\d+/);
  });

  test("a key file holding an unusable key names the file", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ kty: "OKP", crv: "Ed25519", d: "short" }));
    const r = await start({ SCHEDULER_KEY_FILE: join(dir, "bad.json") });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\[start\] SCHEDULER_KEY_FILE \(.*bad\.json\) is not a usable scheduler key/m);
  });
});

test("INSPECTOR_PORT opens the inspector on that port and the next, with a warning that names both", async () => {
  const config = await readConfig({ INSPECTOR_PORT: "9300" }, ROOT);
  expect(config.inspectorPort).toBe(9300);
  expect(config.warnings.filter((w) => w.startsWith("INSPECTOR_PORT is set"))).toEqual([expect.stringMatching(/127\.0\.0\.1:9300 .*:9301/)]);
  expect((await readConfig({}, ROOT)).inspectorPort).toBeUndefined();
});

describe("REMOTE_PRIVATE: whether hints and location records may send the node to private addresses", () => {
  const decided = async (env: Record<string, string>) => {
    const config = await readConfig(env, ROOT);
    return { remotePrivate: config.bindings.REMOTE_PRIVATE, warned: config.warnings.some((w) => w.startsWith("REMOTE_PRIVATE=allow")) };
  };

  test.each([
    [{}, "allow"],
    [{ HOST: "127.0.0.1" }, "allow"],
    [{ HOST: "127.0.0.2" }, "allow"],
    [{ HOST: "::1" }, "allow"],
    [{ HOST: "localhost" }, "allow"],
    [{ HOST: "0.0.0.0" }, "deny"],
    [{ HOST: "::" }, "deny"],
    [{ HOST: "192.168.1.5" }, "deny"],
    [{ HOST: "scheduler.example" }, "deny"],
  ] as [Record<string, string>, string][])("by default it follows where the node listens: %o gives %s", async (env, expected) => {
    expect(await decided(env)).toEqual({ remotePrivate: expected, warned: false });
  });

  test("an operator's choice wins, and allowing it on an interface others reach is warned about", async () => {
    expect(await decided({ REMOTE_PRIVATE: "deny" })).toEqual({ remotePrivate: "deny", warned: false });
    expect(await decided({ HOST: "0.0.0.0", REMOTE_PRIVATE: "allow" })).toEqual({ remotePrivate: "allow", warned: true });
  });
});
