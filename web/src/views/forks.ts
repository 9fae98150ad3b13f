/**
 * Fork proofs: the ones this browser's mirrors found (IndexedDB) and the ones this node holds
 * (`GET /~scheduler@1.0/forks`), each a file anyone can check offline with
 * `npm run verify-proof -- FILE` (docs/remote.md#fork-proofs).
 */
import { proofFileName } from "../../../src/remote/fork-proof.ts";
import type { KeptFork } from "../db.ts";
import { h, notice, replace } from "../dom.ts";
import { saveFile } from "../export.ts";
import { count, shortId, time } from "../format.ts";
import { nodeForks, type NodeFork } from "../node-api.ts";
import { href } from "../router.ts";
import type { View } from "./view.ts";

/** Saves a proof as a JSON file named after its process and slot. */
const downloadProof = (fork: KeptFork) => saveFile(new Blob([JSON.stringify(fork.proof, null, 2)], { type: "application/json" }), proofFileName(fork.processId, fork.slot));

const explain = () => h("p", { class: "muted" }, "Each proof holds two assignments one scheduler signed for one slot of one process: anyone can check it offline with ", h("code", {}, "npm run verify-proof -- FILE"), ".");

function table(rows: { processId: string; slot: number; scheduler: string; source: string; found: number; action: HTMLElement }[], testid: string): HTMLElement {
  return h(
    "table",
    { class: "grid", "data-testid": testid },
    h("thead", {}, h("tr", {}, h("th", {}, "Process"), h("th", { class: "num" }, "Slot"), h("th", {}, "Scheduler"), h("th", {}, "Served by"), h("th", {}, "Found"), h("th", {}, ""))),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          { "data-process": r.processId, "data-slot": r.slot },
          h("td", { class: "mono", title: r.processId }, h("a", { href: href.process(r.processId) }, shortId(r.processId))),
          h("td", { class: "num" }, count(r.slot)),
          h("td", { class: "mono", title: r.scheduler }, shortId(r.scheduler)),
          h("td", { class: "mono" }, r.source),
          h("td", {}, time(r.found)),
          h("td", {}, r.action),
        ),
      ),
    ),
  );
}

export const forksView: View = (root, app) => {
  const mine = h("div");
  const node = h("div");
  replace(root, h("h1", {}, "Fork proofs"), explain(), h("h2", {}, "Found by this browser's mirrors"), mine, h("h2", {}, "Held by this node"), node);

  async function draw(): Promise<void> {
    const kept = await app.db.getAll("forks");
    replace(
      mine,
      kept.length === 0
        ? notice("empty", "None.", "A mirror that finds its scheduler serving another signed assignment for a slot it keeps keeps the two as a proof here.")
        : table(
            kept.map((f) => ({ processId: f.processId, slot: f.slot, scheduler: f.proof.scheduler, source: f.proof.source, found: f.proof["found-at"], action: h("button", { type: "button", onclick: () => downloadProof(f) }, "Export") })),
            "browser-forks",
          ),
    );
    let held: NodeFork[];
    try {
      held = (await nodeForks()).forks;
    } catch (err) {
      replace(node, notice("error", "The node is not answering.", navigator.onLine ? (err as Error).message : "You are offline."));
      return;
    }
    replace(
      node,
      held.length === 0
        ? notice("empty", "None.", "The node's cache of other schedulers' processes keeps a proof here when one of them forks.")
        : table(
            held.map((f) => ({ processId: f.process, slot: f.slot, scheduler: f.scheduler, source: f.source, found: f["found-at"], action: h("a", { class: "button", href: f.proof, download: proofFileName(f.process, f.slot) }, "Export") })),
            "node-forks",
          ),
    );
  }
  void draw();
  return app.listen((e) => void (e.type === "fork" && draw())) as () => void;
};
