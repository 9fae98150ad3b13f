/** Search by process, message or assignment id: in every mirror in this browser, then on this node. */
import { h, notice, replace } from "../dom.ts";
import { count, shortId } from "../format.ts";
import { IdbStore } from "../idb-store.ts";
import { currentSlot } from "../node-api.ts";
import { href } from "../router.ts";
import { startMirror } from "./mirrors.ts";
import { isId } from "../../../src/crypto/ids.ts";
import type { View } from "./view.ts";

export const searchView = (root: HTMLElement, app: Parameters<View>[1], query: string): void => {
  replace(root, h("h1", {}, "Search"), h("p", { class: "muted mono" }, query));
  if (!isId(query)) {
    root.append(notice("error", "Not an id.", "Search takes a 43-character process, message or assignment id (base64url)."));
    return;
  }
  void (async () => {
    const hits: HTMLElement[] = [];
    for (const r of await app.records()) {
      if (r.processId === query) hits.push(h("li", {}, "Process ", h("a", { class: "mono", href: href.process(query) }, query), r.kept >= 0 ? ` (mirrored from ${r.url})` : ` (a mirror from ${r.url} that holds no slot yet)`));
      const store = new IdbStore(app.db, r.processId);
      const [bySlotMessage, byAssignment] = await Promise.all([store.slotOfMessage(query), store.slotOfAssignment(query)]);
      for (const [what, slot] of [["Message", bySlotMessage], ["Assignment", byAssignment]] as const) {
        if (slot !== undefined) hits.push(h("li", {}, `${what} at `, h("a", { href: href.slot(r.processId, slot) }, `slot ${count(slot)} of ${shortId(r.processId)}`)));
      }
    }
    const onNode = navigator.onLine ? await currentSlot(query).catch(() => undefined) : undefined;
    if (onNode !== undefined && !hits.some((el) => el.textContent?.startsWith("Process"))) {
      const message = h("div", { "aria-live": "polite" });
      hits.push(h("li", {}, "Process on this node, at slot ", count(onNode), ": ", h("button", { type: "button", onclick: async () => void ((await startMirror(app, message, { url: location.origin, processId: query, variant: "ao.N.1" })) && (location.hash = href.process(query))) }, "Mirror it"), message));
    }
    root.append(hits.length ? h("ul", { "data-testid": "search-results" }, hits) : notice("empty", "Nothing found.", navigator.onLine ? "No mirror in this browser holds this id, and this node has no such process. Mirror the process that holds it first." : "No mirror in this browser holds this id (offline: this node was not asked)."));
  })();
};
