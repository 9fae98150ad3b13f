/**
 * The page's side of the dashboard: the IndexedDB it reads, and the mirror worker that does the
 * fetching, checking and writing off the main thread (and verifies kept schedules again). Views
 * call these and listen for changes.
 */
import type { Progress } from "../../src/remote/mirror.ts";
import { openDashboardDb, type DashboardDb, type MirrorRecord, type OpenOptions } from "./db.ts";
import { fromWire, type AuditReport, type Call, type Event, type Imported, type Job } from "./worker-protocol.ts";

type Listener = (e: Event) => void;

export class App {
  readonly db: DashboardDb;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Set<Listener>();
  readonly progress = new Map<string, Progress>();
  #next = 0;

  private constructor(db: DashboardDb, worker: Worker) {
    this.db = db;
    this.#worker = worker;
    worker.addEventListener("message", (m: MessageEvent<Event>) => this.#receive(m.data));
    // Mirrors that failed to reach their source try again once the browser is back online.
    addEventListener("online", () => void this.#call({ op: "reconnect" }));
  }

  static async start(o: OpenOptions = {}): Promise<App> {
    const db = await openDashboardDb(undefined, o);
    return new App(db, new Worker(new URL("./mirror-worker.ts", import.meta.url), { type: "module" }));
  }

  #receive(e: Event): void {
    if (e.type === "reply") {
      const p = this.#pending.get(e.id);
      this.#pending.delete(e.id);
      if (e.ok) p?.resolve(e.value);
      else p?.reject(fromWire(e.error));
      return;
    }
    if (e.type === "record" && e.progress) this.progress.set(e.record.processId, e.progress);
    this.#emit(e);
  }

  #emit(e: Event): void {
    for (const l of this.#listeners) l(e);
  }

  #call<T = unknown>(call: Call, transfer: Transferable[] = []): Promise<T> {
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ id, call }, transfer);
    });
  }

  /** Hears every record change and audit report until the returned function is called. */
  listen(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  mirror = (job: Job) => this.#call<MirrorRecord>({ op: "mirror", job });
  pause = (processId: string) => this.#call({ op: "pause", processId });
  resume = (processId: string) => this.#call({ op: "resume", processId });
  sync = (processId: string) => this.#call({ op: "sync", processId });
  remove = (processId: string) => this.#call({ op: "remove", processId });
  /** Verifies a mirror again from slot 0, in parts side by side (audit.ts); reports progress as "audit" events. */
  audit = (processId: string) => this.#call<AuditReport>({ op: "audit", processId });
  follow = (processId: string, on: boolean) => this.#call({ op: "follow", processId, on });
  importFile = (bytes: Uint8Array) => this.#call<Imported>({ op: "import", bytes }, [bytes.buffer]);

  records = (): Promise<MirrorRecord[]> => this.db.getAll("mirrors");
  record = (processId: string): Promise<MirrorRecord | undefined> => this.db.get("mirrors", processId);
}
