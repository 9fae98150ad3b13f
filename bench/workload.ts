/** Signed items for the bench, all made before any timed part starts (the client shares the CPU). */
import { signItem } from "../src/ans104/sign.ts";
import { fromB64url } from "../src/crypto/base64url.ts";
import { randomBytes, toHex, utf8 } from "../src/crypto/bytes.ts";
import { ed25519Signer, type Signer } from "../src/crypto/signers.ts";
import type { Client, Request } from "./load.ts";
import { BENCH_TOKEN } from "./servers.ts";

const ANS104 = { "content-type": "application/ans104" };

export class Workload {
  readonly #client: Client;
  readonly #signer: Signer;
  readonly #address: string;
  #n = 0;

  private constructor(client: Client, signer: Signer, address: string) {
    this.#client = client;
    this.#signer = signer;
    this.#address = address;
  }

  static async create(client: Client): Promise<Workload> {
    const info = JSON.parse((await client.send({ method: "GET", path: "/~scheduler@1.0/info" })).body.toString());
    return new Workload(client, await ed25519Signer(randomBytes(32)), info.address);
  }

  /** Spawns a new process on the scheduler and returns its id. */
  async spawn(): Promise<string> {
    const process = await signItem(this.#signer, {
      anchor: this.#anchor(),
      tags: [
        { name: "Data-Protocol", value: "ao" },
        { name: "Variant", value: "ao.N.1" },
        { name: "Type", value: "Process" },
        { name: "Module", value: "Do_Uc2Sju_ffp6Ev0AnLVdPtot15rvMjP-a9VVaA5fM" },
        { name: "Scheduler", value: this.#address },
      ],
    });
    const a = await this.#client.send({ method: "POST", path: "/~scheduler@1.0/schedule", headers: ANS104, body: process.raw });
    if (a.status !== 200) throw new Error(`spawn failed: ${a.status} ${a.body}`);
    return process.id;
  }

  /** One signed message to `pid` (about the size of an aoconnect Eval). */
  async message(pid: string): Promise<Uint8Array> {
    const item = await signItem(this.#signer, {
      target: fromB64url(pid),
      anchor: this.#anchor(),
      tags: [
        { name: "Data-Protocol", value: "ao" },
        { name: "Variant", value: "ao.N.1" },
        { name: "Type", value: "Message" },
        { name: "Action", value: "Eval" },
        { name: "SDK", value: "bench" },
      ],
      data: utf8(`Send({ Target = ao.id, Data = "${this.#n}" })`),
    });
    return item.raw;
  }

  /** `count` POSTs of fresh messages, spread round-robin over `pids`. */
  async posts(pids: readonly string[], count: number): Promise<Request[]> {
    const out: Request[] = [];
    for (let i = 0; i < count; i++) {
      const pid = pids[i % pids.length];
      out.push({ method: "POST", path: `/${pid}/schedule`, headers: ANS104, body: await this.message(pid) });
    }
    return out;
  }

  /** Appends `count` slots to `pid` through the bench-only seeding route, in chunks. */
  async seed(pid: string, count: number): Promise<void> {
    const body = await this.message(pid);
    for (let left = count; left > 0; left -= 5000) {
      const n = Math.min(5000, left);
      const a = await this.#client.send({ method: "POST", path: `/~bench@1.0/seed?target=${pid}&count=${n}`, headers: { "x-bench-token": BENCH_TOKEN }, body });
      if (a.status !== 200) throw new Error(`seed failed: ${a.status} ${a.body}`);
    }
  }

  #anchor(): Uint8Array {
    return utf8(toHex(randomBytes(12)) + String(++this.#n).padStart(8, "0"));
  }
}
