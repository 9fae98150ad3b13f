/** The dashboard: a router over a few views, the mirror worker, and the offline service worker. */
import { registerSW } from "virtual:pwa-register";
import { App } from "./app.ts";
import { replace, notice, h } from "./dom.ts";
import { href, parseRoute, type Route } from "./router.ts";
import "./style.css";
import { forksView } from "./views/forks.ts";
import { mirrorsView } from "./views/mirrors.ts";
import { nodeView } from "./views/node.ts";
import { peerView } from "./views/peer.ts";
import { processView } from "./views/process.ts";
import { searchView } from "./views/search.ts";
import { slotView } from "./views/slot.ts";

const root = document.querySelector<HTMLElement>("#app")!;
let stop: (() => void) | void;
const app = await App.start({
  blocked: () => replace(root, notice("info", "Waiting for another tab of the dashboard.", "It runs an older version, which holds the dashboard's database open. Close or reload that tab: this one carries on by itself.")),
  blocking: () => {
    removeEventListener("hashchange", render);
    stop?.();
    stop = undefined;
    replace(root, notice("info", "A newer version of the dashboard opened in another tab.", "This tab has let go of its database so that the newer one can upgrade it. Reload this tab to carry on."));
  },
});

function show(route: Route): (() => void) | void {
  switch (route.view) {
    case "node": return nodeView(root, app);
    case "mirrors": return mirrorsView(root, app);
    case "process": return processView(root, app, route.processId);
    case "slot": return slotView(root, app, route.processId, route.slot);
    case "peer": return peerView(root, app);
    case "forks": return forksView(root, app);
    case "search": return searchView(root, app, route.query);
    case "missing": return replace(root, notice("empty", "No such page.", h("a", { href: href.node() }, "Back to the node")));
  }
}

function render(): void {
  stop?.();
  const route = parseRoute(location.hash);
  for (const a of document.querySelectorAll<HTMLAnchorElement>(".top nav a")) {
    const current = a.getAttribute("href") === `#/${route.view === "node" ? "" : route.view}`;
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  stop = show(route);
  root.focus({ preventScroll: true });
}

function showNetwork(): void {
  const el = document.querySelector("#net")!;
  el.textContent = navigator.onLine ? "online" : "offline";
  el.classList.toggle("offline", !navigator.onLine);
}

document.querySelector<HTMLFormElement>("#search")!.addEventListener("submit", (e) => {
  e.preventDefault();
  const q = new FormData(e.target as HTMLFormElement).get("q")?.toString().trim();
  if (q) location.hash = href.search(q);
});
addEventListener("hashchange", render);
addEventListener("online", showNetwork);
addEventListener("offline", showNetwork);
showNetwork();
render();
registerSW({ immediate: true });
