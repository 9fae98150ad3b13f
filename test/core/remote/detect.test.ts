/**
 * Variant detection (src/remote/detect.ts) against servers answering through an injected fetch:
 * our node (both routes), a HyperBEAM-like node, a legacy SU, and servers that are neither.
 */
import { describe, expect, test } from "vitest";
import { detectVariant } from "../../../src/remote/detect.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import type { Fetch } from "../../../src/remote/http.ts";

const ADDRESS = "fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY";

/** A server answering `routes` by path, 404 otherwise; `asked` records every path asked. */
function server(routes: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetch: Fetch = async (input) => {
    const path = new URL(input).pathname;
    asked.push(path);
    return routes[path]?.() ?? Response.json({ error: "not found" }, { status: 404 });
  };
  return { asked, fetch };
}

const info = () => Response.json({ device: "scheduler@1.0", address: ADDRESS, variant: "ao.N.1" });
const legacyRoot = () => Response.json({ timestamp: "1751900000000", address: ADDRESS });

describe("detectVariant", () => {
  test("a node answering /~scheduler@1.0/info with an address is ao.N.1, even when its root answers like a legacy SU", async () => {
    const s = server({ "/~scheduler@1.0/info": info, "/": legacyRoot });
    expect(await detectVariant("https://node.test/", { fetch: s.fetch })).toBe("ao.N.1");
    expect(s.asked).toEqual(["/~scheduler@1.0/info"]);
  });

  test("a legacy SU (no info route; root answers {timestamp, address}) is ao.TN.1", async () => {
    const s = server({ "/": legacyRoot });
    expect(await detectVariant("https://su.test", { fetch: s.fetch })).toBe("ao.TN.1");
    expect(s.asked).toEqual(["/~scheduler@1.0/info", "/"]);
  });

  test("a root answering a numeric timestamp is ao.TN.1 too", async () => {
    const s = server({ "/": () => Response.json({ timestamp: 1751900000000, address: ADDRESS }) });
    expect(await detectVariant("https://su.test", { fetch: s.fetch })).toBe("ao.TN.1");
  });

  test("a server that is neither fails with remote-failed naming both requests and what each answered", async () => {
    const s = server({ "/": () => new Response("<html>hello</html>", { headers: { "content-type": "text/html" } }) });
    const err = await detectVariant("https://web.test", { fetch: s.fetch }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe("remote-failed");
    expect((err as RemoteError).message).toBe(
      "scheduler https://web.test speaks no known variant: GET /~scheduler@1.0/info (ao.N.1) answered 404; GET / (ao.TN.1) answered something that is not JSON",
    );
  });

  test("an info answer without an address and a root without a timestamp are neither variant", async () => {
    const s = server({ "/~scheduler@1.0/info": () => Response.json({ device: "scheduler@1.0" }), "/": () => Response.json({ address: ADDRESS }) });
    await expect(detectVariant("https://half.test", { fetch: s.fetch })).rejects.toThrow(/info \(ao\.N\.1\) answered an object without the expected keys; GET \/ \(ao\.TN\.1\) answered an object without the expected keys/);
  });

  test("a server that answers its info path with something unusable (a redirect without a Location) is still asked GET /", async () => {
    const s = server({ "/~scheduler@1.0/info": () => new Response(null, { status: 302 }), "/": () => Response.json({ timestamp: 1751900000000, address: ADDRESS }) });
    expect(await detectVariant("https://su.test", { fetch: s.fetch })).toBe("ao.TN.1");
  });

  test("an unreachable server fails as unreachable, not as a variant question, after one request", async () => {
    let asked = 0;
    const fetch: Fetch = async () => {
      asked++;
      throw new TypeError("connection refused");
    };
    const err = await detectVariant("https://down.test", { fetch }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).message).toBe("scheduler https://down.test cannot be reached: connection refused");
    expect(asked).toBe(1);
  });
});
