// Fixes applied to one CongoDB MemoryStorageAdapter instance (nothing in node_modules is edited):
//  - `_id` of any BSON type. The adapter keys documents by `_id.toHexString()` and turns every `_id` into an
//    ObjectId, so a string `_id` fails to insert and a number `_id` silently becomes a different ObjectId.
//    We key documents by the canonical BSON key instead and store `_id` as given.
//  - unique indexes, checked right before each write and kept up to date right after it (see unique.ts).
// Every write to a collection's documents goes through insertOne, updateById or deleteById here (CongoDB's
// insertMany/deleteByIds and the aggregate $out/$merge stages call these too), or through deleteDocument.
import { ObjectId } from './engine';
import { filterDocuments } from './fast-match';
import { planQuery, planSortedFind, type PlanOptions } from './query-plan';
import type { MemoryStorageAdapter } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { canonicalKey, type Doc } from './bson-values';
import { noteWrite, type IndexSpec } from './key-index';
import { assertUniqueKeys, duplicateKeyError } from './unique';

/** The parts of MemoryStorageAdapter we reach into (public in its JavaScript, private in its typings). */
export interface StorageInternals {
  databases: Map<string, Map<string, Map<string, Doc>>>;
  indexes: Map<string, Map<string, IndexSpec[]>>;
  ensureCollection(dbName: string, collName: string): Map<string, Doc>;
  insertOne(dbName: string, collName: string, doc: Doc): Promise<Doc>;
  findById(dbName: string, collName: string, id: unknown): Promise<Doc | null>;
  updateById(dbName: string, collName: string, id: unknown, doc: Doc): Promise<boolean>;
  deleteById(dbName: string, collName: string, id: unknown): Promise<boolean>;
  findAll(dbName: string, collName: string): Promise<Doc[]>;
  collectionExists(dbName: string, collName: string): Promise<boolean>;
  createCollection(dbName: string, collName: string): Promise<void>;
  dropCollection(dbName: string, collName: string): Promise<boolean>;
  dropDatabase(dbName: string): Promise<boolean>;
  renameCollection(dbName: string, oldName: string, newName: string): Promise<void>;
  saveIndex(dbName: string, collName: string, name: string, spec: Omit<IndexSpec, 'name'>): Promise<void>;
  getIndexes(dbName: string, collName: string): Promise<IndexSpec[]>;
  dropIndex(dbName: string, collName: string, name: string): Promise<boolean>;
  /**
   * How many queries an index answered and how many scanned, and how many sorted finds walked an ordered index
   * (for tests and the benchmark).
   */
  plans: { indexed: number; scanned: number; sorted: number };
  /** Told of every document written or deleted, after the fact (the journal of a persistent server). */
  onChange?: (change: DocumentChange) => void;
}

export type DocumentChange =
  | { op: 'insert'; db: string; coll: string; doc: Doc }
  /** `before` is the stored document `doc` replaces (the journal writes only the fields that changed). */
  | { op: 'update'; db: string; coll: string; doc: Doc; before: Doc }
  | { op: 'delete'; db: string; coll: string; id: unknown };

export const idKey = canonicalKey;

/** The indexes of a collection, read synchronously so a check and its write stay in one turn. */
export function indexesOf(storage: StorageInternals, dbName: string, collName: string): IndexSpec[] {
  return storage.indexes.get(dbName)?.get(collName) ?? [];
}

/** The live document map of a collection, or an empty one (without creating the collection). */
export function documentsOf(storage: StorageInternals, dbName: string, collName: string): ReadonlyMap<string, Doc> {
  return storage.databases.get(dbName)?.get(collName) ?? new Map<string, Doc>();
}

/**
 * The documents of a collection that `filter` may match, in natural order: from an index when one applies
 * (see query-plan.ts), else all of them. Callers filter them with the full query.
 */
export function candidatesFor(storage: StorageInternals, dbName: string, collName: string, filter: Doc, options?: PlanOptions): Doc[] {
  const plan = planQuery(documentsOf(storage, dbName, collName), indexesOf(storage, dbName, collName), filter, options);
  if (plan.indexed) storage.plans.indexed++;
  else storage.plans.scanned++;
  return plan.documents;
}

/**
 * For a find with a sort and `want` = skip + limit: its first `want` matches in sort order, read from an ordered
 * index (see planSortedFind), or undefined when no index serves the sort.
 */
export function sortedCandidatesFor(
  storage: StorageInternals,
  dbName: string,
  collName: string,
  filter: Doc,
  sort: unknown,
  want: number,
): Doc[] | undefined {
  const docs = planSortedFind(documentsOf(storage, dbName, collName), indexesOf(storage, dbName, collName), filter, sort, want);
  if (docs) storage.plans.sorted++;
  return docs;
}

/**
 * The documents of a collection that match `filter`, in natural order. The guards of the API's compare-and-set
 * writes (`{ _id, status: 'pending' }`) are equalities fast-match.ts answers without compiling a mingo query.
 */
export function documentsMatching(storage: StorageInternals, dbName: string, collName: string, filter: Doc): Doc[] {
  return filterDocuments(candidatesFor(storage, dbName, collName, filter), filter);
}

/** Delete one document by storage key, keeping the unique key indexes in step. */
export function deleteDocument(storage: StorageInternals, dbName: string, collName: string, key: string): boolean {
  const collection = storage.ensureCollection(dbName, collName);
  const before = collection.get(key);
  if (!before) return false;
  collection.delete(key);
  noteWrite(collection, indexesOf(storage, dbName, collName), key, before, undefined);
  storage.onChange?.({ op: 'delete', db: dbName, coll: collName, id: before._id });
  return true;
}

export function patchStorage(adapter: MemoryStorageAdapter): StorageInternals {
  const storage = adapter as unknown as StorageInternals;
  storage.plans = { indexed: 0, scanned: 0, sorted: 0 };

  storage.insertOne = async (dbName, collName, doc) => {
    const collection = storage.ensureCollection(dbName, collName);
    const stored: Doc = '_id' in doc && doc._id !== undefined ? doc : { _id: new ObjectId(), ...doc };
    const id = idKey(stored._id);
    if (collection.has(id)) {
      throw duplicateKeyError(`${dbName}.${collName}`, { name: '_id_', key: { _id: 1 } }, { _id: stored._id });
    }
    const indexes = indexesOf(storage, dbName, collName);
    assertUniqueKeys(`${dbName}.${collName}`, indexes, collection, stored);
    collection.set(id, stored);
    noteWrite(collection, indexes, id, undefined, stored);
    storage.onChange?.({ op: 'insert', db: dbName, coll: collName, doc: stored });
    return stored;
  };

  storage.findById = async (dbName, collName, id) => {
    return storage.ensureCollection(dbName, collName).get(idKey(id)) ?? null;
  };

  storage.updateById = async (dbName, collName, id, doc) => {
    const collection = storage.ensureCollection(dbName, collName);
    const key = idKey(id);
    const before = collection.get(key);
    if (!before) return false;
    const indexes = indexesOf(storage, dbName, collName);
    assertUniqueKeys(`${dbName}.${collName}`, indexes, collection, doc, key);
    collection.set(key, doc);
    noteWrite(collection, indexes, key, before, doc);
    storage.onChange?.({ op: 'update', db: dbName, coll: collName, doc, before });
    return true;
  };

  storage.deleteById = async (dbName, collName, id) => deleteDocument(storage, dbName, collName, idKey(id));

  return storage;
}
