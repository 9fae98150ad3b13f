// The module for tests in workerd, bundled as the worker bundles it (worker/index.ts).
import sha2Module from "../../src/crypto/sha2.wasm";

export default sha2Module;
