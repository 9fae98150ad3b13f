/**
 * `npm run subscribe`: follows a process's schedule live (docs/live.md) and prints each slot as it
 * arrives, checked: its signatures and ids, and its chain link to the slot before it.
 *
 *   npm run subscribe -- <pid> [--from N] [--count K] [--node URL] [--json]
 *
 * `--node` defaults to http://127.0.0.1:$PORT (8787). `--count` stops after K slots; without it,
 * it follows until Ctrl-C or the node closes the subscription. `--json` prints each frame (the slot as a
 * JSON schedule page holds it), one per line, instead of a summary.
 */
import WebSocket from "ws";
import { tagValue } from "../src/ans104/tags.ts";
import { parseItem } from "../src/ans104/parse.ts";
import { NO_LIMITS } from "../src/ans104/limits.ts";
import { isId } from "../src/crypto/ids.ts";
import { assignmentToJson } from "../src/formats/hyperbeam-json.ts";
import { followSocket, subscribeUrl, type LiveSocket } from "../src/remote/live.ts";
import { verifySlot, type ChainState } from "../src/remote/verify.ts";

const fail = (message: string): never => {
  process.stderr.write(`subscribe: ${message}\n`);
  process.exit(2);
};

const [pid, ...rest] = process.argv.slice(2);
if (!pid || !isId(pid)) fail("usage: npm run subscribe -- <43-character process id> [--from N] [--count K] [--node URL] [--json]");
let from = 0;
let count = Infinity;
let node = `http://127.0.0.1:${process.env.PORT || 8787}`;
let raw = false;
for (let i = 0; i < rest.length; i++) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (flag === "--json") raw = true;
  else if (value === undefined) fail(`${flag} needs a value`);
  else if (flag === "--from" && /^\d+$/.test(value)) (from = Number(value)), i++;
  else if (flag === "--count" && /^[1-9]\d*$/.test(value)) (count = Number(value)), i++;
  else if (flag === "--node") (node = value), i++;
  else fail(`unknown option or bad value: ${flag} ${value}`);
}

// JSON frames, so that --json prints what a browser would get.
const ws = new WebSocket(subscribeUrl(node, pid, from, "json"));
ws.addEventListener("error", () => {}); // the close that follows says why
// Refused before the upgrade: the node's answer says why.
const refused = new Promise<never>((_, reject) =>
  ws.on("unexpected-response", (_req: unknown, res: import("node:http").IncomingMessage) => {
    let body = "";
    res.on("data", (c: Buffer) => (body += c));
    res.on("end", () => reject(new Error(`${node} answered ${res.statusCode}: ${body}`)));
  }),
);
let previous: ChainState | "unknown" | undefined = from === 0 ? undefined : "unknown";
let seen = 0;
const followed = followSocket(ws as unknown as LiveSocket, pid!, async (s) => {
  if (seen >= count) return; // frames already on the way when it closed
  const { stored, state } = await verifySlot(s, { processId: pid!, scheduler: undefined }, previous);
  previous = state;
  if (raw) {
    process.stdout.write(`${JSON.stringify(assignmentToJson(stored))}\n`); // the frame as the node rendered it
  } else {
    const message = stored.message && parseItem(stored.message, NO_LIMITS, stored.messageId);
    const kind = message ? (tagValue(message.tags, "Action") ?? tagValue(message.tags, "Type") ?? "item") : "assigned id";
    process.stdout.write(`slot ${stored.slot}  ${stored.status}  ${new Date(stored.timestamp).toISOString()}  ${kind}  ${stored.messageId}\n`);
  }
  if (++seen >= count) ws.close(1000, "done");
});
try {
  const closed = await Promise.race([followed, refused]);
  if (seen < count && count !== Infinity) fail(`the subscription closed after ${seen} slots: ${closed.code} ${closed.reason}`);
} catch (err) {
  fail((err as Error).message);
}
