/**
 * SHA-384 and SHA-256 through the WebAssembly of sha2.wat: on the short inputs deep hashes, ids
 * and hash chains are made of, several times @noble/hashes' speed. A host that can run
 * WebAssembly compiles the module its own way (workerd imports it, a browser's bundler inlines
 * it) and hands the instance to hash.ts's hashWith; the core never loads it itself.
 */
export interface Sha2 {
  sha256(bytes: Uint8Array): Uint8Array;
  sha384(bytes: Uint8Array): Uint8Array;
  /** SHA-384 of `a` then `b`, as one input. */
  sha384Of(a: Uint8Array, b: Uint8Array): Uint8Array;
}

const EMPTY = new Uint8Array(0);

type Hash = (length: number) => number;
type Finish = (tail: number, total: number) => number;

// What sha2.wat exports, as much as is used (the core has no WebAssembly types: its hosts compile).
interface Exports {
  memory: { buffer: ArrayBuffer };
  input: { value: number };
  init384(): void;
  compress384(at: number, blocks: number): void;
  finish384: Finish;
  hash384: Hash;
  init256(): void;
  compress256(at: number, blocks: number): void;
  finish256: Finish;
  hash256: Hash;
}

/** One hash's shape: its block, its least padding (0x80 and the length), its digest. */
interface Variant {
  block: number;
  padding: number;
  digest: number;
  init(): void;
  compress(at: number, blocks: number): void;
  finish: Finish;
  hash: Hash;
}

/** The hashes of an instance of sha2.wasm (a `WebAssembly.Instance`). */
export function sha2Wasm(instance: { exports: unknown }): Sha2 {
  const x = instance.exports as Exports;
  const memory = new Uint8Array(x.memory.buffer); // one page, never grown
  const input = x.input.value;
  const room = memory.length - input;
  const v384: Variant = { block: 128, padding: 17, digest: 48, init: x.init384, compress: x.compress384, finish: x.finish384, hash: x.hash384 };
  const v256: Variant = { block: 64, padding: 9, digest: 32, init: x.init256, compress: x.compress256, finish: x.finish256, hash: x.hash256 };

  // An input too long for one pass: its whole blocks are folded in a page at a time, then the rest.
  function streamed(v: Variant, parts: readonly Uint8Array[], total: number): Uint8Array {
    v.init();
    let held = 0;
    for (const part of parts) {
      for (let at = 0; at < part.length; ) {
        const n = Math.min(part.length - at, room - held);
        memory.set(part.subarray(at, at + n), input + held);
        held += n;
        at += n;
        if (held === room) {
          v.compress(input, room / v.block);
          held = 0;
        }
      }
    }
    if (held + v.padding > room) {
      const whole = held - (held % v.block);
      v.compress(input, whole / v.block);
      memory.copyWithin(input, input + whole, input + held);
      held -= whole;
    }
    const out = v.finish(held, total);
    return memory.slice(out, out + v.digest);
  }

  // `a` then `b` as one input: copied in and hashed in one call, or streamed when too long.
  function hash(v: Variant, a: Uint8Array, b: Uint8Array = EMPTY): Uint8Array {
    const length = a.length + b.length;
    if (length + v.padding > room) return streamed(v, [a, b], length);
    memory.set(a, input);
    memory.set(b, input + a.length);
    const out = v.hash(length);
    return memory.slice(out, out + v.digest);
  }

  return {
    sha256: (bytes) => hash(v256, bytes),
    sha384: (bytes) => hash(v384, bytes),
    sha384Of: (a, b) => hash(v384, a, b),
  };
}
