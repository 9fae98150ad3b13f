/**
 * Server-side request forgery cases (docs/security.md): hints and location-record Urls aimed at
 * an internal service on this machine's loopback, in every written form of its address, through a
 * second service that redirects into it, and at private addresses elsewhere. Both services count
 * every request; a server that denies private destinations (the fuzzer starts its own with
 * REMOTE_PRIVATE=deny) must refuse each case with a 4xx and let none of them reach either one.
 */
import { InternalService } from "../test/e2e/internal-service.ts";
import type { HttpCase } from "./cases.ts";
import type { World } from "./control.ts";
import { requestBytes, type Headers } from "./http.ts";
import { Rng, unknownId } from "./random.ts";

const D = "/~scheduler@1.0";
const ANS104: Headers = [["content-type", "application/ans104"]];

/** The counting services, and whether the server under test is known to deny private destinations. */
export class Aim {
  private constructor(
    readonly internal: InternalService,
    readonly redirector: InternalService,
    readonly denied: boolean,
  ) {}

  static async start(denied: boolean): Promise<Aim> {
    const internal = await new InternalService().start();
    return new Aim(internal, await new InternalService(internal.url).start(), denied);
  }

  /** Requests both services have seen. */
  reached(): string[] {
    return [...this.internal.requests.map((r) => `internal: ${r}`), ...this.redirector.requests.map((r) => `redirecting: ${r}`)];
  }

  async close(): Promise<void> {
    await Promise.all([this.internal.close(), this.redirector.close()]);
  }

  /**
   * Every written form of a destination the server must not reach, the services' among them.
   * Addresses off this machine only when the server is known to refuse them: no case may send a
   * server that allows them off 127.0.0.1.
   */
  urls(): string[] {
    const p = new URL(this.internal.url).port;
    const r = new URL(this.redirector.url).port;
    const loopback = [
      `http://127.0.0.1:${p}`,
      `http://127.1:${p}`,
      `http://0x7f.0.0.1:${p}`,
      `http://0177.0.0.1:${p}`,
      `http://2130706433:${p}`,
      `http://127.0.0.1.:${p}`,
      `http://localhost:${p}`,
      `http://LocalHost.:${p}`,
      `http://admin.localhost:${p}`,
      `http://0:${p}`,
      `http://0.0.0.0:${p}`,
      `http://[::1]:${p}`,
      `http://[0:0:0:0:0:0:0:1]:${p}`,
      `http://[::ffff:127.0.0.1]:${p}`,
      `http://[::ffff:7f00:1]:${p}`,
      `https://127.0.0.1:${p}`,
      `http://user:password@127.0.0.1:${p}`,
      `http://127.0.0.1:${r}`, // redirects into the internal service
      `http://localhost:${r}/deeper/path`,
      `http://[::ffff:127.0.0.1]:${r}`,
    ];
    if (!this.denied) return loopback;
    return [
      ...loopback,
      `http://[64:ff9b::7f00:1]:${p}`, // NAT64 and 6to4 forms of 127.0.0.1: routed off this machine if at all
      `http://[2002:7f00:1::]:${p}`,
      "http://10.0.0.1",
      "http://192.168.0.1:8080",
      "http://172.16.0.1",
      "http://100.64.0.1",
      "http://169.254.169.254/latest/meta-data",
      "http://[fd00::1]",
      "http://[fe80::1]",
      "http://224.0.0.1",
      "http://[::ffff:10.0.0.1]",
      "http://255.255.255.255",
    ];
  }
}

/** One way to make the server fetch `url`: a request target, and a body for the writes. */
interface Way {
  method: "GET" | "POST";
  what: string;
  target(url: string, pid: string): string;
  body?(w: World, url: string, pid: string): Promise<Uint8Array>;
}

const e = encodeURIComponent;

const WAYS: readonly Way[] = [
  { method: "GET", what: "slot with a hint", target: (url, pid) => `${D}/slot?target=${pid}&hint=${e(url)}` },
  { method: "GET", what: "a schedule page with a hint", target: (url, pid) => `/${pid}/schedule?from=0&to=1&hint=${e(url)}` },
  { method: "GET", what: "the process-path slot with a hint", target: (url, pid) => `/${pid}/slot?hint=${e(url)}` },
  { method: "GET", what: "a hint inside the target (<pid>?hint=<url>)", target: (url, pid) => `${D}/schedule?target=${e(`${pid}?hint=${url}`)}` },
  { method: "GET", what: "next with a hint", target: (url, pid) => `${D}/next?target=${pid}&from=0&wait=0&hint=${e(url)}` },
  {
    method: "POST",
    what: "a spawn naming another scheduler, with a hint",
    target: (url) => `${D}/schedule?hint=${e(url)}`,
    body: async (w) => (await w.items.foreignProcess("aimed")).raw,
  },
  {
    method: "POST",
    what: "a message to an unknown process, with a hint",
    target: (url, pid) => `/${pid}/schedule?hint=${e(url)}`,
    body: async (w, _url, pid) => (await w.items.message(pid, "aimed")).raw,
  },
  { method: "POST", what: "a location record with this Url", target: () => `${D}/location`, body: async (w, url) => (await w.items.location(url)).raw },
];

function destinationCase(w: World, aim: Aim, way: Way, url: string, pid: string): Omit<HttpCase, "index"> {
  const target = way.target(url, pid);
  return {
    cls: "destinations",
    method: way.method,
    target,
    what: `${way.what}, aimed at ${url}`,
    expect: aim.denied ? "refuse" : "any",
    // Refused for the destination, not for something else (a record's Url with credentials is refused as a record).
    error: aim.denied ? /destination \\?"|Url must carry no credentials/ : undefined,
    request: async () => requestBytes(way.method, target, way.body ? ANS104 : [], await way.body?.(w, url, pid)),
  };
}

/** Every way with every destination: the fixed sweep's part. */
export function destinationCases(w: World, aim: Aim): Omit<HttpCase, "index">[] {
  const unknown = unknownId(new Rng(w.seed ^ 0xa1a1));
  return WAYS.flatMap((way) => aim.urls().map((url) => destinationCase(w, aim, way, url, unknown)));
}

/** A seeded one: a way, a destination, and an unknown process id. */
export function randomDestinationCase(rng: Rng, w: World, aim: Aim): Omit<HttpCase, "index"> {
  return destinationCase(w, aim, rng.pick(WAYS), rng.pick(aim.urls()), unknownId(rng));
}
