/** The node's page: who it is, how it schedules, where it says it lives, and its processes. */
import { h, notice, replace } from "../dom.ts";
import { bytes, count, rate, shortId, time } from "../format.ts";
import { currentSlot, nodeInfo, nodeStatus, type NodeStatus } from "../node-api.ts";
import { href } from "../router.ts";
import { startMirror } from "./mirrors.ts";
import type { View } from "./view.ts";

const RATE_WINDOW_MS = 5_000;

function cacheLine(c: NodeStatus["cache"]): string {
  if (!c) return "–";
  return `${count(c.hits)} hits, ${count(c.misses)} misses; ${count(c["remote-fetches"])} remote fetches (${bytes(c["remote-bytes"])}); ${count(c["verify-failures"])} verify failures, ${count(c.forks)} forks`;
}

export const nodeView: View = (root, ctx) => {
  replace(root, h("h1", {}, "This node"), h("p", { class: "muted" }, "Loading…"));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const message = h("div", { "aria-live": "polite" });
  const seen = new Map<string, { slot: number; at: number; rate?: number }>();

  async function load(): Promise<void> {
    let info, status;
    try {
      [info, status] = await Promise.all([nodeInfo(), nodeStatus()]);
    } catch (err) {
      if (stopped) return;
      replace(root, h("h1", {}, "This node"), notice("error", "The node is not answering.", `${(err as Error).message}.`, navigator.onLine ? "Check that `npm start` is running: this page asks again every few seconds." : "You are offline: this page asks again once you are back online. Mirrored processes are on the Mirrors page."), h("a", { class: "button", href: href.mirrors() }, "Open mirrors"));
      return;
    }
    const pids = status.processes.slice(0, 50);
    const slots = await Promise.all(pids.map((pid) => currentSlot(pid).catch(() => undefined)));
    if (stopped) return; // the page moved on while this load waited
    const now = Date.now();
    pids.forEach((pid, i) => {
      const slot = slots[i];
      if (slot === undefined) return;
      const before = seen.get(pid);
      const r = before && now > before.at ? ((slot - before.slot) * 1000) / (now - before.at) : undefined;
      seen.set(pid, { slot, at: now, rate: r ?? before?.rate });
    });
    replace(
      root,
      h("h1", {}, "This node"),
      message,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Address"),
        h("dd", { class: "mono", "data-testid": "node-address" }, info.address),
        h("dt", {}, "Scheduling mode"),
        h("dd", {}, info["scheduling-mode"]),
        h("dt", {}, "Variants"),
        h("dd", {}, info.variants.join(", ")),
        h("dt", {}, "Location record"),
        h("dd", {}, status.location ? `${status.location.url} (${status.location.variant}, nonce ${status.location.nonce})` : "none published (set PUBLIC_URL to publish one)"),
        h("dt", {}, "Gateway"),
        h("dd", {}, info.gateway ?? "none (GATEWAY_URL is not set)"),
        h("dt", {}, "Cache of other schedulers"),
        h("dd", { "data-testid": "node-cache" }, cacheLine(status.cache)),
      ),
      ...(info.warnings ?? []).map((w) => notice("info", "Note", w)),
      h("h2", {}, `Processes (${count(status.processes.length)}${status.continues ? "+" : ""})`),
      pids.length === 0
        ? notice("empty", "No processes yet.", "Spawn one by posting a signed process item to /~scheduler@1.0/schedule (see the README), or mirror one from another scheduler.")
        : h(
            "table",
            { class: "grid" },
            h(
              "thead",
              {},
              h("tr", {}, h("th", {}, "Process"), h("th", { class: "num" }, "Current slot"), h("th", { class: "num" }, "Recent rate"), h("th", { class: "num" }, "Posts"), h("th", { class: "num" }, "Re-posts"), h("th", { class: "num" }, "Reads"), h("th", {}, "Last write"), h("th", {}, "")),
            ),
            h(
              "tbody",
              {},
              pids.map((pid) => {
                const s = seen.get(pid);
                const n = status["process-counters"]?.[pid];
                return h(
                  "tr",
                  {},
                  h("td", { class: "mono", title: pid }, h("a", { href: href.process(pid) }, shortId(pid))),
                  h("td", { class: "num" }, s ? count(s.slot) : "–"),
                  h("td", { class: "num" }, s?.rate === undefined ? "measuring…" : rate(s.rate)),
                  h("td", { class: "num", "data-testid": "posts" }, n ? count(n.posts) : "–"),
                  h("td", { class: "num" }, n ? count(n["re-posts"]) : "–"),
                  h("td", { class: "num" }, n ? count(n.reads) : "–"),
                  h("td", {}, n?.["last-write"] ? time(n["last-write"]) : "–"),
                  h("td", {}, h("button", { type: "button", onclick: async () => {
                        if (await startMirror(ctx, message, { url: location.origin, processId: pid, variant: "ao.N.1" })) location.hash = href.process(pid);
                      } }, "Mirror")),
                );
              }),
            ),
          ),
    );
  }
  // One load at a time, then the next one RATE_WINDOW_MS later; back online, at once.
  let stopped = false;
  let loading = false;
  async function tick(): Promise<void> {
    if (stopped || loading) return;
    loading = true;
    clearTimeout(timer);
    try {
      await load();
    } finally {
      loading = false;
      if (!stopped) timer = setTimeout(() => void tick(), RATE_WINDOW_MS);
    }
  }
  const online = () => void tick();
  addEventListener("online", online);
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    removeEventListener("online", online);
  };
};
