// wrangler bundles a .wasm import as a compiled module (its CompiledWasm rule): workerd compiles no WebAssembly at run time.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
