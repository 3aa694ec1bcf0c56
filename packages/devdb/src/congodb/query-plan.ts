// Which documents a query can match, answered from the collection's indexes where the query allows it, as a
// real server's planner would: equality and $in on an indexed field (`_id`, or a prefix of any index's
// fields), including through top-level $and/$or and `$elemMatch`. The answer is a set of *candidates*:
// callers still filter them with the full query (mingo), so a lookup may return too much but never too
// little, and results are the same with or without an index. Anything else scans.
import { bsonType, canonicalKey, isPlainObject, type Doc } from './bson-values';
import { inNaturalOrder, keyIndexFor, prefixKey, type IndexSpec, type KeyIndex } from './key-index';

/** Conditions a lookup can use: for each path, the values it must equal (one of). */
type Equalities = Map<string, unknown[]>;

/** Above this many key combinations (product of $in sizes) a lookup is not worth it. */
const MAX_COMBINATIONS = 1_000;

/**
 * Values an index lookup can stand for, because mingo's equality on them is the same as their canonical key:
 * strings, numbers, booleans, dates, ObjectIds and null. (Regular expressions, embedded documents and arrays
 * match in other ways; they scan.)
 */
function isLookupValue(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (value instanceof Date) return true;
  const t = bsonType(value);
  return t === 'ObjectId' || t === 'ObjectID';
}

function isOperatorObject(value: unknown): value is Doc {
  return isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** The values a condition on one path requires (`v`, `{ $eq: v }`, `{ $in: [...] }`), or undefined. */
function requiredValues(condition: unknown): unknown[] | undefined {
  if (!isOperatorObject(condition)) return isLookupValue(condition) ? [condition] : undefined;
  if ('$eq' in condition) return isLookupValue(condition.$eq) ? [condition.$eq] : undefined;
  const list = condition.$in;
  if (Array.isArray(list) && list.every(isLookupValue)) return list;
  return undefined;
}

function addEquality(into: Equalities, path: string, values: unknown[]): void {
  const known = into.get(path);
  // Two conditions on one path: either alone is a superset of the matches. (Not their common values: an array
  // field can hold one value for each condition.) The shorter list makes the cheaper lookup.
  if (!known || values.length < known.length) into.set(path, values);
}

/** The equalities every matching document meets, from plain fields, `$and` and `$elemMatch`. */
function equalitiesOf(filter: Doc, into: Equalities = new Map(), prefix = ''): Equalities {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition) && prefix === '') {
      for (const sub of condition) if (isPlainObject(sub)) equalitiesOf(sub, into);
      continue;
    }
    if (key.startsWith('$')) continue;
    const path = prefix + key;
    const values = requiredValues(condition);
    if (values) addEquality(into, path, values);
    // `items: { $elemMatch: { sku: 'x' } }`: some element has sku 'x', so the document has key 'x' in items.sku.
    const elemMatch = isOperatorObject(condition) ? condition.$elemMatch : undefined;
    if (isPlainObject(elemMatch) && !isOperatorObject(elemMatch)) equalitiesOf(elemMatch, into, `${path}.`);
  }
  return into;
}

/** Storage keys of the documents a lookup in `index` finds, or undefined when the index does not apply. */
function lookup(collection: ReadonlyMap<string, Doc>, spec: IndexSpec, equalities: Equalities): Set<string> | undefined {
  // A partial index leaves out documents the query may still match.
  if (spec.partialFilterExpression) return undefined;
  const fields = Object.keys(spec.key);
  if (fields.some((f) => f.split('.').some((part) => /^\d+$/.test(part)))) return undefined;
  const prefix: unknown[][] = [];
  let combinations = 1;
  for (const field of fields) {
    const values = equalities.get(field);
    if (!values) break;
    // null also matches a missing field; through arrays of documents mingo and the index see "missing"
    // differently, and a sparse index has no entry for it at all.
    const hasNull = values.some((v) => v === null);
    if (hasNull && (field.includes('.') || spec.sparse)) break;
    if (combinations * values.length > MAX_COMBINATIONS) break;
    combinations *= values.length;
    prefix.push(values);
  }
  if (prefix.length === 0) return undefined;
  const index: KeyIndex = keyIndexFor(collection, spec);
  const map = index.byPrefix[prefix.length - 1] as Map<string, Set<string>>;
  const found = new Set<string>(index.irregular);
  const visit = (chosen: unknown[], depth: number): void => {
    if (depth === prefix.length) {
      for (const id of map.get(prefixKey(chosen)) ?? []) found.add(id);
      return;
    }
    for (const v of prefix[depth] as unknown[]) visit([...chosen, v], depth + 1);
  };
  visit([], 0);
  return found;
}

/** Candidates from the `_id` index, which is the collection map itself (keyed by canonical `_id`). */
function lookupById(collection: ReadonlyMap<string, Doc>, equalities: Equalities): Set<string> | undefined {
  const values = equalities.get('_id');
  if (!values) return undefined;
  return new Set(values.map(canonicalKey).filter((id) => collection.has(id)));
}

function smaller(a: Set<string> | undefined, b: Set<string> | undefined): Set<string> | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.size < a.size ? b : a;
}

/** Candidates of a top-level `$or`: the union of its branches, when every branch can use an index. */
function orCandidates(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], branches: unknown): Set<string> | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const union = new Set<string>();
  for (const branch of branches) {
    const ids = isPlainObject(branch) ? candidateIds(collection, indexes, branch) : undefined;
    if (!ids) return undefined;
    for (const id of ids) union.add(id);
  }
  return union;
}

function candidateIds(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], filter: Doc): Set<string> | undefined {
  const equalities = equalitiesOf(filter);
  let best = smaller(orCandidates(collection, indexes, filter.$or), lookupById(collection, equalities));
  if (equalities.size === 0) return best;
  for (const spec of indexes) {
    if (best && best.size <= 1) break;
    if (spec.name !== '_id_') best = smaller(best, lookup(collection, spec, equalities));
  }
  return best;
}

export interface Plan {
  /** The documents to filter with the query, in the collection's natural order. */
  documents: Doc[];
  /** Whether an index chose them (false: every document of the collection). */
  indexed: boolean;
}

/** The documents of `collection` that `filter` may match: from an index when one applies, else all of them. */
export function planQuery(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], filter: Doc): Plan {
  const ids = Object.keys(filter).length > 0 ? candidateIds(collection, indexes, filter) : undefined;
  if (!ids) return { documents: [...collection.values()], indexed: false };
  const documents: Doc[] = [];
  for (const id of inNaturalOrder(collection, ids)) {
    const doc = collection.get(id);
    if (doc) documents.push(doc);
  }
  return { documents, indexed: true };
}
