/** Worker entry: the app, plus the Durable Object classes wrangler.toml binds. */
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";
import { normalizeInlineKeys } from "./inline-keys.ts";

export { IndexObject } from "./index-object.ts";
export { NodeObject } from "./node-object.ts";
export { ProcessObject } from "./process-object.ts";

const app = createApp();

export default {
  fetch(request, env, ctx) {
    return app.fetch(normalizeInlineKeys(request), env, ctx);
  },
} satisfies ExportedHandler<Env>;
