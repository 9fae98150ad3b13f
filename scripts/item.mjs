// `npm run item`: see scripts/item.ts.
import { runTs } from "./run-ts.mjs";
await runTs("scripts/item.ts");
