/**
 * HTTP to another scheduler (src/remote/http.ts; docs/remote.md: a deadline, at most 5 redirects,
 * answers read up to 16 MiB, silence a 504), at the limits themselves, against an injected fetch
 * standing in for misbehaving remotes (test/core/remote/http.test.ts has the destination policy
 * and what of an answer is repeated). The worker maps remote-timeout to 504 and
 * remote-failed to 502 (worker/http/errors.ts); test/e2e/settings.test.ts sees a real silent remote.
 */
import { describe, expect, test } from "vitest";
import { RemoteError } from "../../../src/remote/errors.ts";
import { MAX_ANSWER_BYTES, MAX_HOPS, request, type Fetch } from "../../../src/remote/http.ts";

const MIB = 1024 * 1024;

async function failure(p: Promise<unknown>): Promise<RemoteError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  return err as RemoteError;
}

/** A remote that redirects `hops` times (each to the next path), then answers 200. */
function redirecting(hops: number): { fetch: Fetch; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetch: async (input) => {
      asked.push(new URL(input).pathname);
      const n = asked.length - 1;
      return n < hops ? new Response(null, { status: 307, headers: { location: `/hop${n + 1}` } }) : new Response("done");
    },
  };
}

describe("requests to another scheduler", () => {
  test("the 5-redirect cap: 5 redirects are followed to the answer; a 6th is refused naming the cap", async () => {
    expect(MAX_HOPS).toBe(5);
    const five = redirecting(5);
    const answer = await request("http://remote.test/start", {}, { fetch: five.fetch });
    expect(five.asked).toEqual(["/start", "/hop1", "/hop2", "/hop3", "/hop4", "/hop5"]);
    expect(answer).toMatchObject({ status: 200, url: "http://remote.test/hop5" });
    const six = redirecting(6);
    const err = await failure(request("http://remote.test/start", {}, { fetch: six.fetch }));
    expect(six.asked).toHaveLength(6);
    expect(err.code).toBe("remote-failed");
    expect(err.message).toBe("scheduler http://remote.test: more than 5 redirects (the last to http://remote.test)");
  });

  test("silence: a remote that never answers is a remote-timeout (504) naming it, at the deadline given", async () => {
    const never: Fetch = (_input, init) => new Promise((_, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
    const err = await failure(request("http://silent.test/x", {}, { fetch: never, timeoutMs: 50 }));
    expect(err.code).toBe("remote-timeout");
    expect(err.message).toBe("scheduler http://silent.test did not answer within 50 ms");
  });

  test("the 16 MiB answer cap: a declared length over it is refused unread; a streamed answer is cut off past it", async () => {
    let pulled = 0;
    const body = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          c.enqueue(chunk);
        },
      });
    expect(MAX_ANSWER_BYTES).toBe(16 * MIB);
    const chunk = new Uint8Array(MIB); // the same chunk again and again: the test holds one MiB, not 16
    const declared = await failure(request("http://big.test/x", {}, { fetch: async () => new Response(body(), { headers: { "content-length": String(16 * MIB + 1) } }) }));
    expect(declared.code).toBe("remote-too-large");
    expect(declared.message).toBe(`scheduler http://big.test sent more than ${16 * MIB} bytes, the most this node reads of one answer`);
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pull once when made; nothing was read from it
    pulled = 0;
    const streamed = await failure(request("http://big.test/x", {}, { fetch: async () => new Response(body()) }));
    expect(streamed.code).toBe("remote-too-large");
    expect(streamed.message).toBe(`scheduler http://big.test sent more than ${16 * MIB} bytes, the most this node reads of one answer`);
    expect(pulled).toBeGreaterThanOrEqual(17);
    expect(pulled).toBeLessThanOrEqual(19);
  });
});
