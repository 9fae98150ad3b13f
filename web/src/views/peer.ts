/**
 * The browser peer: schedule messages to a scratch process in this page (online or off), and
 * replay a mirrored schedule into a fresh local one under the page's own key.
 */
import { assignmentToJson } from "../../../src/formats/hyperbeam-json.ts";
import { slotNode } from "../../../src/formats/legacy-su.ts";
import { h, notice, replace } from "../dom.ts";
import { count, shortId } from "../format.ts";
import { IdbStore } from "../idb-store.ts";
import { PEER_URL, peerKeys, replayMirror, sendMessage, spawnScratch } from "../peer.ts";
import { href } from "../router.ts";
import type { View } from "./view.ts";

export const peerView: View = (root, app) => {
  const out = h("div", { "aria-live": "polite", "data-testid": "peer-result" });
  const scratch = h("div");
  const replayOut = h("div", { "aria-live": "polite", "data-testid": "peer-replay" });

  const fail = (what: string) => (err: unknown) => replace(out, notice("error", what, (err as Error).message));

  async function draw(): Promise<void> {
    const keys = await peerKeys();
    const records = await app.records();
    const own = records.filter((r) => r.url === PEER_URL);
    const mirrored = records.filter((r) => r.url !== PEER_URL && r.kept >= 0);
    const pidSelect = h("select", { name: "pid", "aria-label": "Scratch process" }, own.map((r) => h("option", { value: r.processId }, `${shortId(r.processId)} (${count(r.kept + 1)} slots)`)));
    const form = h(
      "form",
      { class: "panel row", "data-testid": "peer-send" },
      h("label", {}, "Process", pidSelect),
      h("label", {}, "Action", h("input", { name: "action", value: "Eval", required: true })),
      h("label", { class: "grow" }, "Data", h("input", { name: "data", value: "1 + 1" })),
      h("button", { type: "submit", class: "primary", disabled: own.length === 0 }, "Schedule"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const f = new FormData(form);
      sendMessage(app.db, keys, String(f.get("pid")), String(f.get("action")), String(f.get("data")))
        .then(async ({ message, scheduled }) => {
          const s = (await new IdbStore(app.db, String(f.get("pid"))).get(scheduled.slot))!;
          replace(
            out,
            h("div", { class: "notice info", "data-slot": scheduled.slot }, h("strong", {}, `Scheduled at slot ${count(scheduled.slot)}`), h("p", { class: "mono" }, `message ${message.id} · assignment ${scheduled.assignment.id}`), h("p", {}, h("a", { href: href.slot(String(f.get("pid")), scheduled.slot) }, "Open the slot"))),
            h("h2", {}, "As ao.N.1 JSON (HyperBEAM)"),
            h("pre", { class: "data" }, JSON.stringify(assignmentToJson(s), null, 2)),
            h("h2", {}, "As ao.TN.1 JSON (legacy SU)"),
            h("pre", { class: "data" }, JSON.stringify(slotNode(s), null, 2)),
          );
          void draw();
        })
        .catch(fail("Could not schedule the message."));
    });
    const spawn = h("button", { type: "button", onclick: () => void spawnScratch(app.db, keys, `scratch ${new Date().toISOString()}`).then(() => draw(), fail("Could not spawn a scratch process.")) }, "New scratch process");
    const sourceSelect = h("select", { "aria-label": "Mirrored process to replay" }, mirrored.map((r) => h("option", { value: r.processId }, `${shortId(r.processId)} (${count(r.kept + 1)} slots, ${r.url})`)));
    const replayButton = h(
      "button",
      {
        type: "button",
        disabled: mirrored.length === 0,
        onclick: () => {
          replace(replayOut, h("p", { class: "muted" }, "Replaying…"));
          void replayMirror(app.db, keys, sourceSelect.value).then(
            (r) =>
              replace(
                replayOut,
                r.audit.broken
                  ? notice("error", `The replayed schedule fails at slot ${count(r.audit.broken.slot)}.`, r.audit.broken.message)
                  : h("div", { class: "notice info", "data-testid": "peer-replay-done" }, h("strong", {}, `Replayed ${count(r.slots)} slots into a fresh local schedule`), h("p", {}, `Same messages in the same order, each assignment signed by this page's key ${shortId(keys.scheduler.address)}; all ${count(r.audit.checked)} verified from slot 0${r.skipped ? ` (${count(r.skipped)} assigned ids without message bytes skipped)` : ""}.`)),
              ),
            (err) => replace(replayOut, notice("error", "Replay failed.", (err as Error).message)),
          );
        },
      },
      "Replay into a local schedule",
    );
    replace(
      scratch,
      h("dl", { class: "facts" }, h("dt", {}, "Peer scheduler"), h("dd", { class: "mono", "data-testid": "peer-address" }, keys.scheduler.address), h("dt", {}, "Client key"), h("dd", { class: "mono" }, keys.client.address)),
      h("h2", {}, "Scratch processes"),
      own.length === 0 ? notice("empty", "No scratch process yet.", "Spawn one: it lives in this browser and works offline.") : h("ul", {}, own.map((r) => h("li", {}, h("a", { class: "mono", href: href.process(r.processId) }, r.processId), ` · ${count(r.kept + 1)} slots`))),
      h("div", { class: "row" }, spawn),
      h("h2", {}, "Schedule a message"),
      form,
      out,
      h("h2", {}, "Replay a mirror into a fresh local schedule"),
      mirrored.length === 0 ? notice("empty", "No mirrored process to replay.", h("a", { href: href.mirrors() }, "Mirror one first.")) : h("div", { class: "row" }, h("label", {}, "Mirrored process", sourceSelect), replayButton),
      replayOut,
    );
  }

  replace(root, h("h1", {}, "Browser peer"), h("p", { class: "muted" }, "The scheduler core, running in this page over IndexedDB: the same assignments, chain and formats as the edge node, with no network."), scratch);
  void draw();
};
