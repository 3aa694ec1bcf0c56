// Persistence for a CongoDB storage adapter (smartmongo's own file storage turns Dates into strings and
// rewrites one big file): on start, the snapshot and the journals after it are replayed into memory; from then
// on every change is appended to the journal (journal.ts), and the journal is compacted into a new snapshot
// when it grows, on start after a replay, and on a clean stop. See data-dir.ts for the files.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Doc } from '../congodb/bson-values';
import type { IndexSpec } from '../congodb/key-index';
import { idKey, type StorageInternals } from '../congodb/storage';
import { RecordBuffer } from './bson-records';
import { fsyncDir, journalFiles, LINES_SNAPSHOT, lockDir, readEntries, SNAPSHOT, snapshotFile } from './data-dir';
import { Journal } from './journal';

export interface PersistenceOptions {
  /** The data directory (created if missing). */
  dir: string;
  /** Compact when the journal has grown past this many bytes. Default 16 MiB. */
  compactAfterBytes?: number;
  /** How often to check the journal's size. Default 10 s. */
  checkIntervalMs?: number;
  log?: (msg: string) => void;
}

export interface Persistence {
  dir: string;
  /**
   * Settles once the journal entries of the commands so far are written (one write for all the commands of a
   * turn of the event loop); undefined when none wait. Every reply waits for it.
   */
  written(): Promise<void> | undefined;
  /** Write a new snapshot and start a new journal. */
  compact(): void;
  /** Compact, stop writing and release the directory. */
  close(): void;
}

/**
 * The top-level fields an update changed: `set` in the order of the new document, `unset` the ones it dropped,
 * and for arrays that only grew at their end or only lost elements, `push` (the new elements) and `pull` (the
 * positions removed), so an order's reservation pushed onto a product holding hundreds is not journaled with them.
 */
interface FieldChanges {
  set: Doc;
  unset?: string[];
  push?: Record<string, unknown[]>;
  pull?: Record<string, number[]>;
}

/** How array `after` came from `before`: elements appended, positions removed, or neither (undefined). */
function arrayChange(before: unknown[], after: unknown[]): { push: unknown[] } | { pull: number[] } | undefined {
  if (after.length >= before.length) {
    for (let i = 0; i < before.length; i++) if (after[i] !== before[i]) return undefined;
    return { push: after.slice(before.length) };
  }
  // The elements kept are the very elements of `before` (updates copy an array as an array of the same elements).
  const pull: number[] = [];
  let kept = 0;
  for (let i = 0; i < before.length; i++) {
    if (kept < after.length && before[i] === after[kept]) kept++;
    else pull.push(i);
  }
  return kept === after.length ? { pull } : undefined;
}

const hasOwn = (doc: Doc, key: string): boolean => Object.prototype.hasOwnProperty.call(doc, key);

/**
 * What an update changed, as the fields to set and unset on `before`, when applying them gives `after` with its
 * fields in the same order (fields it kept in their places, new ones last); undefined when it does not (the whole
 * document is journaled then). Updates share the fields they leave alone with the stored document (see
 * copyForUpdate), so an unchanged field is the same reference: an order moved to 'paid' journals its status,
 * its events and updatedAt, not its items and address again.
 */
export function fieldChanges(before: Doc, after: Doc): FieldChanges | undefined {
  const afterKeys = Object.keys(after);
  const set: Doc = {};
  const unset: string[] = [];
  let push: Record<string, unknown[]> | undefined;
  let pull: Record<string, number[]> | undefined;
  let kept = 0;
  for (const key of Object.keys(before)) {
    if (key === '__proto__') return undefined;
    // A field without a value is not journaled (as a whole document leaves it out): it is gone after a replay.
    if (!hasOwn(after, key) || after[key] === undefined) {
      if (hasOwn(after, key) && afterKeys[kept] === key) kept++;
      unset.push(key);
      continue;
    }
    if (afterKeys[kept] !== key) return undefined;
    kept++;
    const was = before[key];
    const now = after[key];
    if (now === was) continue;
    const change = Array.isArray(was) && Array.isArray(now) ? arrayChange(was, now) : undefined;
    if (change && 'push' in change) {
      if (change.push.length > 0) (push ??= {})[key] = change.push;
    } else if (change) (pull ??= {})[key] = change.pull;
    else set[key] = now;
  }
  for (; kept < afterKeys.length; kept++) {
    const key = afterKeys[kept] as string;
    if (key === '__proto__' || hasOwn(before, key)) return undefined;
    if (after[key] !== undefined) set[key] = after[key];
  }
  return { set, ...(unset.length > 0 ? { unset } : {}), ...(push ? { push } : {}), ...(pull ? { pull } : {}) };
}

/** `before` with `changes` applied: a new document (stored documents are never changed in place). */
function applyFieldChanges(before: Doc, changes: FieldChanges): Doc {
  const doc: Doc = { ...before };
  for (const key of changes.unset ?? []) delete doc[key];
  for (const [key, positions] of Object.entries(changes.pull ?? {})) {
    const removed = new Set(positions);
    doc[key] = (doc[key] as unknown[]).filter((_, i) => !removed.has(i));
  }
  for (const [key, elements] of Object.entries(changes.push ?? {})) doc[key] = [...(doc[key] as unknown[]), ...elements];
  for (const key of Object.keys(changes.set)) doc[key] = changes.set[key];
  return doc;
}

/** Apply one journal or snapshot entry to the in-memory maps (no unique checks: it happened already). */
function replay(storage: StorageInternals, entry: Doc): void {
  const db = entry.db as string;
  const coll = entry.coll as string;
  switch (entry.op) {
    case 'snapshot':
      return;
    case 'createCollection':
      storage.ensureCollection(db, coll);
      return;
    case 'insert':
    case 'update': {
      const doc = entry.doc as Doc;
      storage.ensureCollection(db, coll).set(idKey(doc._id), doc);
      return;
    }
    case 'set': {
      const docs = storage.ensureCollection(db, coll);
      const key = idKey(entry.id);
      const before = docs.get(key);
      if (!before) throw new Error(`devdb: the journal changes fields of ${db}.${coll} _id ${String(entry.id)}, which it never wrote`);
      docs.set(key, applyFieldChanges(before, entry as unknown as FieldChanges));
      return;
    }
    case 'delete':
      storage.ensureCollection(db, coll).delete(idKey(entry.id));
      return;
    case 'dropCollection':
      storage.databases.get(db)?.delete(coll);
      storage.indexes.get(db)?.delete(coll);
      return;
    case 'dropDatabase':
      storage.databases.delete(db);
      storage.indexes.delete(db);
      return;
    case 'renameCollection': {
      const to = entry.to as string;
      const docs = storage.databases.get(db)?.get(coll);
      const indexes = storage.indexes.get(db)?.get(coll);
      storage.ensureCollection(db, to);
      if (docs) storage.databases.get(db)?.set(to, docs);
      if (indexes) storage.indexes.get(db)?.set(to, indexes);
      storage.databases.get(db)?.delete(coll);
      storage.indexes.get(db)?.delete(coll);
      return;
    }
    case 'saveIndex': {
      storage.ensureCollection(db, coll);
      const list = storage.indexes.get(db)?.get(coll) as IndexSpec[];
      const index = { name: entry.name as string, ...(entry.spec as Doc) } as IndexSpec;
      const at = list.findIndex((i) => i.name === index.name);
      if (at >= 0) list[at] = index;
      else list.push(index);
      return;
    }
    case 'dropIndex': {
      const list = storage.indexes.get(db)?.get(coll);
      const at = list?.findIndex((i) => i.name === entry.name) ?? -1;
      if (list && at >= 0) list.splice(at, 1);
      return;
    }
    default:
      throw new Error(`devdb: unknown journal entry ${JSON.stringify(entry.op)}`);
  }
}

/** Write the whole state as snapshot `generation`: temp file, fsync, rename, fsync the directory. */
function writeSnapshot(storage: StorageInternals, dir: string, generation: number): number {
  const file = path.join(dir, SNAPSHOT);
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w');
  const chunk = new RecordBuffer(2 << 20);
  let documents = 0;
  const write = (entry: Doc): void => {
    chunk.append(entry);
    if (chunk.length > 1 << 20) flushChunk();
  };
  const flushChunk = (): void => {
    const data = chunk.bytes();
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset);
    chunk.clear();
  };
  try {
    write({ op: 'snapshot', format: 1, generation, writtenAt: new Date() });
    for (const [db, collections] of storage.databases) {
      for (const [coll, docs] of collections) {
        write({ op: 'createCollection', db, coll });
        for (const { name, ...spec } of storage.indexes.get(db)?.get(coll) ?? []) {
          if (name !== '_id_') write({ op: 'saveIndex', db, coll, name, spec });
        }
        for (const doc of docs.values()) {
          write({ op: 'insert', db, coll, doc });
          documents++;
        }
      }
    }
    flushChunk();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  fsyncDir(dir);
  // A snapshot in Extended JSON lines (a directory from before BSON records) is older than this one now.
  rmSync(path.join(dir, LINES_SNAPSHOT), { force: true });
  return documents;
}

function removeJournalsUpTo(dir: string, generation: number): void {
  for (const journal of journalFiles(dir)) if (journal.generation <= generation) rmSync(path.join(dir, journal.name), { force: true });
  fsyncDir(dir);
}

/** Load `options.dir` into `storage` and journal every later change there. */
export function attachPersistence(storage: StorageInternals, options: PersistenceOptions): Persistence {
  const { dir } = options;
  const log = options.log ?? (() => {});
  const release = lockDir(dir);

  // Load: the snapshot, then every journal written after it.
  let snapshotGeneration = 0;
  const snapshot = snapshotFile(dir);
  if (snapshot) {
    const { entries } = readEntries(snapshot);
    snapshotGeneration = Number(entries[0]?.generation ?? 0);
    for (const entry of entries) replay(storage, entry);
  }
  let replayed = 0;
  let lastGeneration = snapshotGeneration;
  for (const { generation, name } of journalFiles(dir)) {
    lastGeneration = Math.max(lastGeneration, generation);
    if (generation <= snapshotGeneration) continue; // already in the snapshot (a crash before the clean-up)
    const { entries, tornTail } = readEntries(path.join(dir, name));
    if (tornTail) log(`devdb: skipped a torn last entry in ${name} (a write cut short by a crash)`);
    for (const entry of entries) replay(storage, entry);
    replayed += entries.length + (tornTail ? 1 : 0);
  }

  let journal = new Journal(dir, lastGeneration + 1);
  const compact = (): void => {
    journal.close();
    const done = journal.generation;
    journal = new Journal(dir, done + 1);
    const t0 = performance.now();
    const documents = writeSnapshot(storage, dir, done);
    removeJournalsUpTo(dir, done);
    log(`devdb: compacted ${dir} into a snapshot of ${documents} documents in ${Math.round(performance.now() - t0)} ms`);
  };
  // A fresh snapshot now keeps the next start fast and leaves no torn line behind for later appends.
  if (replayed > 0) compact();

  storage.onChange = (change) => {
    const changes = change.op === 'update' ? fieldChanges(change.before, change.doc) : undefined;
    if (change.op === 'update' && changes) journal.append({ op: 'set', db: change.db, coll: change.coll, id: change.doc._id, ...changes });
    else if (change.op === 'update') journal.append({ op: 'update', db: change.db, coll: change.coll, doc: change.doc });
    else journal.append(change as unknown as Doc);
  };
  const journalAfter = <A extends unknown[]>(method: keyof StorageInternals, entry: (...args: A) => Doc): void => {
    const original = (storage[method] as unknown as (...args: A) => Promise<unknown>).bind(storage);
    (storage as unknown as Record<string, unknown>)[method] = async (...args: A) => {
      const result = await original(...args);
      journal.append(entry(...args));
      return result;
    };
  };
  journalAfter('createCollection', (db: string, coll: string) => ({ op: 'createCollection', db, coll }));
  journalAfter('dropCollection', (db: string, coll: string) => ({ op: 'dropCollection', db, coll }));
  journalAfter('dropDatabase', (db: string) => ({ op: 'dropDatabase', db }));
  journalAfter('renameCollection', (db: string, coll: string, to: string) => ({ op: 'renameCollection', db, coll, to }));
  journalAfter('saveIndex', (db: string, coll: string, name: string, spec: Doc) => ({ op: 'saveIndex', db, coll, name, spec }));
  journalAfter('dropIndex', (db: string, coll: string, name: string) => ({ op: 'dropIndex', db, coll, name }));

  const compactAfter = options.compactAfterBytes ?? 16 * 1024 * 1024;
  const timer = setInterval(() => {
    if (journal.bytes >= compactAfter) compact();
  }, options.checkIntervalMs ?? 10_000);
  timer.unref();

  let closed = false;
  return {
    dir,
    written: () => journal.written(),
    compact,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      storage.onChange = undefined;
      compact();
      journal.close();
      release();
    },
  };
}
