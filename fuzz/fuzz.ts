/**
 * The fuzz run: start the server, build and checksum the control process, send the HTTP cases
 * (a few at a time), then each raw-socket case alone, checking after each that the server is
 * alive and answers others promptly, and finally that the control schedule did not move. When it
 * starts its own server, the policy cases run against a second one with the operator's policy
 * set (policy.ts).
 */
import { CONTROL_MESSAGES, prepare, snapshot, type Snapshot, type World } from "./control.ts";
import { clip, systematicCases, type HttpCase } from "./cases.ts";
import { Aim } from "./destinations.ts";
import { Connection, describeOutcome, exchange, requestBytes, type Outcome } from "./http.ts";
import { CLIENT_SEED, Items } from "./items.ts";
import { policyCases, policyEnv, type PolicyCase } from "./policy.ts";
import { randomCase } from "./random-cases.ts";
import { DEADLINE_MS, PROBE_MS, rawCases, type Probe, type RawCase, type RawContext } from "./raw.ts";
import { Report } from "./report.ts";
import { startTarget, urlTarget, type Target } from "./target.ts";
import { ed25519Signer } from "../src/crypto/signers.ts";

export interface FuzzOptions {
  /** HTTP requests to send (the fixed sweep first, then seeded random cases). */
  requests: number;
  seed: number;
  /** Only these cases: HTTP case indexes ("12"), raw cases ("raw:slowloris"), "policy" (the policy cases). */
  only?: readonly string[];
  /** HTTP cases in flight at once. */
  concurrency?: number;
  /** Fuzz a server already running there instead of starting one. */
  url?: string;
  /** The checkout, for starting the server. */
  root: string;
  /**
   * How long other clients may wait while a case runs before the run says they were delayed
   * (default PROBE_MS, 2 s). The test suite passes the hang deadline instead: there a probe must
   * be answered, and how fast is the bench's business on a machine the suite shares.
   */
  probeMs?: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  ok: boolean;
  requests: number;
  rawCases: number;
  /** Requests of the policy cases (policy.ts), when the fuzzer started its own servers. */
  policyRequests: number;
  fivexx: number;
  hangs: number;
  exits: number;
  delayed: number;
  /** Requests that reached the counting services the destination cases aim at (judged when the fuzzer started the server, which denies private destinations). */
  reached: number;
  scheduleUnchanged: boolean;
  /** The summary and every finding, as printed. */
  text: string;
  ms: number;
}

const D = "/~scheduler@1.0";
/** How long a case that may have crashed the server gets to show it (the process takes 1-2 s to exit). */
const SETTLE_MS = 4_000;
/** A pause after each raw case before checking on the server, for crashes that come at once. */
const RAW_SETTLE_MS = 100;

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const report = new Report();
  const reproduce = (id: string) => `npm run fuzz -- --seed ${opts.seed} --case ${id.replace(/^#/, "")}${opts.url ? ` --url ${opts.url}` : ""}`;
  // The policy cases' server starts beside the main one (only when the fuzzer starts servers).
  const wantPolicy = !opts.url && (!opts.only?.length || opts.only.some((s) => s.startsWith("policy")));
  const policyTarget = wantPolicy ? ed25519Signer(CLIENT_SEED).then((client) => startTarget(opts.root, policyEnv(client.address))) : undefined;
  policyTarget?.catch(() => {}); // awaited below
  const target = opts.url ? urlTarget(opts.url) : await startTarget(opts.root);
  // The server the fuzzer starts denies private destinations; one already running may not.
  const aim = await Aim.start(!opts.url);
  const open = () => new Connection(target.port, target.host);
  let sent = 0;
  let raws = 0;
  let policySent = 0;
  try {
    const info = (await (await fetch(`${target.url}${D}/info`, { signal: AbortSignal.timeout(10_000) })).json()) as { address: string };
    const world = { ...(await prepare(target.url, opts.seed, info.address, await Items.create(opts.seed, info.address))), aim };
    const before = await snapshot(target.url, world.control);
    const systematic = systematicCases(world);
    const caseAt = (index: number): HttpCase => ({ index, ...(index < systematic.length ? systematic[index] : randomCase(world, opts.seed, index)) });

    const only = opts.only?.length ? opts.only : undefined;
    const indexes = only ? only.filter((s) => /^#?\d+$/.test(s)).map((s) => Number(s.replace("#", ""))) : Array.from({ length: opts.requests }, (_, i) => i);
    const allRaw = rawCases();
    const raw = only ? allRaw.filter((c) => only.includes(`raw:${c.name}`)) : allRaw;
    for (const s of only ?? []) if (s.startsWith("raw:") && !allRaw.some((c) => `raw:${c.name}` === s)) throw new Error(`no raw case ${s}; they are ${allRaw.map((c) => `raw:${c.name}`).join(", ")}`);
    log(`fuzz: seed ${opts.seed}; ${indexes.length} HTTP requests (${Math.min(systematic.length, indexes.length)} of the fixed sweep of ${systematic.length}) and ${raw.length} raw-socket cases`);
    log(`server: ${target.describe} at ${target.url}; control process ${world.control} (${CONTROL_MESSAGES + 1} slots), scratch ${world.scratch}`);
    log(`internal services the destination cases aim at: ${aim.internal.url}, and ${aim.redirector.url} redirecting there${aim.denied ? "" : " (not judged: the server's REMOTE_PRIVATE is its own)"}`);
    if (!only && opts.requests < systematic.length) log(`note: --requests ${opts.requests} covers only part of the fixed sweep (${systematic.length} cases)`);

    const probe = async (when: string, path = `${D}/info`): Promise<Probe> => {
      const o = await exchange(open(), requestBytes("GET", path), opts.probeMs ?? PROBE_MS);
      if (o.kind !== "refused") report.probe(o.ms);
      const ok = o.kind === "response" && o.status === 200 && o.complete;
      return { ok, what: `GET ${clip(path, 80)} ${when}`, detail: describeOutcome(o), ms: o.ms };
    };

    /** Whether the server is gone: its process exited, or nothing answers a probe for 10 s. */
    const down = async (): Promise<string | undefined> => {
      const until = Date.now() + DEADLINE_MS;
      let last: Probe | undefined;
      while (target.alive()) {
        last = await probe("to see whether the server is up");
        if (last.ok) return undefined;
        if (Date.now() > until) return `the server stopped answering (last probe: ${last.detail})`;
        await sleep(250);
      }
      return `the server exited (${target.exitStatus()})${tail(target.log())}`;
    };
    /** Like down(), after giving a crash time to show: the process takes a second or two to exit. */
    const settled = async (): Promise<string | undefined> => {
      for (const until = Date.now() + SETTLE_MS; Date.now() < until && target.alive(); ) await sleep(100);
      return down();
    };
    const recover = async () => {
      log("fuzz: the server went down; restarting it on the same state");
      if (!(await target.restart())) throw new Stop("the server went down and is not ours to restart");
    };

    /**
     * Runs each case of `current` again alone, and records what it does alone. With `why` (the
     * server went down during `current`, a batch or one case): a crash can show only after the
     * case that caused it, so each of `previous` runs again too, each with time to crash, to name
     * the case that does it. Without (others were delayed while a group ran): to name the case
     * that delays them.
     */
    let previous: Suspect[] = [];
    const alone = async (current: readonly Suspect[], why?: string) => {
      if (why) await recover();
      let named = false;
      for (const sus of why ? [...previous, ...current] : current) {
        const run = await sus.exec();
        const gone = why ? await settled() : !target.alive() || !run.healthy ? await down() : undefined;
        if (current.includes(sus)) run.commit(gone !== undefined);
        if (run.delayed && !gone && !why) named = true;
        if (gone) {
          named = true;
          report.add({ kind: "exit", id: sus.id, route: sus.route, input: sus.input, detail: `${gone}; the case's own outcome: ${run.outcome ? describeOutcome(run.outcome) : "(closed by the fuzzer)"}`, cls: sus.cls });
          await recover();
        }
      }
      if (!named) {
        const ids = [...(why ? previous : []), ...current].map((x) => x.id).join(", ");
        const detail = why ? `${why}; no one of them alone did it again` : "other clients delayed while these ran together; no one of them alone delays them";
        report.add({ kind: why ? "exit" : "delayed", id: ids, route: "(several)", input: "cases run together", detail });
      }
    };
    /** Runs `group` at once; if the server went down or others were delayed, finds out which case did it. */
    const runGroup = async (group: Suspect[]) => {
      const seen = aim.reached().length;
      const runs = await Promise.all(group.map((x) => x.exec()));
      const reached = aim.reached().slice(seen);
      if (aim.denied && reached.length) {
        const ids = group.map((x) => x.id).join(", ");
        report.add({ kind: "reached", id: ids, route: "(several)", input: group.map((x) => x.input).join(" / "), detail: `${reached.length} request(s) reached the internal services: ${reached.slice(0, 3).join("; ")}`, cls: group[0]?.cls });
      }
      const why = !target.alive() || runs.some((r) => !r.healthy) ? await down() : undefined;
      if (why || (group.length > 1 && runs.some((r) => r.delayed))) await alone(group, why);
      else runs.forEach((r) => r.commit(false));
      previous = group;
    };

    // HTTP cases, `concurrency` at a time.
    const record = (c: HttpCase, o: Outcome) => {
      sent++;
      report.count(c.cls, o);
      report.judge(c.cls, `#${c.index}`, `${c.method} ${clip(c.target, 100)}`, c.what, o, c.expect, c.error);
    };
    const httpSuspect = (c: HttpCase): Suspect => ({
      id: `#${c.index}`,
      cls: c.cls,
      route: `${c.method} ${clip(c.target, 100)}`,
      input: c.what,
      async exec() {
        const o = await exchange(open(), await c.request(), DEADLINE_MS, c.head);
        return { outcome: o, healthy: o.kind === "response", delayed: false, commit: () => record(c, o) };
      },
    });
    const step = opts.concurrency ?? 4;
    for (let b = 0; b < indexes.length; b += step) {
      await runGroup(indexes.slice(b, b + step).map((i) => httpSuspect(caseAt(i))));
      if (b > 0 && (b / step) % Math.ceil(500 / step) === 0) log(`fuzz: ${b}/${indexes.length} requests`);
    }
    log(`fuzz: ${sent} requests done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Raw-socket cases: one at a time, then those that wait for the server's timeouts all at once.
    const ctx: RawContext = { open, world, probe };
    const rawSuspect = (rc: RawCase, id = `raw:${rc.name}`): Suspect => ({
      id,
      cls: "raw-socket",
      route: rc.route,
      input: rc.what,
      async exec() {
        const r = await rc.run(ctx);
        await sleep(RAW_SETTLE_MS);
        const after = await probe("right after the case");
        const probes = [...r.probes, after];
        const commit = (gone: boolean) => {
          raws++;
          report.count("raw-socket", r.outcome);
          report.judge("raw-socket", id, rc.route, rc.what, r.outcome, rc.refuse ? "refuse" : "any");
          for (const p of gone ? r.probes : probes) {
            if (!p.ok) report.add({ kind: "delayed", id, route: rc.route, input: rc.what, detail: `other clients delayed: ${p.what}: ${p.detail}`, cls: "raw-socket" });
          }
        };
        return { outcome: r.outcome, healthy: after.ok, delayed: probes.some((p) => !p.ok), commit };
      },
    });
    for (const rc of raw.filter((c) => !c.holds)) await runGroup([rawSuspect(rc)]);
    const holding = raw.filter((c) => c.holds).map((c) => rawSuspect(c));
    if (holding.length) await runGroup(holding);
    if (raw.length) log(`fuzz: ${raw.length} raw-socket cases done`);

    if (policyTarget) {
      const policy = await policyTarget;
      const cases = await policyCases(world.items, opts.seed, info.address);
      log(`fuzz: ${cases.length} policy cases against a second server: ${policy.describe}`);
      try {
        policySent = await runPolicy(policy, cases, report);
      } finally {
        await policy.stop();
      }
    }

    // A crash the last case caused may show only now: give it time, and name the case.
    const gone = await settled();
    if (gone) await alone([], gone);
    compare(report, before, await snapshot(target.url, world.control), world);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    report.add({ kind: "exit", id: "(run)", route: "(none)", input: "the rest of the run was not sent", detail: err.message });
  } finally {
    await target.stop();
    await policyTarget?.then((t) => t.stop()).catch(() => {});
    report.reachedRequests = aim.reached().length;
    await aim.close();
  }
  const ms = Date.now() - started;
  const text = [
    report.summary(),
    report.details(reproduce),
    `time: ${(ms / 1000).toFixed(1)} s; seed ${opts.seed} (${opts.only?.length ? reproduce(opts.only.join(",")) : `npm run fuzz -- --seed ${opts.seed} --requests ${opts.requests}${opts.url ? ` --url ${opts.url}` : ""}`} repeats this run)`,
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    ok: !report.failed(),
    requests: sent,
    rawCases: raws,
    policyRequests: policySent,
    fivexx: report.count5xx(),
    hangs: report.hangs(),
    exits: report.exits(),
    delayed: report.delays(),
    reached: report.reachedRequests,
    scheduleUnchanged: report.scheduleNote.startsWith("schedule unchanged"),
    text,
    ms,
  };
}

function compare(report: Report, before: Snapshot, after: Snapshot, w: World): void {
  if (before.digest === after.digest) {
    report.scheduleNote = `schedule unchanged: control process ${w.control}, slots 0-${after.current}, ${after.bundleBytes}-byte bundle, ${after.processes} processes listed (sha256 ${after.digest.slice(0, 16)}…)`;
  } else {
    report.scheduleNote = `SCHEDULE CHANGED: current slot ${before.current} -> ${after.current}, processes listed ${before.processes} -> ${after.processes}, sha256 ${before.digest.slice(0, 16)}… -> ${after.digest.slice(0, 16)}…`;
    report.add({ kind: "schedule", id: "(run)", route: "(control process)", input: `the control process ${w.control}`, detail: report.scheduleNote });
  }
}

/**
 * The policy cases, in order, one at a time (each fills buckets the next finds): each judged like
 * any case; then a burst never refused with its status, a spawn by another owner that was
 * scheduled, or the server gone is a policy breach.
 */
async function runPolicy(target: Target, cases: readonly PolicyCase[], report: Report): Promise<number> {
  const refusedAsRuled = new Set<string>();
  let sent = 0;
  for (const c of cases) {
    const o = await exchange(new Connection(target.port, target.host, c.from), c.request(), DEADLINE_MS);
    sent++;
    report.count("policy", o);
    report.judge("policy", c.id, `${c.method} ${clip(c.target, 100)}`, c.what, o, c.expect, c.error);
    if (c.burst && o.kind === "response" && o.status === c.error) refusedAsRuled.add(c.burst);
    if (!target.alive()) {
      report.add({ kind: "exit", id: c.id, route: `${c.method} ${c.target}`, input: c.what, detail: `the policy server exited (${target.exitStatus()})`, cls: "policy" });
      return sent;
    }
  }
  const breach = (id: string, input: string, detail: string) => report.add({ kind: "policy", id, route: "(policy server)", input, detail, cls: "policy" });
  for (const burst of new Set(cases.flatMap((c) => (c.burst ? [c.burst] : [])))) {
    if (!refusedAsRuled.has(burst)) breach(`policy:${burst}`, `the ${burst} burst`, `no write past RATE_LIMIT_${burst.toUpperCase()} was refused with 429`);
  }
  for (const c of cases.filter((x) => x.refusedSpawn)) {
    const res = await fetch(`${target.url}/${c.refusedSpawn}/slot`, { signal: AbortSignal.timeout(DEADLINE_MS) }).catch(() => undefined);
    if (res?.status === 200) breach(c.id, c.what, `the spawn ${c.refusedSpawn} was scheduled although SPAWN_ALLOW does not name its owner`);
    await res?.body?.cancel();
  }
  return sent;
}

/** A case that may have taken the server down: run it again, judge it, record it (or not). */
interface Suspect {
  id: string;
  cls: string;
  route: string;
  input: string;
  /** Runs it; `healthy`: the server answered (it or the probe after it); `delayed`: a probe of other clients failed. */
  exec(): Promise<{ outcome: Outcome | undefined; healthy: boolean; delayed: boolean; commit(gone: boolean): void }>;
}

class Stop extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last line or two the server printed, for a report on its exit. */
function tail(log: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = log.replace(/\x1b\[[0-9;]*m/g, "").split(/\r?\n/).map((l) => l.trim());
  const said = lines.filter((l) => /[a-z]{3}/i.test(l.replace(/\[ERROR\]/, "")) && !/goroutine|^\[start\]/.test(l));
  const errors = said.filter((l) => /error|exception|panic|uncaught|fatal/i.test(l));
  const pick = errors.length ? errors.slice(0, 2) : said.slice(-2);
  return pick.length ? ` (server log: ${clip(pick.join(" / "), 300)})` : "";
}
