/**
 * SHA-384 through the WebAssembly of sha384.wat: four times @noble/hashes' speed or more on the
 * short inputs deep hashes are made of. A host that can run WebAssembly compiles the module its
 * own way (workerd imports it, a browser's bundler inlines it) and hands the instance to
 * hash.ts's hashWith; the core never loads it itself.
 */
export interface Sha384 {
  /** SHA-384 of `bytes`. */
  hash(bytes: Uint8Array): Uint8Array;
  /** SHA-384 of `a` then `b`, as one input. */
  hashOf(a: Uint8Array, b: Uint8Array): Uint8Array;
}

// What sha384.wat exports, as much as is used (the core has no WebAssembly types: its hosts compile).
interface Exports {
  memory: { buffer: ArrayBuffer };
  input: { value: number };
  init(): void;
  compress(at: number, blocks: number): void;
  finish(tail: number, total: number): number;
  hash(length: number): number;
}

const DIGEST = 48;
const BLOCK = 128;
/** Padding takes 17 bytes at least (0x80 and the 16-byte length). */
const PADDING = 17;

/** The hashes of an instance of sha384.wasm (a `WebAssembly.Instance`). */
export function sha384Wasm(instance: { exports: unknown }): Sha384 {
  const x = instance.exports as Exports;
  const memory = new Uint8Array(x.memory.buffer); // one page, never grown
  const input = x.input.value;
  const room = memory.length - input;

  // An input too long for one pass: its whole blocks are folded in a page at a time, then the rest.
  function streamed(parts: readonly Uint8Array[], total: number): Uint8Array {
    x.init();
    let held = 0;
    for (const part of parts) {
      for (let at = 0; at < part.length; ) {
        const n = Math.min(part.length - at, room - held);
        memory.set(part.subarray(at, at + n), input + held);
        held += n;
        at += n;
        if (held === room) {
          x.compress(input, room / BLOCK);
          held = 0;
        }
      }
    }
    if (held + PADDING > room) {
      const whole = held - (held % BLOCK);
      x.compress(input, whole / BLOCK);
      memory.copyWithin(input, input + whole, input + held);
      held -= whole;
    }
    const out = x.finish(held, total);
    return memory.slice(out, out + DIGEST);
  }

  return {
    hash(bytes) {
      if (bytes.length + PADDING > room) return streamed([bytes], bytes.length);
      memory.set(bytes, input);
      const out = x.hash(bytes.length);
      return memory.slice(out, out + DIGEST);
    },
    hashOf(a, b) {
      const length = a.length + b.length;
      if (length + PADDING > room) return streamed([a, b], length);
      memory.set(a, input);
      memory.set(b, input + a.length);
      const out = x.hash(length);
      return memory.slice(out, out + DIGEST);
    },
  };
}
