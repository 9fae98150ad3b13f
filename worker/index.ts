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

export default {
  fetch(request, env, ctx) {
    return app.fetch(normalizeInlineKeys(request), env, ctx);
  },
} satisfies ExportedHandler<Env>;
