/**
 * The web-standard globals the core may use, and nothing else: the core's tsconfig has no DOM,
 * Workers or Node types, so every platform API it touches is listed here. All three hosts
 * (workerd, browsers, Node 20) provide these.
 */
type BufferSource = ArrayBuffer | ArrayBufferView;
interface CryptoKey {
  readonly type: string;
  readonly algorithm: unknown;
}
interface JsonWebKey {
  kty?: string;
  crv?: string;
  n?: string;
  e?: string;
  d?: string;
  x?: string;
  [k: string]: unknown;
}
type AlgorithmIdentifier = string | { name: string; [k: string]: unknown };
interface SubtleCrypto {
  digest(alg: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer>;
  importKey(format: "raw" | "jwk" | "pkcs8" | "spki", key: BufferSource | JsonWebKey, alg: AlgorithmIdentifier, extractable: boolean, usages: string[]): Promise<CryptoKey>;
  sign(alg: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  verify(alg: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean>;
}
interface Crypto {
  readonly subtle: SubtleCrypto;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}
declare var crypto: Crypto;
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: BufferSource): string;
}
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(id: unknown): void;
interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  redirect?: "follow" | "manual" | "error";
}
interface Headers {
  get(name: string): string | null;
}
interface ReadableStreamReadResult<T> {
  done: boolean;
  value: T;
}
interface ReadableStreamDefaultReader<T> {
  read(): Promise<ReadableStreamReadResult<T>>;
  cancel(reason?: unknown): Promise<void>;
}
interface ReadableStream<T> {
  getReader(): ReadableStreamDefaultReader<T>;
  cancel(reason?: unknown): Promise<void>;
}
interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface AbortSignal {
  readonly aborted: boolean;
}
declare var AbortSignal: { timeout(ms: number): AbortSignal; any(signals: AbortSignal[]): AbortSignal };
declare function fetch(url: string, init?: RequestInit): Promise<Response>;
declare class URL {
  constructor(url: string, base?: string);
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly href: string;
  readonly username: string;
  readonly password: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly searchParams: { get(name: string): string | null };
  toString(): string;
}
