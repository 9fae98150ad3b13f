/**
 * A client for another scheduler, speaking its variant: `ao.N.1` (HyperBEAM's paths; one of ours
 * answers pages as ANS-104 bundles) or `ao.TN.1` (the legacy SU's JSON, legacy-su.md §1). Every
 * answer comes back as ANS-104 bytes (RemoteSlot), exact or rebuilt, for src/remote/verify.ts.
 * A HyperBEAM node is read as `aos-2`: through its `accept: application/aos-2` JSON (§6.1), whose
 * slots come back as the structs it rendered, to be checked as far as they can be and kept
 * "unverified" (src/remote/verify-aos2.ts).
 */
import { readBundle } from "../ans104/bundle.ts";
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { FormatError } from "../formats/errors.ts";
import { itemFromJson, type ItemJson } from "../formats/item-json.ts";
import { aos2Bytes, readAos2Page } from "../formats/aos2.ts";
import { itemFromLegacyNode, type LegacyEdge, type LegacyItemNode } from "../formats/legacy-su.ts";
import { RemoteError } from "./errors.ts";
import { jsonOf, MAX_ANSWER_BYTES, origin, refusal, remoteText, request, type Answer, type HttpOptions } from "./http.ts";
import type { RemoteSlot } from "./verify.ts";

export type Variant = "ao.N.1" | "ao.TN.1";
export const VARIANTS: readonly Variant[] = ["ao.N.1", "ao.TN.1"];
/** How a scheduler is read: in its variant's own format, or (a HyperBEAM node, variant ao.N.1) through its aos-2 JSON. */
export type Dialect = Variant | "aos-2";
export const DIALECTS: readonly Dialect[] = [...VARIANTS, "aos-2"];

export interface RemotePage {
  slots: RemoteSlot[];
  /** More slots exist after the last one, within the range asked for. */
  continues: boolean;
}

export interface RemoteSlotState {
  current: number;
  timestamp: number | undefined;
  height: number | undefined;
}

const ANS104 = "application/ans104";
const AOS2 = "application/aos-2";
/** Legacy pages are asked for this many slots (the CU's own page size). */
export const LEGACY_PAGE = 1000;

/** Reads a remote's rendering, turning format errors into a failure that names the remote. */
function converting<T>(a: Answer, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    // The reason may quote the remote's fields: only a short, printable part of it is repeated.
    const why = remoteText(String((err as Error)?.message ?? err));
    throw new RemoteError("remote-failed", `scheduler ${origin(a.url)} sent a schedule that cannot be read: ${why}`, { remote: origin(a.url) });
  }
}

const integer = (text: string | undefined): number | undefined => (text !== undefined && /^\d{1,16}$/.test(text) ? Number(text) : undefined);

/**
 * Slots of a bundle page: each assignment, then its message when the next item is the one it
 * names. Items may carry their header ids unchecked (readBundle's trustIds): verify.ts hashes every
 * signature again, so a header that lies pairs nothing it should not keep.
 */
export function slotsOfBundle(items: readonly DataItem[], processId: string): RemoteSlot[] {
  const slots: RemoteSlot[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = items[i];
    const slot = integer(tagValue(a.tags, "Nonce"));
    if (slot === undefined) throw new FormatError(`bundle item ${i}`, "is not an assignment with a Nonce");
    const named = tagValue(a.tags, "Message") ?? processId;
    const next = items[i + 1];
    const message = next && next.id === named && tagValue(next.tags, "Type") !== "Assignment" ? next : undefined;
    if (message) i++;
    slots.push({ slot, assignment: a.raw, message: message?.raw, lossless: true });
  }
  return slots;
}

/** Slots of our lossless JSON page (`assignments` keyed by slot, each item with its ans104 commitment). */
export function slotsOfJson(page: { assignments?: Record<string, ItemJson & { body?: ItemJson }> }): RemoteSlot[] {
  if (!page || typeof page.assignments !== "object" || page.assignments === null) throw new FormatError("assignments", "missing");
  return Object.entries(page.assignments)
    .map(([key, a]) => {
      const device = Object.values(a?.commitments ?? {})[0]?.["commitment-device"];
      if (device !== "ans104@1.0") throw new FormatError(`assignments.${key}`, `is committed with ${device ?? "nothing"}; only ans104@1.0 commitments can be rebuilt into items`);
      return { slot: Number(key), assignment: itemFromJson(a), message: a.body ? itemFromJson(a.body) : undefined, lossless: true };
    })
    .sort((x, y) => x.slot - y.slot);
}

/** A legacy page's edge as a slot: each item rebuilt from its JSON, and whether each kept its exact bytes. */
export function slotOfEdge(edge: LegacyEdge, i: number): RemoteSlot {
  const assignment = itemFromLegacyNode(edge?.node?.assignment, `edges[${i}].node.assignment`);
  const message = edge.node.message ? itemFromLegacyNode(edge.node.message as LegacyItemNode, `edges[${i}].node.message`) : undefined;
  const nonce = integer(edge.node.assignment.tags.find((t) => t.name === "Nonce")?.value);
  if (nonce === undefined) throw new FormatError(`edges[${i}].node.assignment.tags`, "has no integer Nonce");
  return { slot: nonce, assignment: assignment.raw, message: message?.raw, lossless: assignment.lossless && (message?.lossless ?? true), assignmentLossless: assignment.lossless };
}

/** Slots of a HyperBEAM aos-2 page: each edge's structs, as JSON bytes, to be checked by verify-aos2.ts. */
export function slotsOfAos2(page: unknown): { slots: RemoteSlot[]; continues: boolean } {
  const { edges, continues } = readAos2Page(page);
  const slots = edges.map((e): RemoteSlot => ({ slot: e.cursor, assignment: aos2Bytes(e.node.assignment), message: e.node.message ? aos2Bytes(e.node.message) : undefined, lossless: false, rendering: "aos-2" }));
  return { slots, continues };
}

export class SchedulerClient {
  readonly url: string;
  readonly variant: Dialect;
  readonly #http: HttpOptions;
  /** Slots asked for per page since an answer passed the size bound; undefined: as many as the remote gives. */
  #span: number | undefined;

  constructor(url: string, variant: Dialect, http: HttpOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.variant = variant;
    this.#http = http;
  }

  async #get(path: string, accept = "application/json"): Promise<Answer> {
    const a = await request(this.url + path, { headers: { accept } }, this.#http);
    if (a.status < 200 || a.status > 299) throw refusal(a);
    return a;
  }

  /** The remote's current slot (and its clock and height when it says). */
  async slot(processId: string): Promise<RemoteSlotState> {
    if (this.variant !== "ao.TN.1") {
      // A HyperBEAM node finds a process it holds by `target`; a process path would have it load the process first.
      const a = await this.#get(this.variant === "aos-2" ? `/~scheduler@1.0/slot?target=${processId}` : `/${processId}/slot`);
      const j = jsonOf<Record<string, unknown>>(a);
      const current = Number(j.current);
      if (!Number.isSafeInteger(current)) throw new RemoteError("remote-failed", `scheduler ${origin(a.url)} sent a slot answer without an integer current`, { remote: origin(a.url) });
      return { current, timestamp: Number(j.timestamp) || undefined, height: Number(j["block-height"]) || undefined };
    }
    const a = await this.#get(`/${processId}/latest?process-id=${processId}`);
    const node = jsonOf<{ assignment?: LegacyItemNode }>(a).assignment;
    const tag = (name: string) => integer(node?.tags?.find((t) => t.name === name)?.value);
    const current = tag("Nonce");
    if (current === undefined) throw new RemoteError("remote-failed", `scheduler ${origin(a.url)} sent a latest message without an integer Nonce`, { remote: origin(a.url) });
    return { current, timestamp: tag("Timestamp"), height: tag("Block-Height") };
  }

  /**
   * Slots `from` to `to` (inclusive; to the remote's end when undefined), one page of them. A page
   * whose answer would pass the size bound (http.ts MAX_ANSWER_BYTES) is asked for again in
   * halves, down to two slots; later pages start from the span that fitted and double it again
   * while answers stay under a quarter of the bound.
   */
  async page(processId: string, from: number, to?: number): Promise<RemotePage> {
    for (;;) {
      const span = this.#span;
      try {
        const { page, bytes } = await this.#page(processId, from, to, span);
        if (span !== undefined && bytes < (this.#http.maxBytes ?? MAX_ANSWER_BYTES) / 4) this.#span = span * 2 >= LEGACY_PAGE ? undefined : span * 2;
        return page;
      } catch (err) {
        const asked = Math.min(span ?? LEGACY_PAGE, to === undefined ? LEGACY_PAGE : to - from + 1);
        if ((err as RemoteError).code !== "remote-too-large" || asked <= 2) throw err;
        this.#span = Math.floor(asked / 2);
      }
    }
  }

  /** Slots from `from`, at most `span` of them when given. */
  async #page(processId: string, from: number, to: number | undefined, span: number | undefined): Promise<{ page: RemotePage; bytes: number }> {
    // ao.N.1 and aos-2 are narrowed by range: the remote's `continues` then speaks of the narrower range only.
    const upTo = span === undefined ? to : Math.min(to ?? Infinity, from + span - 1);
    const range = `from=${from}${upTo === undefined ? "" : `&to=${upTo}`}`;
    const cut = (p: RemotePage): RemotePage => (upTo !== to && p.slots.at(-1)?.slot === upTo ? { ...p, continues: true } : p);
    if (this.variant === "aos-2") {
      const a = await this.#get(`/~scheduler@1.0/schedule?target=${processId}&${range}`, AOS2);
      const page = jsonOf<unknown>(a);
      return { page: cut(converting(a, () => slotsOfAos2(page))), bytes: a.body.length };
    }
    if (this.variant === "ao.N.1") {
      const a = await this.#get(`/${processId}/schedule?${range}`, ANS104);
      if ((a.headers.get("content-type") ?? "").startsWith(ANS104)) {
        return { page: cut(converting(a, () => ({ slots: slotsOfBundle(readBundle(a.body, NO_LIMITS, true), processId), continues: a.headers.get("continues") === "true" }))), bytes: a.body.length };
      }
      const page = jsonOf<{ continues?: unknown; assignments?: Record<string, ItemJson> }>(a);
      return { page: cut(converting(a, () => ({ slots: slotsOfJson(page), continues: page.continues === true }))), bytes: a.body.length };
    }
    // Narrowed by limit: the legacy SU's has_next_page stays exact.
    const nonces = `from-nonce=${from - 1}${to === undefined ? "" : `&to-nonce=${to}`}&limit=${span ?? LEGACY_PAGE}`;
    const a = await this.#get(`/${processId}?process-id=${processId}&${nonces}&show-anchor=true`);
    const page = jsonOf<{ page_info?: { has_next_page?: unknown }; edges?: LegacyEdge[] }>(a);
    return {
      page: converting(a, () => {
        if (!Array.isArray(page.edges)) throw new FormatError("edges", "missing");
        return { slots: page.edges.map(slotOfEdge), continues: page.page_info?.has_next_page === true };
      }),
      bytes: a.body.length,
    };
  }

  /** Schedules a signed item on the remote; answers its assignment as a slot (the message is `raw`). */
  async post(processId: string, raw: Uint8Array, itemId: string): Promise<RemoteSlot> {
    if (this.variant === "aos-2") throw new RemoteError("remote-failed", `scheduler ${origin(this.url)} is read through its aos-2 rendering, which takes no posts: post to it in its own protocol`, { remote: this.url });
    if (this.variant === "ao.N.1") {
      const a = await request(`${this.url}/${processId}/schedule`, { method: "POST", headers: { "content-type": ANS104, accept: ANS104 }, body: raw as Uint8Array<ArrayBuffer> }, this.#http);
      if (a.status < 200 || a.status > 299) throw refusal(a);
      const assignment = (a.headers.get("content-type") ?? "").startsWith(ANS104) ? a.body : converting(a, () => itemFromJson(jsonOf<ItemJson>(a)));
      return converting(a, () => ({ slot: integer(tagValue(parseItem(assignment, NO_LIMITS).tags, "Nonce")) ?? NaN, assignment, message: raw, lossless: true }));
    }
    const a = await request(`${this.url}/?process-id=${processId}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: raw as Uint8Array<ArrayBuffer> }, this.#http);
    if (a.status < 200 || a.status > 299) throw refusal(a);
    // A spawn is read back as the first edge of its page; a message by its id.
    if (itemId === processId) {
      const page = await this.page(processId, 0, 0);
      const first = page.slots[0];
      if (!first) throw new RemoteError("remote-failed", `scheduler ${origin(this.url)} accepted process ${processId} but does not serve its slot 0`, { remote: this.url });
      return { ...first, message: raw };
    }
    const read = await this.#get(`/${itemId}?process-id=${processId}`);
    const node = jsonOf<LegacyEdge["node"]>(read);
    // The message is what was posted; only the assignment comes from the rendering.
    return converting(read, () => ({ ...slotOfEdge({ node: { ...node, message: null } }, 0), message: raw }));
  }
}
