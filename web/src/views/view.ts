/** A view renders into its root and returns what stops it (timers, long-polls) when the route changes. */
import type { App } from "../app.ts";

export type View = (root: HTMLElement, app: App) => (() => void) | void;
