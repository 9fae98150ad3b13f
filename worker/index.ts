/** Worker entry: the app, plus the Durable Object classes wrangler.toml binds. */
import { preferNativeHashing } from "../src/crypto/hash.ts";
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";
import { normalizeInlineKeys } from "./inline-keys.ts";

export { IndexObject } from "./index-object.ts";
export { MirrorObject } from "./mirror-object.ts";
export { NodeObject } from "./node-object.ts";
export { ProcessObject } from "./process-object.ts";

// In workerd a WebCrypto digest costs ~2 µs and a JS SHA-384 block ~30 µs (measured): hash natively.
preferNativeHashing();

const app = createApp();

// Workers have no start-up hook: the first request an isolate serves has the node publish (or
// renew) its location record when PUBLIC_URL is set; the NodeObject's alarm keeps it renewed.
let published = false;

export default {
  fetch(request, env, ctx) {
    if (!published && env.PUBLIC_URL) {
      published = true;
      ctx.waitUntil(env.NODE.getByName("node").ensurePublished().catch((err: unknown) => console.error("publishing this node's location record failed:", err)));
    }
    return app.fetch(normalizeInlineKeys(request), env, ctx);
  },
} satisfies ExportedHandler<Env>;
