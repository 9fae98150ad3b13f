import { describe, expect, test } from "vitest";
import { BoundedCache } from "../../../src/crypto/bounded-cache.ts";

const key = (i: number) => `key-${i}`;

describe("BoundedCache", () => {
  test("never holds more than max entries, however many keys are set, and keeps at least the last max/2 set", () => {
    const cache = new BoundedCache<number>(100);
    for (let i = 0; i < 1_000; i++) {
      cache.set(key(i), i);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    for (let i = 950; i < 1_000; i++) expect(cache.peek(key(i)), key(i)).toBe(i);
    expect(cache.peek(key(0))).toBeUndefined();
  });

  test("a key that is read keeps its place while other keys come and go; one never read is forgotten", () => {
    const cache = new BoundedCache<string>(10);
    cache.set("read", "kept");
    cache.set("unread", "dropped");
    for (let i = 0; i < 100; i++) {
      cache.set(key(i), "filler");
      expect(cache.peek("read"), `after ${i + 1} other keys`).toBe("kept");
    }
    expect(cache.peek("unread")).toBeUndefined();
    expect(cache.size).toBeLessThanOrEqual(10);
  });

  test("set replaces a value, whichever generation holds it", () => {
    const cache = new BoundedCache<number>(4);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3); // "a" and "b" are now the old generation
    cache.set("a", 10);
    expect(cache.peek("a")).toBe(10);
    cache.set("c", 30);
    expect(cache.peek("c")).toBe(30);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  test("get makes a value once per key while it is kept, and again once it was forgotten", () => {
    const cache = new BoundedCache<number>(4);
    let made = 0;
    const make = () => ++made;
    expect(cache.get("x", make)).toBe(1);
    expect(cache.get("x", make)).toBe(1);
    for (let i = 0; i < 4; i++) cache.set(key(i), i);
    expect(cache.get("x", make)).toBe(2);
    expect(made).toBe(2);
  });

  test("a rejected promise is not kept (the next get makes a new one); a resolved one is", async () => {
    const cache = new BoundedCache<Promise<string>>(8);
    const failing = cache.get("k", () => Promise.reject(new Error("no")));
    await expect(failing).rejects.toThrow("no");
    const second = cache.get("k", () => Promise.resolve("yes"));
    expect(second).not.toBe(failing);
    await expect(second).resolves.toBe("yes");
    expect(cache.get("k", () => Promise.resolve("again"))).toBe(second);
  });

  test("a rejected promise that was replaced meanwhile does not take its replacement with it", async () => {
    const cache = new BoundedCache<Promise<string>>(8);
    let reject!: (e: Error) => void;
    const failing = cache.get("k", () => new Promise<string>((_, r) => (reject = r)));
    const replacement = Promise.resolve("new");
    cache.set("k", replacement);
    reject(new Error("late"));
    await expect(failing).rejects.toThrow("late");
    expect(cache.peek("k")).toBe(replacement);
  });

  test("clear forgets every key", () => {
    const cache = new BoundedCache<number>(6);
    for (let i = 0; i < 5; i++) cache.set(key(i), i);
    cache.clear();
    expect(cache.size).toBe(0);
    for (let i = 0; i < 5; i++) expect(cache.peek(key(i))).toBeUndefined();
  });
});
