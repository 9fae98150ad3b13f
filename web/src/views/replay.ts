/**
 * Replay: walks the kept schedule slot by slot, in order, showing each message as the process
 * would receive it, and re-checks every assignment against the one before it as it goes.
 * Works offline: everything comes from IndexedDB.
 */
import type { Store } from "../../../src/schedule/store.ts";
import { badge, h, icon, replace } from "../dom.ts";
import { count, preview, shortId, time } from "../format.ts";
import { Replay, type ReplayStep } from "../replay.ts";
import { slotBadge } from "../slot-view-model.ts";

const SPEEDS = [1, 10, 100, 1000, 0]; // slots per second; 0 is as fast as the checks go
/** "Skip to start": a bar and a triangle pointing at it. */
const START_OVER = "M3 3h2v10H3zM13 3v10L6 8z";

export interface ReplayPanel {
  /** Counts the kept slots again and redraws (the mirror kept more). */
  refresh(): Promise<void>;
  stop(): void;
}

/** Where a replay stands: before the first slot, or at a slot (numbered from 0) as the n-th of all. */
const replayPosition = (at: number | undefined, total: number): string => (at === undefined ? `ready: ${count(total)} slots` : `slot ${count(at)} (${count(at + 1)} of ${count(total)})`);

export function replayPanel(root: HTMLElement, store: Store, processId: string): ReplayPanel {
  let replay = new Replay(store, processId);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let playing = false;
  let speed = 100;
  let lastStep: ReplayStep | undefined;
  let checked = 0;
  let unverified = 0;
  let failure: ReplayStep | undefined;
  const status = h("div", { class: "progress-line", "data-testid": "replay-status", "aria-live": "polite" });
  const current = h("div", { "data-testid": "replay-current" });
  const playButton = h("button", { type: "button", class: "primary", onclick: () => (playing ? stop() : play()) }, "Play");
  const speedSelect = h("select", { "aria-label": "Replay speed" }, SPEEDS.map((s) => h("option", { value: s, selected: s === speed }, s === 0 ? "as fast as possible" : `${count(s)} slots/s`)));
  speedSelect.addEventListener("change", () => (speed = Number(speedSelect.value)));

  async function step(): Promise<boolean> {
    const s = await replay.step();
    if (!s) return false;
    lastStep = s;
    checked++;
    if (s.model.stored.status === "unverified") unverified++;
    if (!s.ok && !failure) failure = s;
    return s.ok;
  }

  function draw(): void {
    const total = replay.total;
    const at = lastStep?.slot;
    replace(
      status,
      h("span", { "data-testid": "replay-position" }, replayPosition(at, total)),
      h("span", {}, `${count(checked)} re-checked`),
      failure
        ? h("span", { class: "badge bad", "data-testid": "replay-result" }, `slot ${count(failure.slot)}: ${failure.problem}`)
        : unverified > 0
          ? h("span", { class: "badge warn", "data-testid": "replay-result", title: "their signatures cannot be checked: see what was checked above" }, `all checks that can be made passed; ${count(unverified)} unverified`)
          : checked > 0
            ? h("span", { class: "badge ok", "data-testid": "replay-result" }, "all checks passed")
            : null,
      replay.done ? h("span", { "data-testid": "replay-done" }, "end of schedule") : null,
    );
    if (!lastStep) return replace(current);
    const m = lastStep.model;
    replace(
      current,
      h(
        "div",
        { class: `panel${lastStep.ok ? "" : " broken"}` },
        h("div", { class: "row" }, h("strong", {}, `Slot ${count(lastStep.slot)}`), h("span", { class: "muted" }, time(m.stored.timestamp)), h("span", { class: "mono", title: m.stored.messageId }, shortId(m.stored.messageId)), h("span", {}, m.action ?? ""), h("span", { "data-testid": "replay-slot-status" }, badge(lastStep.ok ? slotBadge(m.stored.status ?? "verified") : { kind: "bad", label: "broken" }))),
        m.message ? h("div", { class: "mono muted" }, m.message.tags.map((t) => `${t.name}: ${t.value}`).join(" · ")) : h("div", { class: "muted" }, "an assigned id (no message bytes)"),
        m.message && m.message.data.length > 0 ? h("pre", { class: "data" }, preview(m.message.data, 512)) : null,
      ),
    );
  }

  function play(): void {
    playing = true;
    playButton.textContent = "Pause";
    const tick = async () => {
      if (!playing) return;
      // At full speed, check a batch per frame so the page stays responsive.
      const batch = speed === 0 ? 200 : Math.max(1, Math.round(speed / 20));
      for (let i = 0; i < batch && !replay.done; i++) await step();
      if (replay.done) await replay.refresh(); // slots kept while playing are played too
      draw();
      if (replay.done) return stop();
      timer = setTimeout(tick, speed === 0 ? 0 : Math.max(0, (1000 * batch) / speed));
    };
    void tick();
  }

  function stop(): void {
    playing = false;
    playButton.textContent = "Play";
    clearTimeout(timer);
  }

  async function restart(): Promise<void> {
    stop();
    replay = new Replay(store, processId);
    await replay.ready;
    lastStep = failure = undefined;
    checked = unverified = 0;
    draw();
  }

  replace(
    root,
    h("p", { class: "muted" }, "Steps through the ordered messages as the process receives them, re-checking each assignment against the one before it. Works offline."),
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", onclick: () => void restart() }, icon(START_OVER), "Start over"),
      h("button", { type: "button", onclick: async () => (stop(), await step(), draw()) }, "Step"),
      playButton,
      h("label", {}, "Speed", speedSelect),
    ),
    status,
    current,
  );
  void replay.ready.then(draw);
  return {
    refresh: async () => {
      await replay.refresh();
      draw();
    },
    stop,
  };
}
