/**
 * The dashboard database's stores and indexes at version 3, as that version made them (web/src/db.ts
 * has only the steps since): [store, key path, [index, key path, multiEntry][]]. Plain data, so a
 * test can make a version-3 database in Node and in a page alike.
 */
export const VERSION_3_STORES: [string, string | string[], [string, string | string[], boolean][]][] = [
  ["mirrors", "processId", []],
  ["forks", "id", [["process", "processId", false]]],
  [
    "chunks",
    ["processId", "first"],
    [
      ["ids", "ids", true],
      ["firstTimestamp", ["processId", "firstTimestamp"], false],
      ["lastTimestamp", ["processId", "lastTimestamp"], false],
    ],
  ],
];
