/** Another scheduler's schedule for remote tests: a process and its messages, scheduled and signed by our own core. */
import { MemoryStore } from "../../src/schedule/memory-store.ts";
import { Scheduler } from "../../src/schedule/scheduler.ts";
import { signMessage, signProcess } from "./items.ts";
import { clientSigner, schedulerSigner } from "./keys.ts";

/** Slots 0 (the process) to `messages`, in a MemoryStore; `more(n, label)` schedules n more. */
export async function signedSchedule(messages: number) {
  const [sched, client] = await Promise.all([schedulerSigner(), clientSigner()]);
  const process = await signProcess(client, sched.address);
  const store = new MemoryStore();
  const scheduler = await Scheduler.open({ processId: process.id, store, signer: sched });
  await scheduler.schedule(process);
  const more = async (n: number, label = "m") => {
    for (let i = 0; i < n; i++) await scheduler.schedule(await signMessage(client, process.id, `${label}${i}`));
  };
  await more(messages);
  return { pid: process.id, store, scheduler, more };
}
