/**
 * The worker as production runs it, on this machine: the bundle `wrangler deploy` would upload,
 * in workerd through Miniflare, with the bindings of wrangler.toml and SQLite-backed Durable
 * Objects on local disk. No dev-only middleware or dev proxy sits in the request path; the HTTP
 * front (front.ts) is what faces clients.
 *
 * State lives where `wrangler dev --persist-to <dir>` kept it (<dir>/v3/do/<worker>-<Class>), so a
 * STATE_DIR written by earlier versions carries on.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";

export interface RuntimeOptions {
  root: string;
  /** wrangler.toml of the worker to run. */
  configPath: string;
  stateDir: string;
  bindings: Record<string, string>;
  /** Miniflare's own log level; the worker's console output always comes through. */
  quiet: boolean;
  /** Opens V8's inspector on this port (CPU profiles and heap snapshots of the isolates). */
  inspectorPort?: number | undefined;
}

export interface Runtime {
  /** Where workerd listens (loopback, a free port). */
  url: URL;
  /** A Durable Object of the worker, for RPC from Node (the node's generated key, say). */
  object(binding: string, name: string): Promise<Record<string, (...args: unknown[]) => Promise<unknown>>>;
  dispose(): Promise<void>;
}

/** Bundles the worker exactly as `wrangler deploy` does, without uploading it. */
function bundle(root: string, configPath: string, outdir: string): string {
  rmSync(outdir, { recursive: true, force: true });
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const r = spawnSync(wrangler, ["deploy", "--dry-run", "--config", configPath, "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true", WRANGLER_LOG: "error" },
  });
  if (r.status !== 0) throw new Error(`building the worker failed (wrangler deploy --dry-run):\n${r.stdout}\n${r.stderr}`);
  // One module, named after the entry point.
  const main = readdirSync(outdir).find((f) => f.endsWith(".js"));
  if (!main) throw new Error(`building the worker wrote no module to ${outdir}`);
  return join(outdir, main);
}

export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const outdir = join(o.stateDir, ".build");
  mkdirSync(o.stateDir, { recursive: true });
  const scriptPath = bundle(o.root, o.configPath, outdir);
  const config = unstable_readConfig({ config: o.configPath });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(o.configPath);
  const persist = join(o.stateDir, "v3");
  const { assets, ...options } = workerOptions as typeof workerOptions & { assets?: { directory: string; binding?: string } };
  // The worker runs first for every request (wrangler.toml's run_worker_first) and reaches its
  // static assets through their binding, as deployed. Miniflare would put its asset router in
  // front of every request, a second worker on workerd's one thread; here the assets are a worker
  // of their own that only the binding calls.
  const assetWorker = assets?.binding ? `${config.name}-assets` : undefined;
  const mf = new Miniflare({
    defaultPersistRoot: persist,
    durableObjectsPersist: join(persist, "do"),
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(o.quiet ? LogLevel.WARN : LogLevel.INFO),
    ...(o.inspectorPort ? { inspectorPort: o.inspectorPort } : {}),
    workers: [
      {
        ...options,
        name: config.name,
        modules: true,
        scriptPath,
        modulesRoot: dirname(scriptPath),
        bindings: { ...(options.bindings as Record<string, string>), ...o.bindings },
        serviceBindings: { ...options.serviceBindings, ...(assetWorker ? { [assets!.binding!]: assetWorker } : {}) },
        logRequests: false,
      },
      ...(assetWorker
        ? [
            {
              name: assetWorker,
              modules: true,
              script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
              compatibilityDate: options.compatibilityDate,
              assets: { directory: assets!.directory, routerConfig: { has_user_worker: false } },
            },
          ]
        : []),
    ],
  } as ConstructorParameters<typeof Miniflare>[0]);
  const url = await mf.ready;
  return {
    url,
    async object(binding, name) {
      const ns = await mf.getDurableObjectNamespace(binding);
      return ns.get(ns.idFromName(name)) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    },
    dispose: () => mf.dispose(),
  };
}
