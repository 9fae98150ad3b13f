// WebAssembly text to binary with wabt, the same way for `npm run wasm` and the test that checks its output.
import wabt from "wabt";

/** The binary of `text` (named `file` in errors), without debug names. */
export async function assemble(text, file) {
  const module = (await wabt()).parseWat(file, text);
  try {
    module.validate();
    return Uint8Array.from(module.toBinary({ write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}
