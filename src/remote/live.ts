/**
 * Live schedules (docs/live.md): the subscription protocol both sides share. A subscriber gets one
 * frame per slot, in order from the slot it asked for: a text frame holding the slot exactly as one
 * value of a JSON schedule page's `assignments` map, or (`accept=application/ans104`) a binary
 * frame holding a bundle of the slot's assignment and message. It acknowledges what it has
 * received by sending the last slot's number as a text frame; the sender stops while a window of
 * frames is unacknowledged, and closes a subscriber that stays stopped.
 *
 * Platform-neutral: the Durable Objects send with it, and the worker's cache, the browser's mirrors
 * and scripts/subscribe.ts follow another scheduler with it.
 */
import { readBundle } from "../ans104/bundle.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { slotToBundle } from "../formats/ans104-bundle.ts";
import { assignmentToJson, type SlotView } from "../formats/hyperbeam-json.ts";
import { FormatError } from "../formats/errors.ts";
import { slotsOfBundle, slotsOfJson } from "./client.ts";
import type { RemoteSlot } from "./verify.ts";

export type FrameFormat = "json" | "ans104";

/** The sender stops while this many bytes of frames are unacknowledged (then at most one frame more is in flight). */
export const WINDOW_BYTES = 1024 * 1024;
/** A subscriber acknowledges at least every this many bytes it receives (a quarter of the window). */
export const ACK_BYTES = WINDOW_BYTES / 4;
/** A subscriber stopped by a full window for this long is not reading: it is closed. */
export const HOLD_MS = 10_000;
/** Catching up reads the schedule this many slots at a time. */
export const CATCH_UP_PAGE = 1000;

/** The close codes a subscription can end with (besides 1000 and the runtime's own). */
export const CLOSE = {
  /** The subscriber sent something that is not an acknowledgement of a slot it was sent. */
  badMessage: 4400,
  /** The subscriber left its window full for HOLD_MS: it is not reading. */
  notReading: 4408,
  /** The process's schedule could not be followed from its scheduler (a remote process): the reason names why. */
  remoteFailed: 4502,
  /** The node cannot keep the subscription (its object restarted); subscribe again from the next slot. */
  restart: 1012,
} as const;

/** One slot as a frame. */
export function frameOf(s: SlotView, format: FrameFormat): string | Uint8Array {
  return format === "json" ? JSON.stringify(assignmentToJson(s)) : slotToBundle(s);
}

/** What a frame counts against the window: its bytes, or for a text frame its length in characters. */
export const frameSize = (frame: string | Uint8Array | ArrayBuffer): number => (typeof frame === "string" ? frame.length : frame.byteLength);

/** A close reason fits a close frame (123 bytes of UTF-8): cut, never split. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 123) return text;
  let cut = text.slice(0, 120);
  while (new TextEncoder().encode(cut).length > 120) cut = cut.slice(0, -1);
  return cut + "…";
}

/** Reads one frame back into the slot it carries (nothing is verified here: src/remote/verify.ts does that). */
export function slotOfFrame(data: string | Uint8Array | ArrayBuffer, processId: string): RemoteSlot {
  let slots: RemoteSlot[];
  if (typeof data === "string") {
    const json = JSON.parse(data) as { slot?: unknown };
    if (!json || typeof json !== "object" || !Number.isSafeInteger(json.slot)) throw new FormatError("frame", "is not a slot with an integer `slot`");
    slots = slotsOfJson({ assignments: { [String(json.slot)]: json as never } });
  } else {
    slots = slotsOfBundle(readBundle(data instanceof Uint8Array ? data : new Uint8Array(data), NO_LIMITS), processId);
  }
  if (slots.length !== 1) throw new FormatError("frame", `holds ${slots.length} slots, not one`);
  return slots[0];
}

/** The URL to subscribe to a process at a scheduler's base URL (http(s) becomes ws(s)). */
export function subscribeUrl(base: string, processId: string, from: number, format: FrameFormat = "ans104"): string {
  const { protocol } = new URL(base);
  const root = base.replace(/\/+$/, "").slice(protocol.length);
  return `${protocol === "https:" ? "wss:" : "ws:"}${root}/${processId}/subscribe?from=${from}${format === "ans104" ? "&accept=application/ans104" : ""}`;
}

/** The part of a WebSocket (browsers', workerd's, Node's `ws`) a follower uses. */
export interface LiveSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (e: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (e: { code: number; reason: string }) => void): void;
  addEventListener(type: "error", listener: (e: unknown) => void): void;
}

export interface Closed {
  code: number;
  reason: string;
}

/**
 * Follows a subscription on an open socket: each frame is read into its slot and handed to
 * `onSlot` one at a time, in order; received frames are acknowledged once handled, at least every
 * ACK_BYTES. Resolves when the socket closes; rejects (after closing it) when a frame cannot be
 * read or `onSlot` fails, so a slot that fails its checks is never acknowledged.
 */
export function followSocket(ws: LiveSocket, processId: string, onSlot: (s: RemoteSlot) => Promise<void> | void): Promise<Closed> {
  return new Promise((resolve, reject) => {
    let tail: Promise<void> = Promise.resolve();
    let unacked = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      try {
        ws.close(1000, closeReason(`stopping: ${(err as Error)?.message ?? err}`));
      } catch {}
      reject(err);
    };
    ws.addEventListener("message", (e) => {
      const raw = e.data as string | ArrayBuffer | Uint8Array | { arrayBuffer(): Promise<ArrayBuffer> };
      tail = tail.then(async () => {
        if (failed) return;
        // Browsers and workerd's client sockets may hand binary frames over as Blobs.
        const data = typeof raw === "object" && "arrayBuffer" in raw ? await raw.arrayBuffer() : raw;
        const slot = slotOfFrame(data, processId);
        await onSlot(slot);
        unacked += frameSize(data);
        if (unacked >= ACK_BYTES) {
          unacked = 0;
          ws.send(String(slot.slot));
        }
      });
      tail.catch(fail);
    });
    ws.addEventListener("close", (e) => void tail.then(() => !failed && resolve({ code: e.code, reason: e.reason }), fail));
    ws.addEventListener("error", () => {});
  });
}
