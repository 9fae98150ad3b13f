/** Mirrors: start one from any scheduler URL, watch them stream in side by side, import a file. */
import { sourceFailure, type MirrorRecord } from "../db.ts";
import type { Job } from "../worker-protocol.ts";
import { h, notice, PROGRESS_MS, redrawer, replace } from "../dom.ts";
import { count, duration, rate, shortId } from "../format.ts";
import { href } from "../router.ts";
import type { Progress } from "../../../src/remote/mirror.ts";
import type { View } from "./view.ts";

const STATE_BADGE: Record<MirrorRecord["state"], string> = { idle: "", running: "warn", paused: "", done: "ok", failed: "bad" };

export function statusBadge(r: MirrorRecord): HTMLElement {
  const badge = (kind: string, text: string, title?: string) => h("span", { class: `badge ${kind}`, "data-testid": "mirror-state", title }, text);
  if (r.state === "failed") return badge("bad", r.error?.slot === undefined ? "failed" : `broken at slot ${count(r.error.slot)}`);
  if (r.state === "done" && (r.counts.unverified ?? 0) > 0) return badge("warn", "unverified", "Read from a HyperBEAM node's aos-2 rendering: its signatures cannot be checked here; everything the rendering allows was checked.");
  if (r.state === "done" && r.counts["chain-checked"] > 0) return badge("warn", "chain-checked only", "The source format lost bytes a signature check needs; every other check passed.");
  if (r.state === "done") return badge("ok", "verified");
  return badge(STATE_BADGE[r.state], r.state);
}

/**
 * Starts a mirror from a button or form, saying so in `message` at once (finding the scheduler's
 * format and the process takes a request or two) and why when it cannot start. Resolves with the
 * record, or undefined when it did not start.
 */
export async function startMirror(app: Parameters<View>[1], message: Element, job: Job): Promise<MirrorRecord | undefined> {
  replace(message, notice("info", "Starting the mirror…", `Asking ${job.url} for process ${shortId(job.processId)}.`));
  try {
    const record = await app.mirror(job);
    replace(message);
    return record;
  } catch (err) {
    const text = (err as Error).message;
    replace(message, notice("error", "Could not start the mirror.", text, /cannot be reached/.test(text) ? unreachable(job.url, "then try again") : null));
    return undefined;
  }
}

/**
 * What to check about a scheduler nothing was heard from. A browser hides why a cross-origin
 * request failed, and a scheduler that does not allow this page's origin (CORS) looks just like
 * one that is down.
 */
function unreachable(url: string, then: string): string {
  if (!navigator.onLine) return `You are offline: connect, ${then}.`;
  const crossOrigin = (() => {
    try {
      return new URL(url).origin !== location.origin;
    } catch {
      return false;
    }
  })();
  return crossOrigin
    ? `If ${url} is up, it may not let this page read it: a scheduler must answer with Access-Control-Allow-Origin (CORS) for a browser on another origin. When it does, ${then}.`
    : `Check that ${url} is running, ${then}.`;
}

/** What to do about a mirror that stopped, or whose last sync failed. */
export function errorHint(r: MirrorRecord): string | undefined {
  if (!r.error) return undefined;
  if (r.error.code === "fork") return "The scheduler now serves another assignment for a slot this browser keeps: nothing kept was replaced. When both are signed by it, the two are kept as a proof on the Forks page (#/forks).";
  if (r.error.slot !== undefined) return "Nothing of the page holding that slot was kept. Sync again once the source is fixed, or remove the mirror.";
  const kept = r.state === "done" && sourceFailure(r.error) ? "Every slot kept here stays verified. " : "";
  if (!navigator.onLine && sourceFailure(r.error)) return `${kept}You are offline: it tries again once you are back online.`;
  if (/cannot be reached/.test(r.error.message)) return kept + unreachable(r.url, `then press ${r.state === "done" ? "Sync" : "Resume"}`);
  return `${kept}Try ${r.state === "done" ? "Sync" : "Resume"}; if it keeps failing, check the URL and the format.`;
}

export function progressBlock(r: MirrorRecord, p: Progress | undefined): HTMLElement {
  const label = `slots mirrored of ${shortId(r.processId)}`;
  // Before the scheduler said how long the schedule is, there is no fraction to show.
  if (r.total < 0 && r.kept < 0) {
    return h("div", { class: "progress" }, h("progress", { "aria-label": label, value: r.state === "running" ? null : 0 }), h("div", { class: "progress-line" }, h("span", { "data-testid": "slots-done" }, r.state === "running" ? "asking the scheduler…" : "no slots kept")));
  }
  const total = Math.max(r.total, r.kept) + 1;
  const done = r.kept + 1;
  return h(
    "div",
    { class: "progress" },
    h("progress", { max: total, value: done, "aria-label": label }),
    h(
      "div",
      { class: "progress-line" },
      h("span", { "data-testid": "slots-done" }, `${count(done)} / ${count(total)} slots`),
      h("span", {}, `${total > 0 ? Math.floor((done / total) * 100) : 0}%`),
      r.state === "running" && p?.rate !== undefined ? h("span", {}, rate(p.rate)) : null,
      r.state === "running" && p?.eta !== undefined ? h("span", {}, `${duration(p.eta)} left`) : null,
    ),
  );
}

export const mirrorsView: View = (root, app) => {
  const list = h("div", { class: "cards", "data-testid": "mirrors" });
  const message = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "panel row", "data-testid": "mirror-form" },
    h("label", { class: "grow" }, "Scheduler URL", h("input", { name: "url", type: "url", value: location.origin, required: true, autocomplete: "url" })),
    h("label", { class: "grow" }, "Process id", h("input", { name: "pid", required: true, pattern: "[A-Za-z0-9_\\-]{42}[AEIMQUYcgkosw048]", title: "a process id: 43 base64url characters", spellcheck: "false" })),
    h("label", {}, "Format", h("select", { name: "variant" }, h("option", { value: "auto" }, "detect"), h("option", { value: "ao.N.1" }, "ao.N.1 (this project's nodes)"), h("option", { value: "ao.TN.1" }, "ao.TN.1 (legacy SU)"), h("option", { value: "aos-2" }, "aos-2 (HyperBEAM node: unverified)"))),
    h("button", { class: "primary", type: "submit" }, "Mirror"),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    await startMirror(app, message, { url: String(f.get("url")).trim().replace(/\/+$/, ""), processId: String(f.get("pid")).trim(), variant: f.get("variant") as "auto" });
  });
  const fileInput = h("input", { type: "file", accept: ".bundle,.ans104,.json,application/octet-stream,application/json", "aria-label": "Import a schedule file" });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    replace(message);
    try {
      const r = await app.importFile(new Uint8Array(await file.arrayBuffer()));
      const kept = r.added === 0 ? "all of them were already kept here" : r.added === r.inFile ? "each checked before it was kept" : `${count(r.added)} new here, each checked before it was kept; the others were already kept`;
      replace(message, notice("info", "Imported.", `${count(r.inFile)} ${r.inFile === 1 ? "slot" : "slots"} of ${r.record.processId} in ${file.name}: ${kept}.`));
    } catch (err) {
      replace(message, notice("error", `Could not import ${file.name}.`, (err as Error).message));
    }
    fileInput.value = "";
  });

  async function draw(): Promise<void> {
    const records = (await app.records()).sort((a, b) => b.startedAt - a.startedAt);
    if (records.length === 0) {
      replace(list, notice("empty", "Nothing mirrored yet.", "Enter a scheduler URL and a process id above: this node, another node, or a legacy SU. Mirrored schedules stay in this browser and open offline."));
      return;
    }
    replace(list, records.map((r) => card(r)));
  }

  function card(r: MirrorRecord): HTMLElement {
    const act = (label: string, run: () => Promise<unknown>) => h("button", { type: "button", onclick: () => void run().catch((err) => replace(message, notice("error", `${label} failed.`, (err as Error).message))) }, label);
    return h(
      "section",
      { class: `panel card${r.state === "failed" ? " broken" : ""}`, "data-process": r.processId, "data-state": r.state },
      h("h3", {}, h("a", { href: href.process(r.processId), class: "mono" }, shortId(r.processId)), " ", statusBadge(r)),
      h("div", { class: "muted mono", title: r.url }, `${r.url} · ${r.variant}`),
      progressBlock(r, app.progress.get(r.processId)),
      r.error ? h("div", { role: "alert" }, h("p", { class: "error-text" }, r.error.message), h("p", { class: "muted" }, errorHint(r))) : null,
      h(
        "div",
        { class: "actions" },
        r.state === "running" ? act("Pause", () => app.pause(r.processId)) : act(r.state === "done" ? "Sync" : "Resume", () => (r.state === "done" ? app.sync(r.processId) : app.resume(r.processId))),
        h("a", { class: "button", href: href.process(r.processId) }, "Open"),
        act("Remove", async () => {
          if (confirm(`Remove the mirror of ${r.processId} from this browser?`)) await app.remove(r.processId);
        }),
      ),
    );
  }

  replace(root, h("h1", {}, "Mirrors"), form, h("div", { class: "row" }, h("label", {}, "Import a schedule (ANS-104 bundle or JSON)", fileInput)), message, list);
  void draw();
  const progress = redrawer(PROGRESS_MS, draw); // a few redraws a second however fast pages land
  const off = app.listen((e) => void ((e.type === "record" || e.type === "removed") && progress.soon()));
  return () => {
    off();
    progress.stop();
  };
};
