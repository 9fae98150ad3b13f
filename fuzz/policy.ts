/**
 * The operator's policy under attack (docs/security.md "Who may write"): a second server the
 * fuzzer starts with SPAWN_ALLOW naming the fuzz client alone and low RATE_LIMIT_SIGNER and
 * RATE_LIMIT_IP, sent seeded requests in a fixed order that try to get past them: spawns by other
 * owners (validly signed, damaged, with odd tags), a burst of valid writes by one signer, a burst
 * of POSTs from one address that claims other addresses in every header a proxy might trust,
 * and writes from other loopback addresses (each its own bucket). Reads are never limited.
 *
 * Each case says what the policy must answer; besides the rules every case is held to (no 5xx,
 * no hang), a spawn by another owner that is scheduled, or a burst never refused, fails the run.
 */
import type { DataItem } from "../src/ans104/data-item.ts";
import { signItem } from "../src/ans104/sign.ts";
import type { Tag } from "../src/ans104/tags.ts";
import { fromB64url } from "../src/crypto/base64url.ts";
import { utf8 } from "../src/crypto/bytes.ts";
import { sha256 } from "../src/crypto/hash.ts";
import { ed25519Signer, type Signer } from "../src/crypto/signers.ts";
import { processTags } from "../test/support/items.ts";
import type { Expect } from "./cases.ts";
import { requestBytes, type Headers } from "./http.ts";
import type { Items } from "./items.ts";
import { mutate } from "./mutate.ts";
import { Rng } from "./random.ts";

/** The policy server's limits: a minute's worth, so a run's bursts cross them within seconds. */
export const SIGNER_LIMIT = 5;
export const IP_LIMIT = 40;

export const policyEnv = (client: string): Record<string, string> => ({ SPAWN_ALLOW: client, RATE_LIMIT_SIGNER: String(SIGNER_LIMIT), RATE_LIMIT_IP: String(IP_LIMIT) });

export interface PolicyCase {
  id: string;
  method: string;
  target: string;
  what: string;
  expect: Expect;
  /** The status that shows the rule refused it (403, 429), when only that rule may. */
  error?: number;
  /** The loopback address the request comes from (default 127.0.0.1). */
  from?: string;
  /** A spawn that must not be scheduled (its id is checked after the run). */
  refusedSpawn?: string;
  /** The burst it belongs to: at least one of a burst must be refused with its `error`. */
  burst?: "signer" | "ip";
  request(): Uint8Array;
}

const ANS104: Headers = [["content-type", "application/ans104"]];
/** Headers a careless proxy would read a client's address from: none of them may move it into another bucket. */
const FORGED = ["cf-connecting-ip", "x-forwarded-for", "x-real-ip", "true-client-ip", "forwarded"] as const;
const D = "/~scheduler@1.0";

/** A signer of the seed's own, never the fuzz client. */
const stranger = (seed: number, i: number): Promise<Signer> => ed25519Signer(sha256(utf8(`fuzz policy stranger ${seed} ${i}`)));

const spawnBy = (signer: Signer, scheduler: string, label: string, extra: Tag[] = []): Promise<DataItem> =>
  signItem(signer, { anchor: sha256(utf8(label)).subarray(0, 32), tags: processTags(scheduler, [{ name: "Name", value: label }, ...extra]), data: utf8(`-- ${label}`) });

const messageBy = (signer: Signer, pid: string, label: string): Promise<DataItem> =>
  signItem(signer, {
    target: fromB64url(pid),
    anchor: sha256(utf8(label)).subarray(0, 32),
    tags: [
      { name: "Data-Protocol", value: "ao" },
      { name: "Variant", value: "ao.TN.1" },
      { name: "Type", value: "Message" },
    ],
    data: utf8(label),
  });

/** The cases, in the order they must be sent (the buckets they fill carry over from one to the next). */
export async function policyCases(items: Items, seed: number, scheduler: string): Promise<PolicyCase[]> {
  const rng = new Rng(seed ^ 0x5eed);
  const cases: PolicyCase[] = [];
  const add = (c: Omit<PolicyCase, "id">) => cases.push({ id: `policy:${cases.length}`, ...c });
  const post = (target: string, body: Uint8Array, headers: Headers = ANS104) => () => requestBytes("POST", target, headers, body);

  // The client may spawn (SPAWN_ALLOW names it): one write of its own and of this address.
  const mine = await items.process("policy");
  add({ method: "POST", target: `${D}/schedule`, what: "a spawn by the owner SPAWN_ALLOW names", expect: "accept", request: post(`${D}/schedule`, mine.raw) });

  // Other owners may not, whatever the surface, their tags or damage.
  for (let i = 0; i < 8; i++) {
    const signer = await stranger(seed, i);
    const extra: Tag[] = rng.chance(0.5) ? [{ name: "Scheduler", value: scheduler }] : rng.chance(0.5) ? [{ name: "Owner", value: items.clientAddress }] : [];
    const spawn = await spawnBy(signer, scheduler, `policy stranger ${seed} ${i}`, extra);
    const legacy = i % 2 === 1;
    const target = legacy ? "/" : `${D}/schedule`;
    const headers: Headers = legacy ? [["content-type", "application/octet-stream"]] : ANS104;
    if (i < 6) {
      add({ method: "POST", target, what: `a spawn by another owner (${signer.address.slice(0, 8)}…)${extra.length ? ` with a ${extra[0].name} tag naming the allowed` : ""}`, expect: "refuse", error: 403, refusedSpawn: spawn.id, request: post(target, spawn.raw, headers) });
    } else {
      const damaged = mutate(rng, spawn);
      add({ method: "POST", target, what: `a spawn by another owner, damaged: ${damaged.what}`, expect: "refuse", refusedSpawn: spawn.id, request: post(target, damaged.bytes, headers) });
    }
  }

  // A burst of valid messages by the client: the spawn took one token, so the fifth message on is refused.
  for (let i = 0; i < 8; i++) {
    const m = await items.message(mine.id, `policy burst ${i}`);
    const refused = i >= SIGNER_LIMIT - 1;
    add({ method: "POST", target: `/${mine.id}/schedule`, what: `valid message ${i + 1} of a burst by one signer`, expect: refused ? "refuse" : "accept", ...(refused ? { error: 429, burst: "signer" as const } : {}), request: post(`/${mine.id}/schedule`, m.raw) });
  }

  // A burst of POSTs from this address, each claiming another in a forwarding header: counted all the same.
  const sent = cases.length;
  for (let i = 0; sent + i < IP_LIMIT + 8; i++) {
    const claimed = `${rng.range(1, 223)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
    const header = rng.pick(FORGED);
    const value = header === "forwarded" ? `for=${claimed}` : claimed;
    const over = sent + i >= IP_LIMIT;
    add({
      method: "POST",
      target: "/",
      what: `junk POST ${sent + i + 1} from 127.0.0.1 claiming to be ${claimed} (${header})`,
      expect: "refuse",
      ...(over ? { error: 429, burst: "ip" as const } : {}),
      request: post("/", rng.bytes(rng.range(1, 300)), [[header, value]]),
    });
  }

  // Other addresses have buckets of their own; reads are never limited.
  for (let i = 2; i <= 4; i++) {
    const m = await messageBy(await stranger(seed, 100 + i), mine.id, `policy from 127.0.0.${i}`);
    add({ method: "POST", target: `/${mine.id}/schedule`, what: `a valid message from 127.0.0.${i}`, expect: "accept", from: `127.0.0.${i}`, request: post(`/${mine.id}/schedule`, m.raw) });
  }
  add({ method: "GET", target: `/${mine.id}/slot`, what: "a read from the address past its limit", expect: "accept", request: () => requestBytes("GET", `/${mine.id}/slot`) });
  return cases;
}
