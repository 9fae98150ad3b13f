/**
 * Another scheduler for worker tests: a schedule signed by our core (test/support/signed-schedule.ts),
 * served through the isolate's fetch, which the remote-schedule cache (MirrorObject) uses; workerd
 * tests cannot listen on a port, end-to-end tests use real nodes. Tests that use it restore fetch
 * with `vi.unstubAllGlobals()`.
 */
import { vi } from "vitest";
import type { RemoteRef } from "../../worker/contract.ts";
import type { MirrorObject } from "../../worker/objects/mirror-object.ts";
import { schedulerSigner } from "../support/keys.ts";
import { serveSchedule, type Source } from "../support/remote-source.ts";
import { signedSchedule } from "../support/signed-schedule.ts";

export const REMOTE_URL = "http://remote.test";

export async function stubRemote(messages: number): Promise<{ pid: string; served: Source; remote: RemoteRef; schedule: Awaited<ReturnType<typeof signedSchedule>> }> {
  const schedule = await signedSchedule(messages);
  const served = serveSchedule(schedule.pid, schedule.store, { pageSize: 100, scheduler: schedule.scheduler });
  vi.stubGlobal("fetch", served.fetch);
  return { pid: schedule.pid, served, schedule, remote: { url: REMOTE_URL, variant: "ao.N.1", address: (await schedulerSigner()).address } };
}

/**
 * Caches slots 0 to `to` of the remote process in its MirrorObject, then posts a message through
 * it; answers which slots the object's SQLite holds the moment the post returns, and a moment later.
 */
export async function slotsWrittenAroundAPost(state: DurableObjectState, instance: MirrorObject, f: Awaited<ReturnType<typeof stubRemote>>, message: { id: string; raw: Uint8Array }): Promise<{ atAnswer: number[]; after: number[] }> {
  const rows = () => state.storage.sql.exec<{ slot: number }>("SELECT slot FROM slots ORDER BY slot").toArray().map((r) => r.slot);
  const read = await instance.read(f.pid, f.remote, { from: 0, to: 3, limit: 100, maxBytes: 1e9 });
  if (!read.ok) throw new Error(read.message);
  const posted = await instance.schedule(f.pid, f.remote, message.raw, message.id);
  if (!posted.ok) throw new Error(posted.message);
  const atAnswer = rows();
  await new Promise((r) => setTimeout(r, 0)); // the end of the turn, when deferred writes land
  return { atAnswer, after: rows() };
}
