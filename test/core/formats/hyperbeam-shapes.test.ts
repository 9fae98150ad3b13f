/**
 * The project's aos-2 and HyperBEAM JSON pages against shapes hand-written from the HyperBEAM
 * reference (test/vectors/hyperbeam, provenance in its README), not against the project's own
 * code: field names, order and JSON types. Each difference allowed is named here and documented
 * in docs/json-format.md.
 */
import { describe, expect, test } from "vitest";
import { pageToAos2 } from "../../../src/formats/aos2.ts";
import { pageToJson } from "../../../src/formats/hyperbeam-json.ts";
import { utf8Lossy } from "../../../src/crypto/bytes.ts";
import aos2Fixture from "vectors:hyperbeam/aos2-page.json";
import scheduleFixture from "vectors:hyperbeam/schedule-page.json";
import { signedSchedule } from "../../support/signed-schedule.ts";
import { bytesOf } from "../../support/vectors.ts";

type Shape = string | [string, Shape][] | { items: Shape };

/** A JSON value's shape: its type, an object's keys in order with theirs, an array's first element's. */
function shapeOf(v: unknown): Shape {
  if (v === null) return "null";
  if (Array.isArray(v)) return { items: v.length ? shapeOf(v[0]) : "none" };
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, shapeOf(x)] as [string, Shape]);
  return typeof v;
}

const fixture = (b64: string) => JSON.parse(utf8Lossy(bytesOf(b64))) as Record<string, any>;
const src = await signedSchedule(3);
const slots = await src.store.range({ from: 0, to: 3, limit: 10, maxBytes: 1e9 });
const page = { processId: src.pid, slots, continues: false, timestamp: 1_747_700_000_123, height: 1_526_366 };
const without = <T extends Record<string, unknown>>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe("HyperBEAM's shapes, hand-written from the reference", () => {
  test("aos-2: the page, its edges and both capitalised structs have the reference's keys, in its order, with its JSON types; block-hash is left out (this node tracks no block hashes)", () => {
    const ours = JSON.parse(JSON.stringify(pageToAos2(page))) as Record<string, any>;
    const theirs = fixture(aos2Fixture);
    expect(ours.edges).toHaveLength(4);
    expect(shapeOf(ours.page_info)).toEqual(shapeOf(without(theirs.page_info, "block-hash")));
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    for (const edge of ours.edges.slice(1)) expect(shapeOf(edge)).toEqual(shapeOf(theirs.edges[0]));
    expect(ours.edges.map((e: { cursor: number }) => e.cursor)).toEqual([0, 1, 2, 3]);
  });

  test("HyperBEAM JSON: the page has the reference's keys in its order and types (block-hash left out); each assignment carries the reference's fields with its types, except timestamp and block-height, which are the signed tags' strings", () => {
    const ours = JSON.parse(JSON.stringify(pageToJson(page))) as Record<string, any>;
    const theirs = fixture(scheduleFixture);
    expect(shapeOf(without(ours, "assignments"))).toEqual(shapeOf(without(theirs, "assignments", "block-hash")));
    expect(Object.keys(ours.assignments)).toEqual(["0", "1", "2", "3"]);
    const reference = theirs.assignments["3"] as Record<string, unknown>;
    // Not in the signed record this node keeps (D2), so not rendered: HyperBEAM's path, block-hash and block-timestamp.
    const carried = Object.keys(without(reference, "path", "block-hash", "block-timestamp"));
    expect(carried).toHaveLength(10);
    for (const a of Object.values(ours.assignments) as Record<string, unknown>[]) {
      for (const key of carried) {
        const expected = key === "timestamp" || key === "block-height" ? "string" : typeof reference[key];
        expect([key, typeof a[key]]).toEqual([key, expected]);
      }
    }
    expect(ours.assignments["3"]).toMatchObject({ "data-protocol": "ao", epoch: "0", slot: 3, process: src.pid });
  });
});
