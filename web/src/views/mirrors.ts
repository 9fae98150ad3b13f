/** Mirrors: start one from any scheduler URL, watch them stream in side by side, import a file. */
import type { MirrorRecord } from "../db.ts";
import { h, notice, replace } from "../dom.ts";
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
 * What to do about a mirror that stopped. A browser hides why a cross-origin request failed, and
 * a scheduler that does not allow this page's origin (CORS) looks just like one that is down.
 */
export function errorHint(r: MirrorRecord): string | undefined {
  if (!r.error) return undefined;
  if (r.error.code === "fork") return "The scheduler now serves another assignment for a slot this browser keeps: nothing kept was replaced. When both are signed by it, the two are kept as a proof on the Forks page (#/forks).";
  if (r.error.slot !== undefined) return "Nothing of the page holding that slot was kept. Sync again once the source is fixed, or remove the mirror.";
  const crossOrigin = (() => {
    try {
      return new URL(r.url).origin !== location.origin;
    } catch {
      return false;
    }
  })();
  if (/cannot be reached/.test(r.error.message) && crossOrigin) {
    return navigator.onLine
      ? `If ${r.url} is up, it may not let this page read it: a scheduler must answer with Access-Control-Allow-Origin (CORS) for a browser on another origin. Try Resume when it does.`
      : "You are offline: Resume once you are back online.";
  }
  return "Try Resume; if it keeps failing, check the URL and the format.";
}

export function progressBlock(r: MirrorRecord, p: Progress | undefined): HTMLElement {
  const total = Math.max(r.total, r.kept) + 1;
  const done = r.kept + 1;
  return h(
    "div",
    { class: "progress" },
    h("progress", { max: total, value: done, "aria-label": `slots mirrored of ${shortId(r.processId)}` }),
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
    h("label", { class: "grow" }, "Scheduler URL", h("input", { name: "url", value: location.origin, required: true, inputmode: "url", autocomplete: "url" })),
    h("label", { class: "grow" }, "Process id", h("input", { name: "pid", required: true, pattern: "[A-Za-z0-9_\\-]{43}", title: "a 43-character process id", spellcheck: "false" })),
    h("label", {}, "Format", h("select", { name: "variant" }, h("option", { value: "auto" }, "detect"), h("option", { value: "ao.N.1" }, "ao.N.1 (this project's nodes)"), h("option", { value: "ao.TN.1" }, "ao.TN.1 (legacy SU)"), h("option", { value: "aos-2" }, "aos-2 (HyperBEAM node: unverified)"))),
    h("button", { class: "primary", type: "submit" }, "Mirror"),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const job = { url: String(f.get("url")).trim().replace(/\/+$/, ""), processId: String(f.get("pid")).trim(), variant: f.get("variant") as "auto" };
    replace(message);
    try {
      await app.mirror(job);
    } catch (err) {
      replace(message, notice("error", "Could not start the mirror.", (err as Error).message));
    }
  });
  const fileInput = h("input", { type: "file", accept: ".bundle,.ans104,.json,application/octet-stream,application/json", "aria-label": "Import a schedule file" });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    replace(message);
    try {
      const r = await app.importFile(new Uint8Array(await file.arrayBuffer()));
      replace(message, notice("info", "Imported.", `${count(r.kept + 1)} slots of ${r.processId}, each checked before it was kept.`));
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
  let queued = false;
  const off = app.listen((e) => {
    if (e.type !== "record" && e.type !== "removed") return;
    if (queued) return;
    queued = true; // one redraw per frame however fast pages land
    requestAnimationFrame(() => {
      queued = false;
      void draw();
    });
  });
  return off;
};
