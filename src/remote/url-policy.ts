/**
 * Where this node may send a request that request data chose: a hint, a location record's `Url`,
 * every redirect hop (docs/security.md). One function decides, `checkDestination`, so every such
 * URL passes through the same rules:
 *
 * - http and https only, and no credentials in the URL;
 * - with private destinations denied (`REMOTE_PRIVATE=deny`): no literal loopback, private,
 *   link-local, unique-local, multicast or reserved address, IPv4 or IPv6 (mapped, NAT64 and
 *   6to4 forms are judged by the IPv4 address they carry), and no `localhost` name.
 *
 * The URL is read by the WHATWG parser, as `fetch` reads it, so `127.1`, `0x7f.0.0.1`,
 * `2130706433` and `[::ffff:127.0.0.1]` are seen as the addresses they are. Names are not
 * resolved: a name whose DNS answer is private passes (docs/security.md says what stops it).
 */
import { RemoteError } from "./errors.ts";

/** Whether private destinations may be reached: `allow` on a node listening on loopback, `deny` otherwise. */
export type PrivateAccess = "allow" | "deny";

/** The rule a destination breaks. */
export type DestinationRule = "scheme" | "credentials" | "loopback" | "private" | "link-local" | "unique-local" | "multicast" | "reserved";

/** What each rule says, after the URL. */
const SAYS: Record<DestinationRule, string> = {
  scheme: "only http and https URLs are fetched",
  credentials: "URLs carrying credentials (user:password@) are never fetched",
  loopback: "is a loopback address",
  private: "is a private address",
  "link-local": "is a link-local address",
  "unique-local": "is a unique-local address",
  multicast: "is a multicast address",
  reserved: "is a reserved address",
};

// ## IPv4 (RFC 6890 and the IANA special-purpose registry)

type Range4 = [first: number, bits: number, rule: DestinationRule];

const RANGES4: readonly Range4[] = [
  [0x00000000, 8, "reserved"], // 0.0.0.0/8 "this network"
  [0x0a000000, 8, "private"], // 10.0.0.0/8
  [0x64400000, 10, "private"], // 100.64.0.0/10 shared address space (carrier NAT)
  [0x7f000000, 8, "loopback"], // 127.0.0.0/8
  [0xa9fe0000, 16, "link-local"], // 169.254.0.0/16 (cloud metadata services live here)
  [0xac100000, 12, "private"], // 172.16.0.0/12
  [0xc0000000, 24, "reserved"], // 192.0.0.0/24 IETF protocol assignments
  [0xc0000200, 24, "reserved"], // 192.0.2.0/24 documentation
  [0xc0586300, 24, "reserved"], // 192.88.99.0/24 6to4 relays (deprecated)
  [0xc0a80000, 16, "private"], // 192.168.0.0/16
  [0xc6120000, 15, "reserved"], // 198.18.0.0/15 benchmarking
  [0xc6336400, 24, "reserved"], // 198.51.100.0/24 documentation
  [0xcb007100, 24, "reserved"], // 203.0.113.0/24 documentation
  [0xe0000000, 4, "multicast"], // 224.0.0.0/4
  [0xf0000000, 4, "reserved"], // 240.0.0.0/4, with 255.255.255.255
];

function rule4(address: number): DestinationRule | undefined {
  for (const [first, bits, rule] of RANGES4) if (address >>> (32 - bits) === first >>> (32 - bits)) return rule;
  return undefined;
}

/** A dotted IPv4 address as the URL parser writes it, as a number; undefined for anything else. */
function ipv4(host: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

// ## IPv6

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (hex, `::` compressed). */
function ipv6(host: string): number[] | undefined {
  if (!/^[0-9a-f:]+$/.test(host)) return undefined;
  const halves = host.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const out = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return out.some(Number.isNaN) ? undefined : out;
}

const v4Of = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

function rule6(g: number[]): DestinationRule | undefined {
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g[7] === 1) return "loopback";
  if (zeros(5) && g[5] === 0xffff) return rule4(v4Of(g[6], g[7])); // ::ffff:a.b.c.d, mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return rule4(v4Of(g[6], g[7])); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return "private"; // 64:ff9b:1::/48, local NAT64
  if (g[0] === 0x2002) return rule4(v4Of(g[1], g[2])); // 6to4
  if (g[0] < 0x100) return "reserved"; // ::/8: unspecified, IPv4-compatible and the rest of it
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return "reserved"; // 100::/64 discard-only
  if (g[0] === 0x2001 && g[1] < 0x200) return "reserved"; // 2001::/23 IETF protocol assignments (Teredo among them)
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "reserved"; // documentation
  if (g[0] === 0x3fff && g[1] >>> 12 === 0) return "reserved"; // 3fff::/20 documentation
  if (g[0] >>> 9 === 0xfc00 >>> 9) return "unique-local"; // fc00::/7
  if (g[0] >>> 6 === 0xfe80 >>> 6) return "link-local"; // fe80::/10
  if (g[0] >>> 6 === 0xfec0 >>> 6) return "private"; // fec0::/10 site-local (deprecated)
  if (g[0] >>> 8 === 0xff) return "multicast";
  return undefined;
}

// ## The check

/** The private rule a host breaks (`URL.hostname`, brackets and all), or undefined for a public one. */
export function privateRule(hostname: string): DestinationRule | undefined {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (host.startsWith("[") && host.endsWith("]")) {
    const g = ipv6(host.slice(1, -1));
    return g ? rule6(g) : "reserved"; // a bracketed host the parser did not write: refuse
  }
  const v4 = ipv4(host);
  return v4 === undefined ? undefined : rule4(v4);
}

// eslint-disable-next-line no-control-regex
const printable = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, "").slice(0, 200);

/**
 * Checks a destination chosen by request data; returns it parsed (fetch the returned `href`, so
 * what was checked is what is asked). Throws RemoteError("refused-destination", 400) naming the
 * rule, with `rule` and `url` in its details.
 */
export function checkDestination(url: string, access: PrivateAccess): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {}
  const refuse = (rule: DestinationRule, shown: string): never => {
    const because = rule === "scheme" || rule === "credentials" ? `: ${SAYS[rule]}` : ` ${SAYS[rule]}, and this node does not send requests to private destinations (REMOTE_PRIVATE=deny)`;
    throw new RemoteError("refused-destination", `destination ${JSON.stringify(shown)}${because}`, { rule, url: shown });
  };
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return refuse("scheme", printable(url));
  // The credentials are not repeated back.
  if (parsed.username || parsed.password) return refuse("credentials", `${parsed.protocol}//…@${parsed.host}`);
  if (access === "deny") {
    const rule = privateRule(parsed.hostname);
    if (rule) return refuse(rule, parsed.origin);
  }
  return parsed;
}
