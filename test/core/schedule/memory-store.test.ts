import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { runStoreSuite } from "./store.case.ts";

runStoreSuite({ name: "MemoryStore", withStore: (body) => body(new MemoryStore()) });
