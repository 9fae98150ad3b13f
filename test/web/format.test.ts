/** How the dashboard writes times and amounts (web/src/format.ts). */
import { expect, test } from "vitest";
import { duration } from "../../web/src/format.ts";

test("duration gives a short check in milliseconds, under 10 s to a tenth, then whole seconds, minutes and hours, never rounding up to a unit it did not reach", () => {
  expect(duration(0.013)).toBe("13 ms");
  expect(duration(0)).toBe("0 ms");
  expect(duration(2.34)).toBe("2.3 s");
  expect(duration(42.4)).toBe("42 s");
  expect(duration(59.7)).toBe("1 min 0 s");
  expect(duration(125)).toBe("2 min 5 s");
  expect(duration(3 * 3600 + 20 * 60 + 10)).toBe("3 h 20 min");
  expect(duration(-1)).toBe("–");
  expect(duration(Number.NaN)).toBe("–");
});
