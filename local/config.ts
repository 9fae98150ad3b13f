/**
 * `npm start`'s settings, read from the environment and checked before anything starts: a setting
 * that cannot work stops start-up with a message naming the variable and what it accepts.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { isId } from "../src/crypto/ids.ts";
import { parseKeyMaterial, signerFor } from "../src/crypto/keys.ts";
import { NO_GATEWAY_NOTE } from "../src/remote/gateway.ts";
import { privateRule } from "../src/remote/url-policy.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export interface LocalConfig {
  port: number;
  host: string;
  stateDir: string;
  logLevel: LogLevel;
  /** V8's inspector for workerd's isolates, on this loopback port and the next (profiles, heap snapshots). */
  inspectorPort: number | undefined;
  /** Values the worker reads from its environment (worker/env.ts). */
  bindings: Record<string, string>;
  /** Things an operator should know that do not stop start-up. */
  warnings: string[];
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "none"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

/** A variable's value, with empty meaning unset. */
const get = (env: Env, name: string): string | undefined => (env[name] === undefined || env[name] === "" ? undefined : env[name]);

const show = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = get(env, name) ?? fallback;
  if (!allowed.includes(value as T)) throw new ConfigError(`${name} must be one of ${allowed.join(", ")}; got ${show(value)}`);
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = get(env, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,12}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got ${show(value)}`);
  }
  return Number(value);
}

function httpUrl(env: Env, name: string): string | undefined {
  const value = get(env, name);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    throw new ConfigError(`${name} must be an http(s) URL without query or fragment, e.g. https://arweave.net; got ${show(value)}`);
  }
  // Requests carry no credentials from a URL, and /info, /health and status show these URLs to anyone.
  if (url.username || url.password) throw new ConfigError(`${name} must carry no credentials (user:password@): this node would not send them, and shows the URL to anyone`);
  return value.replace(/\/+$/, "");
}

/** SPAWN_ALLOW: owner addresses, comma-separated. */
function spawnAllow(value: string): string {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.find((a) => !isId(a));
  if (list.length === 0 || bad !== undefined) {
    throw new ConfigError(`SPAWN_ALLOW must be a comma-separated list of 43-character owner addresses (base64url of SHA-256 of the owner key); got ${show(bad ?? value)}`);
  }
  return list.join(",");
}

const KEY_FORMS = "a 32-byte Ed25519 seed (64 hex digits or 43 base64url characters), an Ed25519 JWK (kty OKP, d), or an Arweave RSA-4096 JWK (kty RSA, n, d)";

/** The key text from SCHEDULER_KEY or the file SCHEDULER_KEY_FILE names, and which variable it came from. */
function keyText(env: Env, root: string): { text: string; from: string } | undefined {
  const inline = get(env, "SCHEDULER_KEY")?.trim();
  const file = get(env, "SCHEDULER_KEY_FILE");
  if (inline && file) throw new ConfigError("SCHEDULER_KEY and SCHEDULER_KEY_FILE are both set; set one of them");
  if (inline) return { text: inline, from: "SCHEDULER_KEY" };
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(isAbsolute(file) ? file : resolve(root, file), "utf8").trim();
  } catch (err) {
    throw new ConfigError(`SCHEDULER_KEY_FILE ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!text) throw new ConfigError(`SCHEDULER_KEY_FILE ${file} is empty; it must hold ${KEY_FORMS}`);
  return { text, from: `SCHEDULER_KEY_FILE (${file})` };
}

/** Parses the key and signs with it once (signerFor verifies what it signed), so a key that parses but cannot sign fails here too. */
async function checkKey(key: { text: string; from: string }): Promise<void> {
  try {
    await signerFor(parseKeyMaterial(key.text));
  } catch (err) {
    const reason = String((err as Error).message ?? err).replace(/^scheduler key: /, "");
    throw new ConfigError(`${key.from} is not a usable scheduler key (${reason}); it must hold ${KEY_FORMS}`);
  }
}

export async function readConfig(env: Env, root: string): Promise<LocalConfig> {
  const warnings: string[] = [];
  const port = integer(env, "PORT", 8787, 1, 65535);
  const host = get(env, "HOST") ?? "127.0.0.1";
  const stateDir = resolve(root, get(env, "STATE_DIR") ?? join(root, ".state"));
  const logLevel = oneOf(env, "LOG_LEVEL", LOG_LEVELS, "info");
  const bindings: Record<string, string> = {
    SCHEDULING_MODE: oneOf(env, "SCHEDULING_MODE", ["local_confirmation", "aggressive"] as const, "local_confirmation"),
    GATEWAY_URL: httpUrl(env, "GATEWAY_URL") ?? "",
  };
  if (!bindings.GATEWAY_URL) {
    warnings.push(`${NO_GATEWAY_NOTE}. Set GATEWAY_URL to an Arweave gateway for real heights.`);
  }
  const delay = get(env, "INDEX_DELAY_MS");
  if (delay !== undefined) bindings.INDEX_DELAY_MS = String(integer(env, "INDEX_DELAY_MS", 5000, 0, 3_600_000));
  const token = get(env, "AO_BENCH_TOKEN");
  if (token !== undefined) {
    if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new ConfigError("AO_BENCH_TOKEN must be 16 or more base64url characters");
    bindings.AO_BENCH_TOKEN = token;
    warnings.push("AO_BENCH_TOKEN is set: the bench-only seeding route is on. Never set it in production.");
  }
  const publicUrl = httpUrl(env, "PUBLIC_URL");
  if (publicUrl) bindings.PUBLIC_URL = publicUrl;
  const uploadUrl = httpUrl(env, "UPLOAD_URL");
  if (uploadUrl) bindings.UPLOAD_URL = uploadUrl;
  else if (publicUrl) warnings.push("PUBLIC_URL is set but UPLOAD_URL is not: this node's location record stays local (GET /~scheduler@1.0/location serves it; no gateway will).");
  bindings.SCHEDULER_VARIANT = oneOf(env, "SCHEDULER_VARIANT", ["ao.TN.1", "ao.N.1"] as const, "ao.TN.1");
  for (const flag of ["SCHEDULER_FOLLOW_HINTS", "SCHEDULER_FOLLOW_REDIRECTS", "REMOTE_CACHE_ASYNC", "GROUP_WRITES"]) {
    if (get(env, flag) !== undefined) bindings[flag] = oneOf(env, flag, ["true", "false"] as const, "true");
  }
  // At most 50 s: one request to another scheduler ends before the front's own 60 s answer deadline.
  if (get(env, "REMOTE_TIMEOUT_MS") !== undefined) bindings.REMOTE_TIMEOUT_MS = String(integer(env, "REMOTE_TIMEOUT_MS", 10_000, 100, 50_000));
  if (get(env, "SUBSCRIBERS_PER_PROCESS") !== undefined) bindings.SUBSCRIBERS_PER_PROCESS = String(integer(env, "SUBSCRIBERS_PER_PROCESS", 1000, 1, 1_000_000));
  if (get(env, "LOCATION_TTL_MS") !== undefined) bindings.LOCATION_TTL_MS = String(integer(env, "LOCATION_TTL_MS", 0, 1000, 365 * 24 * 3600 * 1000));
  // Hints and location records may send a node on loopback to private addresses (README's
  // two-node example); a node others can reach is no proxy into its operator's network.
  const onLoopback = privateRule(host.includes(":") ? `[${host}]` : host) === "loopback";
  bindings.REMOTE_PRIVATE = oneOf(env, "REMOTE_PRIVATE", ["allow", "deny"] as const, onLoopback ? "allow" : "deny");
  if (bindings.REMOTE_PRIVATE === "allow" && !onLoopback) {
    warnings.push(`REMOTE_PRIVATE=allow on HOST=${host}: anyone who reaches this node can have it send requests to loopback and private addresses.`);
  }
  const allow = get(env, "SPAWN_ALLOW");
  if (allow !== undefined) bindings.SPAWN_ALLOW = spawnAllow(allow);
  for (const name of ["RATE_LIMIT_SIGNER", "RATE_LIMIT_IP"]) {
    if (get(env, name) !== undefined) bindings[name] = String(integer(env, name, 0, 1, 9_999_999));
  }
  bindings.LOG_LEVEL = logLevel;
  const key = keyText(env, root);
  if (key) {
    await checkKey(key);
    bindings.SCHEDULER_KEY = key.text;
  }
  const inspector = get(env, "INSPECTOR_PORT");
  const inspectorPort = inspector === undefined ? undefined : integer(env, "INSPECTOR_PORT", 0, 1, 65534);
  if (inspectorPort !== undefined) {
    warnings.push(`INSPECTOR_PORT is set: V8's inspector listens on 127.0.0.1:${inspectorPort} (the Durable Objects' process) and :${inspectorPort + 1} (the worker's). Anyone on this machine can read and run code in the worker through it.`);
  }
  return { port, host, stateDir, logLevel, inspectorPort, bindings, warnings };
}
