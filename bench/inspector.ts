/**
 * A small client for V8's inspector as workerd exposes it through Miniflare (`INSPECTOR_PORT`):
 * one target per worker isolate. The soak case reads each isolate's JavaScript heap with it.
 */
import WebSocket from "ws";

interface Target {
  title: string;
  webSocketDebuggerUrl: string;
}

/** Calls one method on one target and answers its result. */
async function call<T>(url: string, calls: { method: string; params?: Record<string, unknown> }[]): Promise<T> {
  const ws = new WebSocket(url);
  let failed: ((err: Error) => void) | undefined;
  ws.on("error", (err) => failed?.(err));
  ws.on("close", () => failed?.(new Error("inspector: the connection closed")));
  await new Promise<void>((resolve, reject) => {
    failed = reject;
    ws.once("open", () => resolve());
  });
  try {
    let result: unknown;
    for (const [i, c] of calls.entries()) {
      result = await new Promise((resolve, reject) => {
        failed = reject;
        const timer = setTimeout(() => reject(new Error(`inspector: ${c.method} got no answer within 60 s`)), 60_000);
        ws.on("message", function answer(data) {
          const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
          if (msg.id !== i + 1) return;
          ws.off("message", answer);
          clearTimeout(timer);
          if (msg.error) reject(new Error(`inspector: ${c.method}: ${msg.error.message}`));
          else resolve(msg.result);
        });
        ws.send(JSON.stringify({ id: i + 1, method: c.method, params: c.params ?? {} }));
      });
    }
    return result as T;
  } finally {
    failed = undefined;
    ws.close();
  }
}

/** Every isolate of one workerd process: the project's workers and Miniflare's own (its entry worker, proxies, assets). */
async function targets(port: number): Promise<Target[]> {
  return (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Target[];
}

/** The project's worker isolates (Miniflare's own helper workers left out), by name. */
export async function isolates(port: number): Promise<Target[]> {
  return (await targets(port)).filter((t) => /core:user:/.test(t.title)).map((t) => ({ ...t, title: t.title.replace(/^.*core:user:/, "") }));
}

/**
 * Collects garbage in every isolate of the process on `port`, Miniflare's too: its entry worker
 * carries every request and answer, and its garbage would otherwise count in the RSS as if held.
 * workerd never answers HeapProfiler.collectGarbage; a heap snapshot collects first, so one is
 * taken (and its chunks dropped).
 */
export async function collectAll(port: number): Promise<void> {
  for (const t of await targets(port)) await call(t.webSocketDebuggerUrl, [{ method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }]);
}

/** An isolate's JavaScript heap in use, in bytes: what it holds once collectAll has run on its process. */
export async function heapInUse(target: Target): Promise<number> {
  const r = await call<{ usedSize: number }>(target.webSocketDebuggerUrl, [{ method: "Runtime.getHeapUsage" }]);
  return r.usedSize;
}
