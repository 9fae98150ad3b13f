/** Progress redraws (web/src/dom.ts redrawer): soon after the first ask, then at most every `ms`, always after the last ask. */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { redrawer } from "../../web/src/dom.ts";

beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] }));
afterEach(() => void vi.useRealTimers());

test("a burst of asks draws once at once and once more after the interval, with nothing lost after the last ask", () => {
  const draw = vi.fn();
  const r = redrawer(250, draw);
  r.soon();
  vi.advanceTimersByTime(0);
  expect(draw).toHaveBeenCalledTimes(1);
  for (let t = 0; t < 240; t += 10) {
    r.soon();
    vi.advanceTimersByTime(10);
  }
  expect(draw).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(10);
  expect(draw).toHaveBeenCalledTimes(2); // 250 ms after the first draw
  vi.advanceTimersByTime(1_000);
  expect(draw).toHaveBeenCalledTimes(2); // no ask since: no draw
});

test("asks a second apart each draw at once", () => {
  const draw = vi.fn();
  const r = redrawer(250, draw);
  for (let i = 1; i <= 3; i++) {
    r.soon();
    vi.advanceTimersByTime(0);
    expect(draw).toHaveBeenCalledTimes(i);
    vi.advanceTimersByTime(1_000);
  }
});

test("stop drops the draw still to come, and a later ask draws again", () => {
  const draw = vi.fn();
  const r = redrawer(250, draw);
  r.soon();
  vi.advanceTimersByTime(0);
  r.soon();
  r.stop();
  vi.advanceTimersByTime(1_000);
  expect(draw).toHaveBeenCalledTimes(1);
  r.soon();
  vi.advanceTimersByTime(0);
  expect(draw).toHaveBeenCalledTimes(2);
});
