/**
 * `npm run fuzz`, short and seeded, against a real `npm start` (REMOTE_PRIVATE=deny): the fixed
 * sweep plus seeded bad input (2,000 requests in all, hints and location records aimed at two
 * counting internal services among them), every raw-socket case, and the policy cases against a
 * second server with SPAWN_ALLOW and rate limits set. The report printed on failure names each
 * offending case with the command that reproduces it.
 */
import { expect, test } from "vitest";
import { runFuzz } from "../../fuzz/fuzz.ts";
import { DEADLINE_MS } from "../../fuzz/raw.ts";
import { ROOT } from "./server.ts";

const SEED = 20_260_101;

// Other clients are probed while each raw case holds its connection: here each probe must be answered
// within the fuzzer's hang deadline, not within the 2 s `npm run fuzz` holds a quiet machine to.
test("fuzz, 2,000 seeded bad requests, every raw-socket case and the policy cases: 0 5xx, 0 hangs, 0 exits, every probe of other clients answered, no request reaching the internal services, no policy breach, schedule unchanged", async () => {
  const r = await runFuzz({ requests: 2000, seed: SEED, root: ROOT, probeMs: DEADLINE_MS });
  if (!r.ok) console.error(r.text);
  expect(r.requests).toBe(2000);
  expect(r.rawCases).toBeGreaterThan(40);
  expect(r.policyRequests).toBeGreaterThan(40);
  expect({ "5xx": r.fivexx, hangs: r.hangs, exits: r.exits, delayed: r.delayed, reached: r.reached, scheduleUnchanged: r.scheduleUnchanged }, r.text).toEqual({
    "5xx": 0,
    hangs: 0,
    exits: 0,
    delayed: 0,
    reached: 0,
    scheduleUnchanged: true,
  });
  expect(r.text).toMatch(/^destinations +\d+ /m); // the destination cases ran
  expect(r.text).toMatch(/^policy +\d+ .*403×\d+ 429×\d+/m); // and the policy cases, refused for the policy
  expect(r.text).toMatch(/ policy breaches: 0 /);
}, 900_000); // about a minute against a sound server; the failures of a broken one (hangs, restarts) take longer to name
