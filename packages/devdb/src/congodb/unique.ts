// Unique index enforcement, which CongoDB 2.2.0 lacks: it stores `unique: true` and reports it in listIndexes,
// but never checks it. We check at the one place every write passes through — the storage adapter's
// insertOne/updateById (see storage.ts) — so inserts, updates, upserts, replacements, findAndModify, bulkWrite
// and aggregate $out/$merge are all covered. The check is synchronous and runs in the same turn as the write,
// which is what keeps it race-free: CongoDB executes each command without yielding to real I/O in between.
import { engine } from './engine';
import { canonicalKey, indexValues, type Doc } from './bson-values';

export interface IndexSpec {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/** The error MongoDB raises for a unique index violation (code 11000), with the same fields. */
export class DuplicateKeyError extends Error {
  readonly code = 11000;
  readonly codeName = 'DuplicateKey';
  constructor(
    message: string,
    readonly keyPattern: Record<string, unknown>,
    readonly keyValue: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (typeof value === 'object' && typeof (value as { toHexString?: unknown }).toHexString === 'function') {
    return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
  }
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as Doc)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(', ')} }`;
  }
  return String(value);
}

export function duplicateKeyError(
  ns: string,
  index: Pick<IndexSpec, 'name' | 'key'>,
  keyValue: Record<string, unknown>,
): DuplicateKeyError {
  const fields = Object.keys(keyValue)
    .map((k) => `${k}: ${formatValue(keyValue[k])}`)
    .join(', ');
  return new DuplicateKeyError(
    `E11000 duplicate key error collection: ${ns} index: ${index.name} dup key: { ${fields} }`,
    { ...index.key },
    keyValue,
  );
}

/** Whether `doc` has an entry in `index` at all (sparse and partial indexes leave some documents out). */
export function isIndexed(index: IndexSpec, doc: Doc): boolean {
  const fields = Object.keys(index.key);
  if (index.sparse && fields.every((f) => indexValues(doc, f).missing)) return false;
  if (index.partialFilterExpression && !engine.matches(doc, index.partialFilterExpression)) return false;
  return true;
}

/** Every key `doc` contributes to `index`: one per combination of array elements (multikey). */
export function indexKeys(index: IndexSpec, doc: Doc): Array<{ key: string; values: unknown[] }> {
  let combos: unknown[][] = [[]];
  for (const field of Object.keys(index.key)) {
    const { values } = indexValues(doc, field);
    const next: unknown[][] = [];
    for (const combo of combos) for (const v of values) next.push([...combo, v]);
    combos = next;
  }
  return combos.map((values) => ({ key: values.map(canonicalKey).join('|'), values }));
}

/** Which documents hold each key of one unique index; built on first use, then kept in step by noteWrite. */
interface KeyIndex {
  spec: IndexSpec;
  owners: Map<string, Set<string>>;
}

// Per collection (its live document map, so a dropped and re-created collection starts afresh) and index name.
const keyIndexes = new WeakMap<ReadonlyMap<string, Doc>, Map<string, KeyIndex>>();

function keysOf(index: IndexSpec, doc: Doc): string[] {
  return isIndexed(index, doc) ? [...new Set(indexKeys(index, doc).map((k) => k.key))] : [];
}

function addKeys(keyIndex: KeyIndex, id: string, doc: Doc): void {
  for (const key of keysOf(keyIndex.spec, doc)) {
    const owners = keyIndex.owners.get(key);
    if (owners) owners.add(id);
    else keyIndex.owners.set(key, new Set([id]));
  }
}

function removeKeys(keyIndex: KeyIndex, id: string, doc: Doc): void {
  for (const key of keysOf(keyIndex.spec, doc)) {
    const owners = keyIndex.owners.get(key);
    owners?.delete(id);
    if (owners?.size === 0) keyIndex.owners.delete(key);
  }
}

function keyIndexFor(collection: ReadonlyMap<string, Doc>, spec: IndexSpec): KeyIndex {
  let perCollection = keyIndexes.get(collection);
  if (!perCollection) keyIndexes.set(collection, (perCollection = new Map()));
  let keyIndex = perCollection.get(spec.name);
  // A dropped and re-created index of the same name has a new spec object: rebuild.
  if (!keyIndex || keyIndex.spec !== spec) {
    keyIndex = { spec, owners: new Map() };
    for (const [id, doc] of collection) addKeys(keyIndex, id, doc);
    perCollection.set(spec.name, keyIndex);
  }
  return keyIndex;
}

/**
 * Throw E11000 if writing `doc` into `collection` would give any unique index a second entry for the same key.
 * `selfId` is the storage key of the document being replaced (an update never collides with itself).
 */
export function assertUniqueKeys(
  ns: string,
  indexes: readonly IndexSpec[],
  collection: ReadonlyMap<string, Doc>,
  doc: Doc,
  selfId?: string,
): void {
  for (const index of indexes) {
    if (!index.unique || index.name === '_id_' || !isIndexed(index, doc)) continue;
    const { owners } = keyIndexFor(collection, index);
    for (const { key, values } of indexKeys(index, doc)) {
      const holders = owners.get(key);
      if (holders && [...holders].some((id) => id !== selfId)) {
        const keyValue: Record<string, unknown> = {};
        Object.keys(index.key).forEach((field, i) => (keyValue[field] = values[i] ?? null));
        throw duplicateKeyError(ns, index, keyValue);
      }
    }
  }
}

/**
 * Record a completed write (insert: no `before`; delete: no `after`) in the key indexes built for `collection`.
 * Every change to a collection's documents must come through here, or later checks would use stale keys.
 */
export function noteWrite(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  id: string,
  before: Doc | undefined,
  after: Doc | undefined,
): void {
  const perCollection = keyIndexes.get(collection);
  if (!perCollection) return;
  for (const [name, keyIndex] of perCollection) {
    if (!indexes.includes(keyIndex.spec)) {
      perCollection.delete(name); // the index was dropped or replaced
      continue;
    }
    if (before) removeKeys(keyIndex, id, before);
    if (after) addKeys(keyIndex, id, after);
  }
}

/** The first duplicate among existing documents, for createIndexes with `unique: true` on a filled collection. */
export function findExistingDuplicate(
  ns: string,
  index: IndexSpec,
  collection: ReadonlyMap<string, Doc>,
): DuplicateKeyError | undefined {
  const seen = new Map<string, string>();
  for (const [id, doc] of collection) {
    if (!isIndexed(index, doc)) continue;
    const keys = new Map(indexKeys(index, doc).map((k) => [k.key, k.values]));
    for (const [key, values] of keys) {
      const owner = seen.get(key);
      if (owner !== undefined && owner !== id) {
        const keyValue: Record<string, unknown> = {};
        Object.keys(index.key).forEach((field, i) => (keyValue[field] = values[i] ?? null));
        return duplicateKeyError(ns, index, keyValue);
      }
      seen.set(key, id);
    }
  }
  return undefined;
}
