/**
 * Another scheduler's schedule, served from memory through an injected `fetch` in the three
 * shapes the remote client reads: ANS-104 bundle pages and lossless JSON pages (ao.N.1, ours) and
 * legacy SU JSON pages (ao.TN.1), rendered by the project's own formatters, with the current slot
 * (ao.N.1's `/slot`, the legacy `/latest`); given its `scheduler`, it also schedules what is
 * posted to it (ao.N.1, answering the raw assignment). For core and worker tests, which run in
 * workerd too, where no test server can listen; end-to-end tests use real nodes.
 */
import { pageToBundle } from "../../src/formats/ans104-bundle.ts";
import { pageToJson } from "../../src/formats/hyperbeam-json.ts";
import { legacyPage, slotNode } from "../../src/formats/legacy-su.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import type { Variant } from "../../src/remote/client.ts";
import type { Fetch } from "../../src/remote/http.ts";
import type { Scheduler } from "../../src/schedule/scheduler.ts";
import type { Store, StoredSlot } from "../../src/schedule/store.ts";

/** The three shapes a schedule is served in: a name, the variant that reads it, and whether ao.N.1 pages are JSON. */
export const SHAPES: [string, Variant, boolean][] = [
  ["ao.N.1 bundle pages", "ao.N.1", false],
  ["ao.N.1 lossless JSON pages", "ao.N.1", true],
  ["ao.TN.1 legacy JSON pages", "ao.TN.1", false],
];

export interface Source {
  fetch: Fetch;
  /** Requests served, by path. */
  requests: string[];
  /** Replaces a slot's bytes in every answer (a tampering server). */
  tamper?: (s: StoredSlot) => StoredSlot;
}

export function serveSchedule(processId: string, store: Store, o: { pageSize: number; json?: boolean; scheduler?: Scheduler }): Source {
  const source: Source = {
    requests: [],
    fetch: async (input, init) => {
      const url = new URL(input);
      source.requests.push(url.pathname + url.search);
      if (init?.method === "POST" && o.scheduler && url.pathname === `/${processId}/schedule`) {
        const item = parseItem(new Uint8Array(await new Response(init.body).arrayBuffer()), NO_LIMITS);
        const { assignment } = await o.scheduler.schedule(item);
        return new Response(assignment.raw as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/ans104" } });
      }
      const last = (await store.last())?.slot ?? -1;
      const q = (name: string) => url.searchParams.get(name);
      const read = async (from: number, to: number) => {
        const slots = await store.range({ from, to, limit: Math.min(o.pageSize, Number(q("limit") ?? Infinity)), maxBytes: 1e9 });
        return { slots: slots.map((s) => source.tamper?.(s) ?? s), continues: (slots.at(-1)?.slot ?? from - 1) < to };
      };
      if (url.pathname === `/${processId}/schedule`) {
        const page = await read(Number(q("from") ?? 0), Math.min(Number(q("to") ?? last), last));
        const full = { processId, ...page, timestamp: 0, height: 0 };
        if (o.json) return Response.json(pageToJson(full));
        return new Response(pageToBundle(full) as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/ans104", continues: String(page.continues) } });
      }
      if (url.pathname === `/${processId}/slot`) return Response.json({ process: processId, current: last, timestamp: (await store.get(last))?.timestamp ?? 0, "block-height": 0 });
      if (url.pathname === `/${processId}/latest`) return Response.json(slotNode((await store.get(last))!));
      if (url.pathname === `/${processId}`) {
        const to = q("to-nonce") === null ? last : Math.min(Number(q("to-nonce")), last);
        const page = await read(Number(q("from-nonce")) + 1, to);
        return Response.json(legacyPage(page.slots, page.continues, "nonce", { showAnchor: q("show-anchor") !== null }));
      }
      return Response.json({ error: "no route" }, { status: 404 });
    },
  };
  return source;
}
