/** A fresh dashboard database per test (fake-indexeddb in Node), deleted after it. */
import { deleteDB } from "idb";
import { openDashboardDb, type DashboardDb } from "../../web/src/db.ts";

let opened = 0;

export async function withDb(body: (db: DashboardDb) => Promise<void>): Promise<void> {
  const name = `test-${++opened}`;
  const db = await openDashboardDb(name);
  try {
    await body(db);
  } finally {
    db.close();
    await deleteDB(name);
  }
}
