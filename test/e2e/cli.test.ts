/**
 * The command-line tools as a user meets them first: `--help` prints the usage and exits 0; a bad
 * option exits 2 with one line saying why and the usage, never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { ROOT } from "./server.ts";

const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [`scripts/${script}.mjs`, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("npm run item, location and deploy", () => {
  test.each([["item"], ["location"], ["deploy"]])("%s --help prints its usage and exits 0", (script) => {
    const r = run(script, "--help");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage:[\\s\\S]*npm run ${script} `));
  });

  test.each([
    ["item", ["--nope"], /^item: first argument must be `process` or `message`\nusage:/],
    ["location", ["--ttl", "-5"], /^location: Option '--ttl' argument is ambiguous\. .*'--ttl=-XYZ'\.\nusage: npm run location -- --url/],
    ["deploy", ["--dryrun"], /^\[deploy\] Unknown option '--dryrun'.*\nusage: npm run deploy /],
  ])("%s %j exits 2 with the reason and the usage, no stack trace", (script, args, message) => {
    const r = run(script, ...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
