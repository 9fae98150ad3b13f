/**
 * Formatter proof (issue 3): the 31 real slots of su-output.txt render exactly as the SU's JSON in
 * schedule-4QTy.expected.json, its nonce-10-12 page, and process-4QTy.expected.json (key order aside).
 */
import { describe, expect, test } from "vitest";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { legacyPage, processInfo, slotNode } from "../../../src/formats/legacy-su.ts";
import { PROCESS_4QTY, processExpectedJson, scheduleExpectedJson, scheduleNonceExpectedJson, suOutputSlots } from "../../support/vectors.ts";

const slots: StoredSlot[] = suOutputSlots();

describe("legacy SU formatter on real bytes", () => {
  test("GET /4QTy…?process-id=4QTy… (31 edges, process first, cursor = Timestamp)", () => {
    expect(slots[0].messageId).toBe(PROCESS_4QTY);
    expect(legacyPage(slots, false, "timestamp")).toEqual(scheduleExpectedJson());
  });

  test("the same with from-nonce=10&to-nonce=12 (cursors are Nonces)", () => {
    expect(legacyPage(slots.slice(11, 13), false, "nonce")).toEqual(scheduleNonceExpectedJson());
  });

  test("GET /processes/4QTy…", () => {
    expect(processInfo(slots[0])).toEqual(processExpectedJson());
  });

  test("a slot 0 without its process item is a not-found ScheduleError", () => {
    expect(() => processInfo({ ...slots[0], message: undefined })).toThrow(expect.objectContaining({ code: "not-found", message: "slot 0 holds no process item" }));
  });

  test("show-anchor renders a non-UTF-8 anchor as base64url instead of null", () => {
    const node = slotNode(slots[1], { showAnchor: true });
    const plain = slotNode(slots[1]);
    expect(plain.assignment.anchor).toBeNull();
    expect(node.assignment.anchor).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
