/**
 * Legacy SU pages (ao.TN.1) read back by a reader written here from the SU's documented rules
 * (legacy-su.md §1.6-1.8), independently of src/: the real 31-slot schedule of process 4QTy…
 * (su-output.txt) is decoded with independent-ans104.ts, rendered by the project's formatter, and
 * the JSON text a client receives is checked field by field against the decoded bytes, key order
 * included (clients see the SU's order; JSON.parse keeps it).
 */
import { describe, expect, test } from "vitest";
import { legacyPage, processInfo } from "../../src/formats/legacy-su.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { b64u, readRawBundle, parseRawItem, sha256, tagOf, type RawItem } from "../e2e/independent-ans104.ts";
import { PROCESS_4QTY, processExpectedJson, scheduleExpectedJson, suOutputItems } from "../support/vectors.ts";

// The SU's rules, as documented (legacy-su.md §1.6-1.8): the keys of each object, in order.
const PAGE = ["page_info", "edges"];
const PAGE_INFO = ["has_next_page"];
const EDGE = ["node", "cursor"];
const NODE = ["message", "assignment"];
const MESSAGE = ["id", "owner", "data", "tags", "signature", "anchor", "target"];
const ASSIGNMENT = ["id", "owner", "tags", "signature", "anchor", "target"];
const OWNER = ["address", "key"];
const TAG = ["name", "value"];
const PROCESS = ["process_id", "block", "owner", "tags", "timestamp", "data", "anchor", "signature", "target"];

/** The anchor as the SU renders it: its 32 bytes read as UTF-8, null when they are not (or absent). */
const anchorOf = (a: Uint8Array | undefined): string | null => {
  if (!a) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(a) || null;
  } catch {
    return null;
  }
};
const lossy = (bytes: Uint8Array): string => new TextDecoder("utf-8").decode(bytes);

type Json = Record<string, unknown>;

/** Reads one rendered item as the SU documents it, against the item decoded from its bytes. */
function readItem(json: Json, item: RawItem, keys: string[], where: string): void {
  expect(Object.keys(json), `${where}: keys in the SU's order`).toEqual(keys);
  expect(json.id, where).toBe(item.id);
  expect(Object.keys(json.owner as Json), `${where}.owner`).toEqual(OWNER);
  expect(json.owner, where).toEqual({ address: b64u(sha256(item.owner)), key: b64u(item.owner) });
  const tags = json.tags as Json[];
  expect(tags, `${where}.tags`).toHaveLength(item.tags.length);
  tags.forEach((t, i) => expect(Object.keys(t), `${where}.tags[${i}]`).toEqual(TAG));
  expect(tags, where).toEqual(item.tags);
  expect(json.signature, where).toBe(b64u(item.signature));
  expect(json.anchor, `${where}.anchor`).toBe(anchorOf(item.anchor));
}

/** The schedule, decoded from the SU's storage items: outer item → bundle [assignment, message?]. */
const decoded = suOutputItems()
  .map((raw) => readRawBundle(parseRawItem(raw).data))
  .map(([assignment, message]) => ({ assignment, message, nonce: Number(tagOf(assignment, "Nonce")) }))
  .sort((a, b) => a.nonce - b.nonce);

const stored: StoredSlot[] = decoded.map((d, slot) => ({
  slot,
  assignmentId: d.assignment.id,
  messageId: tagOf(d.assignment, "Message") ?? PROCESS_4QTY,
  timestamp: Number(tagOf(d.assignment, "Timestamp")),
  assignment: d.assignment.raw,
  message: d.message?.raw,
}));

describe("legacy SU pages, read back by a reader of the SU's documented rules", () => {
  test("the real schedule decodes independently: 31 slots, nonces 0-30, slot 0 the process", () => {
    expect(decoded).toHaveLength(31);
    expect(decoded.map((d) => d.nonce)).toEqual([...Array(31).keys()]);
    expect(decoded[0].message?.id).toBe(PROCESS_4QTY);
  });

  test("GET /{pid} (timestamp mode): every key in the SU's order, every field what the bytes say, cursors the Timestamps", () => {
    const page = JSON.parse(JSON.stringify(legacyPage(stored, false, "timestamp"))) as Json;
    expect(Object.keys(page)).toEqual(PAGE);
    expect(Object.keys(page.page_info as Json)).toEqual(PAGE_INFO);
    expect(page.page_info).toEqual({ has_next_page: false });
    const edges = page.edges as Json[];
    expect(edges).toHaveLength(31);
    edges.forEach((edge, i) => {
      const where = `edges[${i}]`;
      expect(Object.keys(edge), where).toEqual(EDGE);
      const node = edge.node as Json;
      expect(Object.keys(node), where).toEqual(NODE);
      const { assignment, message } = decoded[i];
      readItem(node.assignment as Json, assignment, ASSIGNMENT, `${where}.node.assignment`);
      expect((node.assignment as Json).target, where).toBe("");
      expect(edge.cursor, where).toBe(tagOf(assignment, "Timestamp"));
      if (!message) {
        expect(node.message, where).toBeNull();
        return;
      }
      const m = node.message as Json;
      readItem(m, message, MESSAGE, `${where}.node.message`);
      expect(m.data, where).toBe(lossy(message.data));
      expect(m.target, where).toBe(message.target ? b64u(message.target) : null);
    });
  });

  test("the shared vector rendered by hand from the same rules is the project's page to the byte, key order included", () => {
    expect(JSON.stringify(legacyPage(stored, false, "timestamp"))).toBe(JSON.stringify(scheduleExpectedJson()));
  });

  test("GET /processes/{pid}: the SU's keys in order, block the Block-Height tag, timestamp a number, data text or null", () => {
    const info = JSON.parse(JSON.stringify(processInfo(stored[0]))) as Json;
    expect(Object.keys(info)).toEqual(PROCESS);
    const { assignment, message } = decoded[0];
    expect(info).toMatchObject({ process_id: PROCESS_4QTY, block: tagOf(assignment, "Block-Height"), timestamp: Number(tagOf(assignment, "Timestamp")), target: null });
    expect(info.tags).toEqual(message!.tags);
    expect(JSON.stringify(info)).toBe(JSON.stringify(processExpectedJson()));
  });
});
