import { describe, expect, test } from "vitest";
import { RecentKeys } from "../../../src/crypto/recent-keys.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("RecentKeys", () => {
  test("a key seen lately answers its value without asking the cache behind, whichever array holds its bytes", () => {
    const recent = new RecentKeys<string>(4);
    let made = 0;
    const make = () => `value ${++made}`;
    expect(recent.get(2, bytes(1, 2, 3), undefined, make)).toBe("value 1");
    expect(recent.get(2, bytes(1, 2, 3), undefined, make)).toBe("value 1");
    expect(recent.get(2, new Uint8Array([9, 1, 2, 3]).subarray(1), undefined, make)).toBe("value 1");
    expect(made).toBe(1);
  });

  test("the number, both byte strings and their lengths all tell keys apart; no second string and an empty one are the same", () => {
    const recent = new RecentKeys<string>(8);
    const keys: [number, Uint8Array, Uint8Array | undefined][] = [
      [2, bytes(1, 2), undefined],
      [4, bytes(1, 2), undefined],
      [2, bytes(1, 3), undefined],
      [2, bytes(1, 2, 0), undefined],
      [2, bytes(1, 2), bytes(7)],
      [2, bytes(1, 2), bytes(8)],
    ];
    keys.forEach(([n, a, b], i) => expect(recent.get(n, a, b, () => `key ${i}`)).toBe(`key ${i}`));
    keys.forEach(([n, a, b], i) => expect(recent.get(n, a, b, () => "asked again")).toBe(`key ${i}`));
    expect(recent.get(2, bytes(1, 2), new Uint8Array(0), () => "asked again")).toBe("key 0");
  });

  test("holds at most `size` keys: the oldest is asked for again; a key's bytes changed by its owner afterwards do not change it", () => {
    const recent = new RecentKeys<number>(2);
    const first = bytes(1);
    recent.get(0, first, undefined, () => 1);
    first[0] = 5; // a view into a buffer that is reused
    expect(recent.get(0, bytes(1), undefined, () => -1)).toBe(1);
    recent.get(0, bytes(2), undefined, () => 2);
    recent.get(0, bytes(3), undefined, () => 3);
    expect(recent.get(0, bytes(1), undefined, () => 10)).toBe(10);
    expect(recent.get(0, bytes(3), undefined, () => -1)).toBe(3);
  });

  test("a key whose slice is a view (as a Node Buffer's is) is copied all the same: reusing its buffer changes nothing kept", () => {
    class Viewing extends Uint8Array {
      override slice(start?: number, end?: number): Viewing {
        return this.subarray(start, end) as Viewing;
      }
    }
    const recent = new RecentKeys<string>(4);
    const reused = new Viewing([1, 2]);
    recent.get(0, reused, new Viewing([3]), () => "first");
    reused[0] = 9;
    expect(recent.get(0, bytes(1, 2), bytes(3), () => "asked again")).toBe("first");
    expect(recent.get(0, bytes(9, 2), bytes(3), () => "second")).toBe("second");
  });

  test("a promise is passed on but not remembered, so one that rejects is asked for again", async () => {
    const recent = new RecentKeys<Promise<string>>(4);
    const failing = recent.get(0, bytes(1), undefined, () => Promise.reject(new Error("import failed")));
    await expect(failing).rejects.toThrow("import failed");
    await expect(recent.get(0, bytes(1), undefined, () => Promise.resolve("imported"))).resolves.toBe("imported");
  });
});
