/**
 * Case 2: the signing bound of the alternatives, measured here. The legacy SU signs twice per
 * message with RSA-4096 (assignment and bundle item); HyperBEAM signs each assignment once.
 * Their per-process throughput cannot exceed 1 / (signatures × time of one).
 */
import { webcrypto } from "node:crypto";
import { median, spread } from "../stats.ts";
import type { Row } from "../report.ts";

const SIGNATURES = 60;

export async function signingCase(): Promise<Row[]> {
  console.log("2 signing bound: RSA-4096 RSA-PSS/SHA-256 with WebCrypto");
  const { privateKey } = await webcrypto.subtle.generateKey({ name: "RSA-PSS", modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, false, ["sign"]);
  const message = new Uint8Array(48).fill(7); // a deep hash is 48 bytes
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const times: number[] = [];
    for (let i = 0; i < SIGNATURES; i++) {
      const t = performance.now();
      await webcrypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, privateKey, message);
      times.push(performance.now() - t);
    }
    runs.push(median(times));
  }
  const ms = median(runs);
  return [
    { case: "2 signing bound", measure: "one RSA-4096 signature", value: ms, unit: "ms", runs: runs.length, spread: spread(runs), note: `median of ${SIGNATURES} signatures per run, Node WebCrypto (OpenSSL)` },
    { case: "2 signing bound", measure: "legacy SU, per process (2 signatures)", value: 1000 / (2 * ms), unit: "msg/s", runs: runs.length },
    { case: "2 signing bound", measure: "HyperBEAM, per process (1 signature)", value: 1000 / ms, unit: "msg/s", runs: runs.length },
  ];
}
