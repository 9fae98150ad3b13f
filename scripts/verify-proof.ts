/**
 * `npm run verify-proof -- FILE`: checks a fork proof (src/remote/fork-proof.ts) offline, with the
 * core alone: both assignments' signatures valid, one signer (the scheduler the proof names), one
 * process and slot, two different assignments. Says so in one line; exits 0 when the proof holds,
 * 1 when it does not, 2 when the file cannot be read.
 */
import { readFileSync } from "node:fs";
import { verifyForkProof } from "../src/remote/fork-proof.ts";

const [file, ...rest] = process.argv.slice(2).filter((a) => a !== "--");
if (!file || rest.length > 0) {
  process.stderr.write("verify-proof: give one file, a fork proof (JSON): npm run verify-proof -- FILE\n");
  process.exit(2);
}
let json: unknown;
try {
  json = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  process.stderr.write(`verify-proof: cannot read ${file}: ${(err as Error).message}\n`);
  process.exit(2);
}
const verdict = await verifyForkProof(json);
if (verdict.valid) {
  process.stdout.write(`valid: ${verdict.summary}\n`);
  process.exit(0);
}
process.stdout.write(`invalid: ${verdict.problem}\n`);
process.exit(1);
