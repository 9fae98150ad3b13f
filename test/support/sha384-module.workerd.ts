// The module for tests in workerd, bundled as the worker bundles it (worker/index.ts).
import sha384Module from "../../src/crypto/sha384.wasm";

export default sha384Module;
