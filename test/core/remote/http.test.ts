/**
 * The one HTTP client (src/remote/http.ts) against servers answering through an injected fetch:
 * the destination policy on every hop, nothing of a remote's answer repeated but a JSON `error`
 * string, answers read up to a bound, and a mirror that still completes when its pages pass it.
 */
import { describe, expect, test } from "vitest";
import { SchedulerClient } from "../../../src/remote/client.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { refusal, request, type Fetch } from "../../../src/remote/http.ts";
import { Mirror } from "../../../src/remote/mirror.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { schedulerSigner } from "../../support/keys.ts";
import { serveSchedule, SHAPES } from "../../support/remote-source.ts";
import { signedSchedule } from "../../support/signed-schedule.ts";

const SECRET = "INTERNAL-SECRET-TOKEN-42 admin panel";

/** A server answering each request with `answer(url)`; `asked` records every URL fetched. */
function server(answer: (url: string) => Response) {
  const asked: string[] = [];
  const fetch: Fetch = async (input) => {
    asked.push(input);
    return answer(input);
  };
  return { asked, fetch };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as RemoteError);

describe("the destination policy on every request", () => {
  test("with private destinations denied, a loopback URL is refused and nothing is fetched", async () => {
    const s = server(() => new Response(SECRET));
    const err = await failure(request("http://127.0.0.1:8793/pid/slot", {}, { fetch: s.fetch, privateAccess: "deny" }));
    expect(err?.code).toBe("refused-destination");
    expect(err?.details).toMatchObject({ rule: "loopback", url: "http://127.0.0.1:8793" });
    expect(s.asked).toHaveLength(0);
  });

  test("a public remote redirecting into a private address is refused at that hop: the private one is never asked", async () => {
    const s = server((url) => (url.startsWith("http://93.184.215.14/") ? new Response(null, { status: 302, headers: { location: "http://[::ffff:10.0.0.5]/admin" } }) : new Response(SECRET)));
    const err = await failure(request("http://93.184.215.14/pid/slot", {}, { fetch: s.fetch, privateAccess: "deny" }));
    expect(err?.code).toBe("refused-destination");
    expect(err?.details?.rule).toBe("private");
    expect(s.asked).toEqual(["http://93.184.215.14/pid/slot"]);
  });

  test("with private destinations allowed the same redirect is followed, and without a policy redirects are followed as before", async () => {
    for (const privateAccess of ["allow", undefined] as const) {
      const s = server((url) => (url.endsWith("/pid/slot") ? new Response(null, { status: 307, headers: { location: "http://10.0.0.5/next" } }) : Response.json({ current: 3 })));
      const a = await request("http://93.184.215.14/pid/slot", {}, { fetch: s.fetch, ...(privateAccess ? { privateAccess } : {}) });
      expect(a.status).toBe(200);
      expect(s.asked).toEqual(["http://93.184.215.14/pid/slot", "http://10.0.0.5/next"]);
    }
  });

  test("a redirect loop stops after the hop limit, naming the remote's origin and not the Location it sent", async () => {
    const s = server(() => new Response(null, { status: 302, headers: { location: `/${SECRET.replaceAll(" ", "-")}` } }));
    const err = await failure(request("https://node.test/a", {}, { fetch: s.fetch, maxHops: 3 }));
    expect(err?.message).toBe("scheduler https://node.test: more than 3 redirects (the last to https://node.test)");
    expect(s.asked).toHaveLength(4);
  });
});

describe("nothing of a remote's answer is repeated but its JSON error string", () => {
  test("a remote's text answer is named by URL and status only", async () => {
    const s = server(() => new Response(SECRET, { status: 404 }));
    const err = await failure(new SchedulerClient("http://127.0.0.1:8793", "ao.N.1", { fetch: s.fetch }).slot("pid"));
    expect(err?.message).toBe("scheduler http://127.0.0.1:8793 answered 404");
    expect(err?.details).toEqual({ remote: "http://127.0.0.1:8793", status: 404 });
    expect(JSON.stringify({ message: err?.message, details: err?.details })).not.toContain("INTERNAL");
  });

  test("a 200 that is not what a scheduler answers is refused without quoting it", async () => {
    const s = server(() => new Response(SECRET));
    const err = await failure(new SchedulerClient("http://127.0.0.1:8793", "ao.TN.1", { fetch: s.fetch }).page("pid", 0, 10));
    expect(err?.code).toBe("remote-failed");
    expect(err?.message).not.toContain("INTERNAL");
  });

  test("a JSON error string is repeated, without control or format characters and cut to 200 characters", async () => {
    const said = "bad\u0000 request\u001b[31m\u202e from the remote " + "x".repeat(400);
    const err = refusal({ status: 400, headers: new Headers(), body: new TextEncoder().encode(JSON.stringify({ error: said, secret: SECRET })), url: "https://node.test/p" });
    const expected = ("bad request[31m from the remote " + "x".repeat(400)).slice(0, 200);
    expect(err.message).toBe(`scheduler https://node.test answered 400: ${expected}`);
    expect(err.code).toBe("remote-rejected");
    expect(err.message).not.toContain("INTERNAL");
  });

  test("a JSON answer whose error is not a string repeats nothing", async () => {
    const err = refusal({ status: 502, headers: new Headers(), body: new TextEncoder().encode(JSON.stringify({ error: { secret: SECRET } })), url: "https://node.test/p" });
    expect(err.message).toBe("scheduler https://node.test answered 502");
  });
});

describe("answers are read up to a bound", () => {
  test("an answer longer than the bound is refused as remote-too-large, whether or not it declares its length", async () => {
    const body = new Uint8Array(5000);
    for (const declared of [true, false]) {
      const s = server(() => new Response(declared ? body : new Blob([body]).stream(), { headers: declared ? { "content-length": "5000" } : {} }));
      const err = await failure(request("https://node.test/big", {}, { fetch: s.fetch, maxBytes: 4096 }));
      expect(err?.code).toBe("remote-too-large");
      expect(err?.details).toEqual({ remote: "https://node.test", limit: 4096 });
    }
    const fits = server(() => new Response(body));
    expect((await request("https://node.test/big", {}, { fetch: fits.fetch, maxBytes: 5000 })).body).toHaveLength(5000);
  });

  test("an error answer too long to hold is read as one that said nothing: the status still comes through", async () => {
    const s = server(() => new Response(JSON.stringify({ error: "x".repeat(100_000) }), { status: 503 }));
    const a = await request("https://node.test/p", {}, { fetch: s.fetch });
    expect(a.status).toBe(503);
    expect(a.body).toHaveLength(0);
    expect(refusal(a).message).toBe("scheduler https://node.test answered 503");
  });
});

describe.each(SHAPES)("a schedule whose pages pass the bound, as %s", (_name, variant, json) => {
  test("is asked for again in narrower ranges, and every slot still mirrors, verified", async () => {
    const sched = await schedulerSigner();
    const src = await signedSchedule(0);
    await src.more(40, "x".repeat(2000));
    const served = serveSchedule(src.pid, src.store, { pageSize: 1000, json });
    const whole = await served.fetch(`http://b.test/${src.pid}/schedule?from=0&to=40`);
    const maxBytes = Math.floor((await whole.arrayBuffer()).byteLength / 5); // a fifth of the whole schedule per answer
    served.requests.length = 0;
    const store = new MemoryStore();
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", variant, { fetch: served.fetch, maxBytes }), store, processId: src.pid, scheduler: sched.address });
    expect(await mirror.syncTo()).toMatchObject({ kept: 40, appended: 41, continues: false });
    const kept = await store.range({ from: 0, to: 40, limit: 100, maxBytes: 1e9 });
    expect(kept).toHaveLength(41);
    expect(kept.every((s) => s.status === "verified")).toBe(true);
    // The first ask is for everything; once it passes the bound, narrower ones follow, fewer than one a slot.
    const spans = served.requests.map((r) => {
      const q = new URLSearchParams(r.split("?")[1]);
      return variant === "ao.N.1" ? (q.get("to") === null ? Infinity : Number(q.get("to")) - Number(q.get("from")) + 1) : Number(q.get("limit"));
    });
    expect(spans[0]).toBeGreaterThanOrEqual(41);
    expect(spans.at(-1)).toBeLessThan(41);
    expect(spans.length).toBeLessThan(41);
  });
});

test("when even the kept slot and the next pass the bound together, the next is asked alone, and every slot still mirrors, verified", async () => {
  const sched = await schedulerSigner();
  const src = await signedSchedule(0);
  await src.more(3, "y".repeat(3000));
  const served = serveSchedule(src.pid, src.store, { pageSize: 1000 });
  const one = await served.fetch(`http://b.test/${src.pid}/schedule?from=1&to=1`);
  const maxBytes = Math.floor((await one.arrayBuffer()).byteLength * 1.5); // one slot fits, two do not
  const store = new MemoryStore();
  const mirror = new Mirror({ client: new SchedulerClient("http://b.test", "ao.N.1", { fetch: served.fetch, maxBytes }), store, processId: src.pid, scheduler: sched.address });
  expect(await mirror.syncTo()).toMatchObject({ kept: 3, continues: false });
  expect((await store.range({ from: 0, to: 3, limit: 10, maxBytes: 1e9 })).map((s) => s.status)).toEqual(["verified", "verified", "verified", "verified"]);
});
