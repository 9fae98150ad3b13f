/**
 * The destination policy (src/remote/url-policy.ts): which URLs chosen by request data this node
 * may send requests to, in every written form of an address the URL parser accepts.
 */
import { describe, expect, test } from "vitest";
import { RemoteError } from "../../../src/remote/errors.ts";
import { checkDestination, type DestinationRule } from "../../../src/remote/url-policy.ts";

/** The rule `url` breaks under `access`, or "ok". */
function verdict(url: string, access: "allow" | "deny"): DestinationRule | "ok" {
  try {
    checkDestination(url, access);
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe("refused-destination");
    return (err as RemoteError).details!.rule as DestinationRule;
  }
}

const PRIVATE: [string, DestinationRule][] = [
  ["http://127.0.0.1:8793", "loopback"],
  ["http://127.1:8793/", "loopback"], // abbreviated
  ["http://0x7f.0.0.1/", "loopback"], // hex
  ["http://0177.0.0.1/", "loopback"], // octal
  ["http://2130706433/", "loopback"], // one decimal number
  ["http://127.0.0.1./", "loopback"], // trailing dot
  ["http://127.255.255.254/", "loopback"],
  ["http://localhost:8793/", "loopback"],
  ["http://LOCALHOST./", "loopback"],
  ["http://admin.localhost/", "loopback"],
  ["http://[::1]:8793/", "loopback"],
  ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
  ["http://[::ffff:127.0.0.1]/", "loopback"], // IPv4-mapped, dotted
  ["http://[::ffff:7f00:1]/", "loopback"], // IPv4-mapped, hex
  ["http://[64:ff9b::127.0.0.1]/", "loopback"], // NAT64
  ["http://[2002:7f00:1::]/", "loopback"], // 6to4
  ["http://10.1.2.3/", "private"],
  ["http://172.16.0.1/", "private"],
  ["http://172.31.255.255/", "private"],
  ["http://192.168.1.1/", "private"],
  ["http://100.64.0.1/", "private"],
  ["http://[::ffff:192.168.0.1]/", "private"],
  ["http://[fec0::1]/", "private"],
  ["http://169.254.169.254/latest/meta-data/", "link-local"],
  ["http://[fe80::1]/", "link-local"],
  ["http://[fc00::1]/", "unique-local"],
  ["http://[fd12:3456::1]/", "unique-local"],
  ["http://224.0.0.1/", "multicast"],
  ["http://[ff02::1]/", "multicast"],
  ["http://0.0.0.0:8793/", "reserved"],
  ["http://0/", "reserved"],
  ["http://[::]/", "reserved"],
  ["http://[::127.0.0.1]/", "reserved"], // IPv4-compatible (deprecated)
  ["http://192.0.2.1/", "reserved"],
  ["http://198.18.0.1/", "reserved"],
  ["http://240.0.0.1/", "reserved"],
  ["http://255.255.255.255/", "reserved"],
  ["http://[2001:db8::1]/", "reserved"],
  ["http://[2001::1]/", "reserved"], // Teredo
  ["https://[100::1]/", "reserved"], // discard-only
];

const PUBLIC = [
  "https://su-router.ao-testnet.xyz",
  "http://8.8.8.8/",
  "http://172.32.0.1/", // just past 172.16.0.0/12
  "http://100.128.0.1/", // just past 100.64.0.0/10
  "http://11.0.0.1/",
  "http://[2606:4700:4700::1111]/",
  "http://[::ffff:8.8.8.8]/",
  "http://[2002:808:808::]/", // 6to4 of a public address
  "http://localhost.example.com/", // a name, not the localhost name
];

describe("checkDestination", () => {
  test.each(PRIVATE)("%s is refused as %s when private destinations are denied, and allowed when they are not", (url, rule) => {
    expect(verdict(url, "deny")).toBe(rule);
    expect(verdict(url, "allow")).toBe("ok");
  });

  test.each(PUBLIC)("%s (public) is allowed when private destinations are denied", (url) => {
    expect(verdict(url, "deny")).toBe("ok");
  });

  test.each(["ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "gopher://127.0.0.1:25/", "not a url", "//example.com"])("%s is refused under both settings: http(s) only", (url) => {
    expect(verdict(url, "deny")).toBe("scheme");
    expect(verdict(url, "allow")).toBe("scheme");
  });

  test("a URL with credentials is refused under both settings, and the refusal does not repeat them", () => {
    for (const access of ["allow", "deny"] as const) {
      expect(verdict("https://user:hunter2@example.com/", access)).toBe("credentials");
      expect(verdict("https://token@example.com/", access)).toBe("credentials");
    }
    const err = (() => {
      try {
        checkDestination("https://user:hunter2@example.com/", "allow");
      } catch (e) {
        return e as RemoteError;
      }
    })()!;
    expect(err.message).toBe('destination "https://…@example.com": URLs carrying credentials (user:password@) are never fetched');
    expect(JSON.stringify(err.details)).not.toContain("hunter2");
  });

  test("a refusal names the destination's origin, the rule and the setting", () => {
    expect(() => checkDestination("http://127.0.0.1:8793/x/y?z=1", "deny")).toThrow(
      'destination "http://127.0.0.1:8793" is a loopback address, and this node does not send requests to private destinations (REMOTE_PRIVATE=deny)',
    );
  });

  test("what passes is returned as the parser wrote it, so what was checked is what is fetched", () => {
    expect(checkDestination("HTTPS://Example.COM:443/a/../b", "deny").href).toBe("https://example.com/b");
  });
});
