/** The assignments chart's arithmetic (web/src/chart.ts): sampled chunks of different lengths weigh what they hold. */
import { expect, test } from "vitest";
import { bucketsOf, sampleWeights } from "../../web/src/chart.ts";

test("a sampled chunk stands for the slots from its first to the next sample's first, the last one to the slots kept", () => {
  // Chunks of 100 (kept by version 3), then of 250, then short ones of large messages, every other one sampled.
  expect(sampleWeights([0, 200, 450, 950, 954], 960)).toEqual([200, 250, 500, 4, 6]);
  expect(sampleWeights([], 0)).toEqual([]);
});

test("bars add up each sample's weight in its time span, so a span of few long chunks and one of many short ones weigh by slots, not by chunks", () => {
  const buckets = bucketsOf([0, 5, 10, 600, 610, 620, 630, 640, 650, 1_000], [250, 250, 250, 2, 2, 2, 2, 2, 2, 1]);
  expect(buckets.reduce((a, b) => a + b, 0)).toBe(763);
  expect(buckets[0]).toBe(750); // 0, 5 and 10 fall in the first of 60 spans of 1000/60 ms
  expect(buckets.slice(36, 40).reduce((a, b) => a + b, 0)).toBe(12);
  expect(buckets[59]).toBe(1);
  const unweighted = bucketsOf([5, 6, 7]); // no weights: a slot each
  expect([unweighted[0], unweighted[30], unweighted[59], unweighted.reduce((a, b) => a + b, 0)]).toEqual([1, 1, 1, 3]);
});
