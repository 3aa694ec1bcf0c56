// Unique index enforcement, which CongoDB 2.2.0 lacks: it stores `unique: true` and reports it in listIndexes,
// but never checks it. We check at the one place every write passes through — the storage adapter's
// insertOne/updateById (see storage.ts) — so inserts, updates, upserts, replacements, findAndModify, bulkWrite
// and aggregate $out/$merge are all covered. The check is synchronous and runs in the same turn as the write,
// which is what keeps it race-free: CongoDB executes each command without yielding to real I/O in between.
// Keys are looked up in the collection's key indexes (key-index.ts), the same maps reads use.
import type { Doc } from './bson-values';
import { indexKeys, isIndexed, keyIndexFor, type IndexSpec } from './key-index';

export type { IndexSpec };

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
    const owners = keyIndexFor(collection, index).byPrefix.at(-1);
    for (const { key, values } of indexKeys(index, doc)) {
      const holders = owners?.get(key);
      if (holders && [...holders].some((id) => id !== selfId)) {
        const keyValue: Record<string, unknown> = {};
        Object.keys(index.key).forEach((field, i) => (keyValue[field] = values[i] ?? null));
        throw duplicateKeyError(ns, index, keyValue);
      }
    }
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
