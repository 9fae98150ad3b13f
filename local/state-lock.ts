/**
 * One node per STATE_DIR (D16). Two runtimes on one set of SQLite files would each keep their own
 * head of every process and hand out the same slots, so `npm start` holds `STATE_DIR/node.lock`
 * (its PID and port) while it runs. A second start on the folder is refused, naming the node that
 * holds it; a lock left by a process that is gone (killed, a crash, a reboot) is taken over. The
 * lock also names the node's workerd processes: a node killed with SIGKILL cannot stop them, and
 * they would keep its SQLite files open beside the next node's, so taking its lock over stops them
 * first (where /proc says a PID is still a workerd).
 *
 * It also notes, per port, which STATE_DIR the node on that port uses (`.wrangler/nodes/<port>.json`
 * in the checkout), so tools that act as the operator (`npm run location`) find its key.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { makeDirs } from "./dirs.ts";

export const LOCK_FILE = "node.lock";

export interface LockHolder {
  pid: number;
  port: number;
  host: string;
  started: string;
  /** Its runtime's workerd processes once they run: each PID with its start (a PID is reused), and this boot's id. */
  runtime?: { boot: string; processes: { pid: number; start: string }[] };
}

export class StateDirInUse extends Error {
  override readonly name = "StateDirInUse";
  readonly holder: LockHolder;

  constructor(stateDir: string, holder: LockHolder) {
    super(
      `STATE_DIR ${stateDir} is in use by the node with PID ${holder.pid} on port ${holder.port} (started ${holder.started}; lock file ${join(stateDir, LOCK_FILE)}). ` +
        "Stop that node first, or start this one with another STATE_DIR.",
    );
    this.holder = holder;
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return Number.isSafeInteger(h?.pid) && h.pid > 0 ? h : undefined;
  } catch {
    return undefined;
  }
}

/** A process's command line, where /proc tells it. */
const commandOf = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return undefined;
  }
};

/**
 * Whether `pid` is a running `npm start`. A PID can be reused after its process is gone (most
 * often after a reboot): where /proc tells a process's command line, a process that is not a
 * start script does not hold the lock.
 */
function holds(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return commandOf(pid)?.includes("start.mjs") ?? true; // no /proc: a live PID is taken at its word
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes STATE_DIR's lock for this process, or throws StateDirInUse naming its holder. Answers a
 * function that releases it (only while it is still this process's).
 */
export function lockStateDir(stateDir: string, me: { port: number; host: string }): () => void {
  makeDirs(stateDir);
  const file = join(stateDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, port: me.port, host: me.host, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, JSON.stringify(mine) + "\n");
      closeSync(fd);
      return () => {
        if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readHolder(file);
    if (holder === undefined) {
      // Being written this instant, or left half-written by a crash: look again before taking it.
      if (Date.now() - mtime(file) < 2_000) {
        pause(50);
        continue;
      }
    } else if (holder.pid !== process.pid && holds(holder.pid)) {
      throw new StateDirInUse(stateDir, holder);
    } else if (holder.pid !== process.pid) {
      stopLeftRuntime(holder);
    }
    takeOver(file, holder);
  }
  throw new Error(`cannot take the lock ${file}: it keeps changing; is another node starting on this STATE_DIR?`);
}

/** A process's parent and start time (clock ticks after boot) from /proc, if it runs. */
function statOf(pid: number): { ppid: number; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // from field 3, state
    return { ppid: Number(fields[1]), start: fields[19] };
  } catch {
    return undefined;
  }
}

const bootId = (): string | undefined => {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
};

/** The workerd processes this process started (its runtime), as /proc tells; undefined where there is no /proc. */
export function runtimeProcesses(): LockHolder["runtime"] {
  const boot = bootId();
  if (boot === undefined) return undefined;
  const processes = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .flatMap((pid) => {
      const st = statOf(pid);
      return st?.ppid === process.pid && (commandOf(pid) ?? "").includes("workerd") ? [{ pid, start: st.start }] : [];
    });
  return { boot, processes };
}

/** Names this node's runtime in its lock (while the lock is still this process's). */
export function noteRuntime(stateDir: string, runtime: LockHolder["runtime"]): void {
  const file = join(stateDir, LOCK_FILE);
  const held = readHolder(file);
  if (runtime && held?.pid === process.pid) writeFileSync(file, JSON.stringify({ ...held, runtime }) + "\n");
}

/**
 * Stops the workerd processes a gone node left running: only in the boot that wrote the lock, and
 * only a PID that still started when it did and is still a workerd (never a reused PID).
 */
function stopLeftRuntime(holder: LockHolder): void {
  const r = holder.runtime;
  if (!r || r.boot !== bootId()) return;
  const left = r.processes.filter(({ pid, start }) => statOf(pid)?.start === start && (commandOf(pid) ?? "").includes("workerd")).map(({ pid }) => pid);
  if (left.length === 0) return;
  console.warn(`[start] warning: the node that held this STATE_DIR (PID ${holder.pid}) is gone but left its runtime running (workerd PIDs ${left.join(", ")}); stopping it first`);
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  // Gone, or a zombie (its command line empty) waiting for whoever adopted it to reap it.
  for (let i = 0; i < 100 && left.some((pid) => (commandOf(pid) ?? "").includes("workerd")); i++) pause(20);
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Removes a stale lock. Two starts may find the same stale lock at once: a directory beside it,
 * made atomically, lets one of them remove it; the other then finds the new holder's lock.
 */
function takeOver(file: string, stale: LockHolder | undefined): void {
  const guard = `${file}.takeover`;
  try {
    mkdirSync(guard);
  } catch {
    // Another start is taking over; a guard older than 10 s was left by one that died doing it.
    if (Date.now() - mtime(guard) > 10_000) rmSync(guard, { recursive: true, force: true });
    pause(50);
    return;
  }
  try {
    const now = readHolder(file);
    if (now?.pid === stale?.pid) unlinkSync(file);
  } catch {
    // already gone
  } finally {
    rmdirSync(guard);
  }
}

/** Where a checkout notes which STATE_DIR the node on each port uses. */
const nodesDir = (root: string) => join(root, ".wrangler", "nodes");

/** Notes that the node on `port` (this process) keeps its state in `stateDir`; answers a function that removes the note. */
export function noteNode(root: string, port: number, stateDir: string): () => void {
  const file = join(nodesDir(root), `${port}.json`);
  mkdirSync(nodesDir(root), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid: process.pid, port, stateDir }) + "\n");
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, "utf8")) as { pid?: number }).pid === process.pid) rmSync(file, { force: true });
    } catch {
      // gone already
    }
  };
}

/** The STATE_DIR of the node running from this checkout on `port`, if one is. */
export function noteOf(root: string, port: number): string | undefined {
  try {
    const note = JSON.parse(readFileSync(join(nodesDir(root), `${port}.json`), "utf8")) as { pid: number; stateDir: string };
    return holds(note.pid) ? note.stateDir : undefined;
  } catch {
    return undefined;
  }
}
