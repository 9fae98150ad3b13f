/**
 * A mirrored process: its progress and verification, a chart of assignments over time, the
 * timeline of assignments, the live view, replay, and export.
 */
import type { MirrorRecord } from "../db.ts";
import { drawAssignments, sampleWeights } from "../chart.ts";
import { ARROW_LEFT, ARROW_RIGHT, badge, checkList, h, icon, notice, PROGRESS_MS, redrawer, replace } from "../dom.ts";
import { count, duration, rate, shortId, time } from "../format.ts";
import { allOf, IdbStore } from "../idb-store.ts";
import { href } from "../router.ts";
import { slotBadge, slotModel } from "../slot-view-model.ts";
import type { AuditReport } from "../worker-protocol.ts";
import { exportSchedule } from "../export.ts";
import { idProblem } from "../../../src/crypto/ids.ts";
import { SLOT_CHECKS } from "../../../src/remote/verify.ts";
import { replayPanel, type ReplayPanel } from "./replay.ts";
import { errorHint, progressBlock, startMirror, statusBadge } from "./mirrors.ts";
import type { View } from "./view.ts";

const PAGE = 100;
const CHART_SAMPLES = 2000;

export const processView = (root: HTMLElement, app: Parameters<View>[1], processId: string): (() => void) | void => {
  const problem = idProblem(processId);
  if (problem) return replace(root, h("h1", { class: "mono" }, processId), notice("error", "Not a process id.", `A process id is 43 base64url characters; this one is ${problem}.`));
  const store = new IdbStore(app.db, processId);
  let first = 0;
  let live = false;
  let audit: AuditReport | undefined;
  const head = h("div");
  const verifyBox = h("div", { "data-testid": "verify", "aria-live": "polite" });
  const exportNote = h("div", { "aria-live": "polite" });
  const chart = h("canvas", { class: "chart", role: "img", "aria-label": "assignments over time" });
  const table = h("div", { class: "table-wrap" });
  const pager = h("div", { class: "row" });
  const replayBox = h("div");
  const stops: (() => void)[] = [];

  async function drawHead(r: MirrorRecord): Promise<void> {
    const last = await store.last();
    replace(
      head,
      h("h1", { class: "mono" }, processId, " ", statusBadge(r)),
      h("div", { class: "muted mono" }, `${r.url} · ${r.variant}${r.scheduler ? ` · scheduler ${shortId(r.scheduler)}` : ""}`),
      progressBlock(r, app.progress.get(processId)),
      last ? h("p", { "data-testid": "latest" }, "Latest: ", h("a", { href: href.slot(processId, last.slot) }, `slot ${count(last.slot)}`), ` · ${time(last.timestamp)} · message `, h("span", { class: "mono" }, last.messageId)) : null,
      r.error ? notice("error", r.error.slot !== undefined ? `Slot ${count(r.error.slot)} failed its check.` : r.state === "failed" ? "The mirror stopped." : "The last sync failed.", r.error.message, errorHint(r)) : null,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "primary", onclick: () => void runAudit() }, "Verify again"),
        h(
          "button",
          {
            type: "button",
            "aria-pressed": String(live),
            "data-testid": "live",
            onclick: async (e: Event) => {
              live = !live;
              (e.target as HTMLElement).setAttribute("aria-pressed", String(live));
              (e.target as HTMLElement).textContent = live ? "Live: on" : "Live: off";
              await app.follow(processId, live);
            },
          },
          live ? "Live: on" : "Live: off",
        ),
        r.state === "running" ? h("button", { type: "button", onclick: () => void app.pause(processId) }, "Pause") : h("button", { type: "button", onclick: () => void app.sync(processId) }, r.state === "done" ? "Sync" : "Resume"),
        h("button", { type: "button", onclick: () => void download("bundle") }, "Export bundle"),
        h("button", { type: "button", onclick: () => void download("json") }, "Export JSON"),
      ),
    );
  }

  async function download(kind: "bundle" | "json"): Promise<void> {
    replace(exportNote);
    try {
      await exportSchedule(store, processId, kind);
    } catch (err) {
      replace(exportNote, notice("error", `Could not export ${kind === "bundle" ? "a bundle" : "JSON"}.`, (err as Error).message));
    }
  }

  function drawAudit(): void {
    if (!audit) return replace(verifyBox);
    const a = audit;
    if (!a.done) return replace(verifyBox, h("div", { class: "panel" }, `Verifying… ${count(a.checked)} of ${count(a.total)} slots`, h("progress", { max: a.total, value: a.checked })));
    if (a.broken) {
      return replace(
        verifyBox,
        h(
          "div",
          { class: "notice error", role: "alert", "data-broken-slot": a.broken.slot },
          h("strong", {}, `Broken at slot ${count(a.broken.slot)}: ${a.broken.check}`),
          h("p", {}, a.broken.message),
          a.broken.expected !== undefined ? h("p", { class: "mono" }, `expected ${a.broken.expected}`) : null,
          a.broken.found !== undefined ? h("p", { class: "mono" }, `found ${a.broken.found}`) : null,
          h("p", {}, h("a", { href: href.slot(processId, a.broken.slot) }, "Open that slot")),
        ),
      );
    }
    const [kind, text, label, checks] =
      a.unverified > 0
        ? ["warn", "unverified", `Unverified: ${count(a.checked)} slots (${count(a.unverified)} read from a HyperBEAM node's aos-2 rendering, whose signatures cannot be checked here), checked as far as the rendering allows.`, SLOT_CHECKS.unverified]
        : a.chainChecked > 0
          ? ["warn", "chain-checked only", `Chain-checked: ${count(a.checked)} slots (${count(a.chainChecked)} without signature checks: their source format lost bytes a signature needs)`, SLOT_CHECKS["chain-checked"]]
          : ["ok", "verified", `Verified: ${count(a.checked)} slots, every signature, id, chain link, nonce and timestamp`, undefined];
    const all = kind === "ok";
    replace(
      verifyBox,
      h(
        "div",
        { class: `notice ${all ? "" : "info"}`, "data-verified": String(all), "data-checked": a.checked, "data-ms": Math.round(a.ms) },
        badge({ kind, label: text }),
        " ",
        label,
        h("span", { class: "muted" }, ` in ${duration(a.ms / 1000)} (${rate((a.checked * 1000) / Math.max(1, a.ms))})`),
        checks ? h("p", {}, checkList(checks)) : null,
      ),
    );
  }

  async function runAudit(): Promise<void> {
    if (!(await store.last())) return replace(verifyBox, notice("empty", "Nothing to verify yet.", "No slot of this process is kept in this browser."));
    audit = { processId, checked: 0, total: 0, done: false, verified: 0, chainChecked: 0, unverified: 0, ms: 0 };
    drawAudit();
    try {
      // No progress redraw still to come may draw over the outcome.
      audit = await app.audit(processId).finally(auditProgress.stop);
    } catch (err) {
      audit = undefined;
      replace(verifyBox, notice("error", "Verification could not run.", (err as Error).message));
      return;
    }
    drawAudit();
  }

  async function drawTimeline(): Promise<void> {
    const last = (await store.last())?.slot ?? -1;
    const slots = await store.range({ from: first, to: first + PAGE - 1, limit: PAGE, maxBytes: Number.MAX_SAFE_INTEGER });
    replace(
      table,
      slots.length === 0
        ? notice("empty", "No slots kept yet.", "They appear here as the mirror brings them in.")
        : h(
            "table",
            { class: "grid", "data-testid": "timeline" },
            h("thead", {}, h("tr", {}, h("th", { class: "num" }, "Slot"), h("th", {}, "Time"), h("th", {}, "Message"), h("th", {}, "Action"), h("th", {}, "Signer"), h("th", {}, "Check"))),
            h(
              "tbody",
              {},
              slots.map((s) => {
                const m = slotModel(s);
                return h(
                  "tr",
                  { "data-slot": s.slot },
                  h("td", { class: "num" }, h("a", { href: href.slot(processId, s.slot) }, count(s.slot))),
                  h("td", {}, time(s.timestamp)),
                  h("td", { class: "mono", title: s.messageId }, shortId(s.messageId)),
                  h("td", {}, m.action ?? h("span", { class: "muted" }, s.message ? "–" : "assigned id")),
                  h("td", { class: "mono", title: m.signer ?? "" }, m.signer ? shortId(m.signer) : "–"),
                  h("td", {}, badge(slotBadge(s.status))),
                );
              }),
            ),
          ),
    );
    const goto = h("input", { type: "number", min: 0, max: Math.max(0, last), value: first, "aria-label": "First slot shown" });
    replace(
      pager,
      h("button", { type: "button", disabled: first === 0, onclick: () => ((first = Math.max(0, first - PAGE)), void drawTimeline()) }, icon(ARROW_LEFT), "Earlier"),
      h("span", { class: "muted", "data-testid": "timeline-range" }, last < 0 ? "no slots" : `slots ${count(first)}–${count(Math.min(last, first + PAGE - 1))} of ${count(last + 1)}`),
      h("button", { type: "button", disabled: first + PAGE > last, onclick: () => ((first += PAGE), void drawTimeline()) }, "Later", icon(ARROW_RIGHT, true)),
      h("label", {}, "Go to slot", goto),
      h("button", { type: "button", onclick: () => ((first = Math.max(0, Number(goto.value) || 0)), void drawTimeline()) }, "Go"),
    );
  }

  async function drawChart(): Promise<void> {
    const total = ((await store.last())?.slot ?? -1) + 1;
    // A short schedule is read whole; a long one stands for itself by each chunk's first timestamp,
    // read from the index alone (keys, not slots): nothing long is copied to this thread for 60 bars.
    if (total <= CHART_SAMPLES) {
      const slots = await store.range({ from: 0, to: total - 1, limit: total, maxBytes: Number.MAX_SAFE_INTEGER });
      return drawAssignments(chart, slots.map((s) => s.timestamp));
    }
    const index = app.db.transaction("chunks").store.index("firstTimestamp");
    const step = Math.ceil((await index.count(allOf(processId))) / CHART_SAMPLES);
    const times: number[] = [];
    const firsts: number[] = [];
    let cursor = await index.openKeyCursor(allOf(processId));
    while (cursor) {
      times.push(cursor.key[1]);
      firsts.push(cursor.primaryKey[1]);
      cursor = await cursor.advance(step);
    }
    drawAssignments(chart, times, sampleWeights(firsts, total)); // chunks differ in length
  }

  let shell = false;
  let replay: ReplayPanel | undefined;
  /** The kept slot the last automatic audit started at: a mirror that finishes or grows is verified again, once. */
  let auditedAt: number | undefined;

  /** Draws the page from the record as IndexedDB holds it now (the worker writes a record before announcing it). */
  async function draw(): Promise<void> {
    const r = await app.record(processId);
    if (!r) {
      shell = false;
      const message = h("div", { "aria-live": "polite" });
      replace(
        root,
        h("h1", { class: "mono" }, processId),
        notice("empty", "This process is not mirrored in this browser.", navigator.onLine ? "Mirror it from this node, or from the scheduler that holds it." : "You are offline: connect, then mirror it."),
        h("button", { type: "button", class: "primary", onclick: () => void startMirror(app, message, { url: location.origin, processId, variant: "ao.N.1" }).then((r) => r && refresh()) }, "Mirror from this node"),
        " ",
        h("a", { class: "button", href: href.mirrors() }, "Mirror from another scheduler"),
        message,
      );
      return;
    }
    if (!shell) {
      shell = true;
      replace(root, head, exportNote, verifyBox, h("h2", {}, "Assignments over time"), chart, h("h2", {}, "Timeline"), pager, table, h("h2", {}, "Replay"), replayBox);
      replay ??= replayPanel(replayBox, store, processId);
    }
    await drawHead(r);
    if ((r.state === "done" || r.state === "paused") && auditedAt !== r.kept && (!audit || audit.done)) {
      auditedAt = r.kept;
      void runAudit();
    }
    await Promise.all([drawTimeline(), drawChart(), replay?.refresh()]);
  }

  // One draw at a time, always of the latest record: a change heard while drawing draws once more after it.
  let drawing = false;
  let stale = false;
  function refresh(): void {
    if (drawing) return void (stale = true);
    drawing = true;
    void (async () => {
      try {
        do {
          stale = false;
          await draw();
        } while (stale);
      } finally {
        drawing = false;
      }
    })();
  }

  // Progress (an audit's, a mirror's pages) redraws a few times a second, not at every report.
  const auditProgress = redrawer(PROGRESS_MS, drawAudit);
  const recordProgress = redrawer(PROGRESS_MS, refresh);
  stops.push(
    app.listen((e) => {
      if (e.type === "audit" && e.report.processId === processId && audit && !audit.done) {
        audit = e.report;
        return auditProgress.soon();
      }
      if (e.type === "record" && e.record.processId === processId) recordProgress.soon();
      if (e.type === "removed" && e.processId === processId) refresh();
    }) as () => void,
    auditProgress.stop,
    recordProgress.stop,
  );
  stops.push(() => replay?.stop());
  refresh();
  return () => {
    stops.forEach((s) => s());
    if (live) void app.follow(processId, false);
  };
};
