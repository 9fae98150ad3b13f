/**
 * A HyperBEAM node as the dashboard reads it, from the hand-built aos-2 fixture
 * (test/vectors/hyperbeam-aos2, provenance in its README), served through an injected `fetch`
 * (core and web tests; end-to-end and browser tests put it behind test/e2e/fetch-server.ts):
 * `GET /~scheduler@1.0/info` as HyperBEAM's device info (its exports, no address),
 * `GET /~scheduler@1.0/schedule?target=&from=&to=` with `accept: application/aos-2` in pages of
 * `pageSize` (HyperBEAM's own is 1,001), and `GET /~scheduler@1.0/slot?target=`.
 */
import type { Aos2Edge } from "../../src/formats/aos2.ts";
import type { Fetch } from "../../src/remote/http.ts";
import schedule from "vectors:hyperbeam-aos2/schedule.json";
import { bytesOf } from "./vectors.ts";

export interface HyperbeamSource {
  pid: string;
  /** The scheduler address every assignment names as its Owner. */
  scheduler: string;
  edges: Aos2Edge[];
  fetch: Fetch;
  requests: string[];
  /** Rewrites an edge in every answer (a tampering node). */
  tamper?: (e: Aos2Edge) => Aos2Edge;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export function hyperbeamSource(o: { pageSize: number }): HyperbeamSource {
  const page = JSON.parse(new TextDecoder().decode(bytesOf(schedule))) as { page_info: { process: string }; edges: Aos2Edge[] };
  const pid = page.page_info.process;
  const source: HyperbeamSource = {
    pid,
    scheduler: page.edges[0].node.assignment.Owner,
    edges: page.edges,
    requests: [],
    fetch: async (input, init) => {
      const url = new URL(input);
      source.requests.push(url.pathname + url.search);
      const q = (name: string) => url.searchParams.get(name);
      const last = source.edges.length - 1;
      if (url.pathname === "/~scheduler@1.0/info") return json({ exports: ["location", "status", "next", "schedule", "slot", "init", "checkpoint"], excludes: ["set", "keys"], default: "#Fun<dev_scheduler.router.4>" });
      if (q("target") !== pid) return json({ error: "not found" }, 404);
      if (url.pathname === "/~scheduler@1.0/slot") return json({ process: pid, current: last, timestamp: 0, "block-height": 0, "block-hash": "A".repeat(43), "cache-control": "no-store", "wallet-address": source.scheduler });
      if (url.pathname !== "/~scheduler@1.0/schedule") return json({ error: "not found" }, 404);
      if (new Headers(init?.headers).get("accept") !== "application/aos-2") return json({ error: "this test node renders schedules as aos-2 only" }, 400);
      const from = Number(q("from") ?? 0);
      const to = Math.min(Number(q("to") ?? last), last, from + o.pageSize - 1);
      const edges = source.edges.slice(from, to + 1).map((e) => source.tamper?.(structuredClone(e)) ?? e);
      return json({ page_info: { process: pid, has_next_page: to < Math.min(Number(q("to") ?? last), last), timestamp: "1733300014808", "block-height": "0", "block-hash": "A".repeat(43) }, edges });
    },
  };
  return source;
}
