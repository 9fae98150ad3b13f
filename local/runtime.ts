/**
 * The worker as production runs it, on this machine: the bundle `wrangler deploy` would upload,
 * in workerd through Miniflare, with the bindings of wrangler.toml and SQLite-backed Durable
 * Objects on local disk. No dev-only middleware or dev proxy sits in the request path; the HTTP
 * front (front.ts) is what faces clients.
 *
 * Two workerd processes, as two machines would be deployed: one runs the worker that takes
 * requests (parsing, signature checks, rendering), the other the Durable Objects. workerd runs a
 * process's isolates on one thread, so in one process every request's stateless work queued
 * behind every object's; split, each has a core (docs/performance.md).
 *
 * State lives where `wrangler dev --persist-to <dir>` kept it (<dir>/v3/do/<worker>-<Class>), so a
 * STATE_DIR written by earlier versions carries on.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { makeDirs } from "./dirs.ts";

export interface RuntimeOptions {
  root: string;
  /** wrangler.toml of the worker to run. */
  configPath: string;
  stateDir: string;
  bindings: Record<string, string>;
  /** Miniflare's own log level; the worker's console output always comes through. */
  quiet: boolean;
  /** Opens V8's inspector on this port for the objects' process and the next one for the worker's (CPU profiles, heap snapshots). */
  inspectorPort?: number | undefined;
}

export interface Runtime {
  /** Where the worker listens (loopback, a free port). */
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
  makeDirs(o.stateDir);
  const scriptPath = bundle(o.root, o.configPath, outdir);
  const config = unstable_readConfig({ config: o.configPath });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(o.configPath);
  const persist = join(o.stateDir, "v3");
  const registry = join(o.stateDir, ".registry");
  rmSync(registry, { recursive: true, force: true });
  mkdirSync(registry, { recursive: true });
  const { assets, durableObjects, ...options } = workerOptions as typeof workerOptions & { assets?: { directory: string; binding?: string } };
  const shared = {
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(o.quiet ? LogLevel.WARN : LogLevel.INFO),
    // How the two processes find each other: each registers its debug port here.
    unsafeDevRegistryPath: registry,
  };
  const code = {
    ...options,
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    bindings: { ...(options.bindings as Record<string, string>), ...o.bindings },
    logRequests: false,
  };

  // The Durable Objects, under the worker's own name: their state stays in <persist>/do/<worker>-<Class>.
  const objects = new Miniflare({
    ...shared,
    defaultPersistRoot: persist,
    durableObjectsPersist: join(persist, "do"),
    ...(o.inspectorPort ? { inspectorPort: o.inspectorPort } : {}),
    workers: [{ ...code, name: config.name, durableObjects }],
  } as ConstructorParameters<typeof Miniflare>[0]);
  await objects.ready;

  // The worker that takes requests. Its Durable Object bindings name the objects process, reached
  // over workerd's debug port with native RPC. It runs first for every request (wrangler.toml's
  // run_worker_first) and reaches its static assets through their binding, as deployed: Miniflare
  // would otherwise put its asset router in front of every request.
  const edgeName = `${config.name}-edge`;
  const assetWorker = assets?.binding ? `${config.name}-assets` : undefined;
  const elsewhere = Object.fromEntries(Object.entries(durableObjects ?? {}).map(([binding, d]) => [binding, { ...(d as object), scriptName: config.name }]));
  const edge = new Miniflare({
    ...shared,
    defaultPersistRoot: join(persist, "edge"),
    ...(o.inspectorPort ? { inspectorPort: o.inspectorPort + 1 } : {}),
    workers: [
      {
        ...code,
        name: edgeName,
        durableObjects: elsewhere,
        serviceBindings: { ...options.serviceBindings, ...(assetWorker ? { [assets!.binding!]: assetWorker } : {}) },
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
  const url = await edge.ready.catch(async (err) => {
    await objects.dispose();
    throw err;
  });
  return {
    url,
    async object(binding, name) {
      const ns = await objects.getDurableObjectNamespace(binding);
      return ns.get(ns.idFromName(name)) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    },
    dispose: async () => {
      await Promise.allSettled([edge.dispose(), objects.dispose()]);
    },
  };
}
