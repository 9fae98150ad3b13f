/** One assignment in full: its tags, its message (tags and a data preview), and its checks. */
import { tagValue } from "../../../src/ans104/tags.ts";
import { SLOT_CHECKS } from "../../../src/remote/verify.ts";
import { ARROW_LEFT, badge, checkList, h, icon, notice, replace } from "../dom.ts";
import { bytes, count, preview, time } from "../format.ts";
import { IdbStore } from "../idb-store.ts";
import { href } from "../router.ts";
import { slotBadge, slotModel } from "../slot-view-model.ts";
import type { View } from "./view.ts";

const tagTable = (tags: readonly { name: string; value: string }[]) =>
  h("table", { class: "grid" }, h("tbody", {}, tags.map((t) => h("tr", {}, h("th", {}, t.name), h("td", { class: "mono" }, t.value)))));

export const slotView = (root: HTMLElement, app: Parameters<View>[1], processId: string, slot: number): void => {
  void (async () => {
    const store = new IdbStore(app.db, processId);
    const [s, last] = await Promise.all([store.get(slot), store.last()]);
    const previous = last ? Math.min(slot - 1, last.slot) : -1;
    const nav = h(
      "div",
      { class: "row" },
      h("a", { class: "button", href: href.process(processId) }, icon(ARROW_LEFT), "Process"),
      // Past the kept slots, the way back is the last kept one, not the (missing) slot before.
      previous >= 0 ? h("a", { class: "button", href: href.slot(processId, previous) }, `Slot ${count(previous)}`) : null,
      last && slot < last.slot ? h("a", { class: "button", href: href.slot(processId, slot + 1) }, `Slot ${count(slot + 1)}`) : null,
    );
    if (!s) {
      replace(root, nav, notice("empty", `Slot ${count(slot)} of this process is not in this browser.`, last ? `Slots 0 to ${count(last.slot)} are mirrored; sync the mirror for later ones.` : "Mirror the process first."));
      return;
    }
    const m = slotModel(s);
    const checks = s.status ? SLOT_CHECKS[s.status] : undefined;
    replace(
      root,
      nav,
      h("h1", {}, `Slot ${count(slot)}`),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Process"),
        h("dd", { class: "mono" }, processId),
        h("dt", {}, "Assignment"),
        h("dd", { class: "mono" }, s.assignmentId),
        h("dt", {}, "Message"),
        h("dd", { class: "mono" }, s.messageId),
        h("dt", {}, "Time"),
        h("dd", {}, time(s.timestamp)),
        h("dt", {}, "Scheduler"),
        h("dd", { class: "mono" }, m.scheduler),
        h("dt", {}, "Hash chain"),
        h("dd", { class: "mono" }, tagValue(m.assignment.tags, "Hash-Chain") ?? "–"),
        h("dt", {}, "Signature"),
        h("dd", {}, m.assignment.signature),
        h("dt", {}, "Check"),
        h("dd", { "data-testid": "slot-checks" }, badge(slotBadge(s.status)), " ", checks ? checkList(checks) : "scheduled here: this browser's own schedule"),
      ),
      h("h2", {}, "Assignment tags"),
      tagTable(m.assignment.tags),
      h("h2", {}, "Message"),
      m.message
        ? [
            h("dl", { class: "facts" }, h("dt", {}, "Signer"), h("dd", { class: "mono" }, m.signer ?? "–"), h("dt", {}, "Data"), h("dd", {}, bytes(m.message.data.length))),
            h("h2", {}, "Message tags"),
            tagTable(m.message.tags),
            h("h2", {}, "Data"),
            h("pre", { class: "data" }, preview(m.message.data)),
          ]
        : notice("info", "Only the message id was assigned.", "The scheduler assigned an id it did not receive the bytes of (an assign), so there is no message to show."),
    );
  })();
};
