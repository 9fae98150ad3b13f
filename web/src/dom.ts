/** A few lines instead of a UI library: build elements, swap a view's content. */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** How often progress is redrawn at most: four times a second reads as live. */
export const PROGRESS_MS = 250;

/**
 * A redraw for progress that arrives faster than anyone reads it: after `soon()`, `draw` runs
 * at once, then at most once every `ms` however often it is asked for, and always once after the
 * last ask; `stop()` drops one still to come (the view closed). Each redraw costs the page a
 * layout and a paint and the compositor a frame: on two cores, time taken from the very checks
 * the progress reports on.
 */
export function redrawer(ms: number, draw: () => unknown): { soon(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  const run = () => {
    timer = undefined;
    last = performance.now();
    draw();
  };
  return {
    soon: () => void (timer ??= setTimeout(run, Math.max(0, last + ms - performance.now()))),
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** A small status label (class ok, warn or bad). */
export const badge = (b: { kind: string; label: string }) => h("span", { class: `badge ${b.kind}` }, b.label);

/** What was and was not checked (src/remote/verify.ts SLOT_CHECKS), as two short lines. */
export const checkList = (c: { checked: readonly string[]; notChecked: readonly string[] }) =>
  h("span", { class: "checks" }, h("span", { "data-testid": "checked" }, `Checked: ${c.checked.join("; ")}.`), c.notChecked.length > 0 ? h("span", { "data-testid": "not-checked" }, ` Not checked: ${c.notChecked.join("; ")}.`) : null);

/** A message for an empty or failed state: what happened and what to do about it. */
export const notice = (kind: "empty" | "error" | "info", title: string, ...body: Child[]) => h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, h("strong", {}, title), ...body.map((b) => h("p", {}, b)));

/** Paths for icon(): the text arrows ← and → draw nothing where no font has them. */
export const ARROW_LEFT = "M7 2.6 1.6 8 7 13.4l1.4-1.4-3-3H14.5V7H5.4l3-3z";
export const ARROW_RIGHT = "M9 2.6 14.4 8 9 13.4 7.6 12l3-3H1.5V7h9.1l-3-3z";

/**
 * A 16×16 inline SVG icon drawn in the text colour. Symbol glyphs such as ⏮ depend on the fonts a
 * machine has (headless Chromium draws an empty box); a path always draws.
 */
export function icon(path: string, after = false): SVGSVGElement {
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", after ? "icon after" : "icon");
  svg.setAttribute("aria-hidden", "true");
  const p = document.createElementNS(NS, "path");
  p.setAttribute("d", path);
  svg.append(p);
  return svg;
}
