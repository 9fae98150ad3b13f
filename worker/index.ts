/** Worker entry: the app, plus the Durable Object classes wrangler.toml binds. */
import { hashNativelyFrom, hashWith } from "../src/crypto/hash.ts";
import sha2Module from "../src/crypto/sha2.wasm";
import { sha2Wasm } from "../src/crypto/sha2-wasm.ts";
import { createApp } from "./http/app.ts";
import { withDashboardHeaders } from "./http/dashboard-headers.ts";
import type { Env } from "./env.ts";
import { normalizeInlineKeys } from "./http/inline-keys.ts";

export { IndexObject } from "./objects/index-object.ts";
export { MirrorObject } from "./objects/mirror-object.ts";
export { NodeObject } from "./objects/node-object.ts";
export { ProcessObject } from "./objects/process-object.ts";

// SHA-2 in WebAssembly, and WebCrypto from 2 KiB: in workerd a WebCrypto digest costs a fixed few
// microseconds, which the WebAssembly one spends on about 16 blocks (measured, docs/performance.md).
hashWith(sha2Wasm(new WebAssembly.Instance(sha2Module)));
hashNativelyFrom(2048);

const app = createApp();

// The dashboard's static files (D12), through the assets binding; a path it does not hold gets the API's 404.
const isDashboard = (url: string) => /^https?:\/\/[^/]+\/dashboard(?:[/?#]|$)/.test(url);
async function dashboard(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const answer = await env.ASSETS.fetch(request);
  if (answer.status === 404) return app.fetch(request, env, ctx);
  return withDashboardHeaders(answer);
}

// Workers have no start-up hook: the first request an isolate serves has the node publish (or
// renew) its location record when PUBLIC_URL is set; the NodeObject's alarm keeps it renewed.
let published = false;

export default {
  fetch(request, env, ctx) {
    if (!published && env.PUBLIC_URL) {
      published = true;
      ctx.waitUntil(env.NODE.getByName("node").ensurePublished().catch((err: unknown) => console.error("publishing this node's location record failed:", err)));
    }
    if (isDashboard(request.url)) return dashboard(request, env, ctx);
    return app.fetch(normalizeInlineKeys(request), env, ctx);
  },
} satisfies ExportedHandler<Env>;
