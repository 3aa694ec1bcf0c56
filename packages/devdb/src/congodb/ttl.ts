// TTL indexes for CongoDB, which stores `expireAfterSeconds` but never deletes anything. Like mongod's TTL
// monitor (every 60 s by default) this sweeps periodically, so expiry is eventual, never exact.
import { indexValues } from './bson-values';
import { deleteDocument, type StorageInternals } from './storage';
import { isIndexed } from './key-index';

/** Delete every document whose TTL index date is older than `expireAfterSeconds`; returns how many. */
export function sweepExpired(storage: StorageInternals, now: Date = new Date()): number {
  let removed = 0;
  for (const [dbName, collections] of storage.databases) {
    for (const [collName, documents] of collections) {
      for (const index of storage.indexes.get(dbName)?.get(collName) ?? []) {
        const seconds = index.expireAfterSeconds;
        const fields = Object.keys(index.key);
        if (typeof seconds !== 'number' || fields.length !== 1) continue;
        for (const [id, doc] of documents) {
          if (!isIndexed(index, doc)) continue;
          // An array of dates expires with its earliest date; documents without a date never expire.
          const times = indexValues(doc, fields[0] as string)
            .values.filter((v): v is Date => v instanceof Date)
            .map((d) => d.getTime());
          if (times.length > 0 && Math.min(...times) + seconds * 1000 <= now.getTime()) {
            if (deleteDocument(storage, dbName, collName, id)) removed++;
          }
        }
      }
    }
  }
  return removed;
}

export function startTtlMonitor(storage: StorageInternals, intervalMs: number): () => void {
  const timer = setInterval(() => sweepExpired(storage), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
