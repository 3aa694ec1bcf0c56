// Which documents a query can match, answered from the collection's indexes where the query allows it, as a
// real server's planner would: equality and $in on an indexed field (`_id`, or a prefix of any index's
// fields), including through top-level $and/$or and `$elemMatch`; and $gt/$gte/$lt/$lte on the first field of
// an index (top level or in top-level $and), from that field's ordered index. The answer is a set of
// *candidates*: callers still filter them with the full query (mingo), so a lookup may return too much but
// never too little, and results are the same with or without an index. Anything else scans.
//
// A find that sorts on the first field of an index (or on exactly a prefix of a compound index) with a limit
// walks the ordered index instead (planSortedFind): it stops after `skip + limit` matches in sort order, so it
// never sorts the collection (a walk that finds almost nothing hands over every match instead, see WALK_BUDGET).
import { bsonType, canonicalKey, compareBson, isPlainObject, typeRank, type Doc } from './bson-values';
import { compileFastMatcher, filterDocuments, type FastMatcher } from './fast-match';
import { inNaturalOrder, keyIndexFor, orderedIndexFor, prefixKey, type IndexSpec, type KeyIndex } from './key-index';
import type { OrderedEntry, OrderedIndex, Position } from './ordered-index';

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
function lookup(collection: ReadonlyMap<string, Doc>, spec: IndexSpec, equalities: Equalities): ReadonlySet<string> | undefined {
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
  // One key and no irregular documents: the index's own set, read-only, instead of a copy (a list's
  // `onShelf: true` is most of the collection, copied on every page otherwise).
  if (combinations === 1 && index.irregular.size === 0) return map.get(prefixKey(prefix.map((values) => values[0]))) ?? new Set();
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
function lookupById(collection: ReadonlyMap<string, Doc>, equalities: Equalities): ReadonlySet<string> | undefined {
  const values = equalities.get('_id');
  if (!values) return undefined;
  return new Set(values.map(canonicalKey).filter((id) => collection.has(id)));
}

function smaller(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
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

// ---- ranges -------------------------------------------------------------------------------------------------

type RangeOp = '$gt' | '$gte' | '$lt' | '$lte';
const RANGE_OPS: readonly RangeOp[] = ['$gt', '$gte', '$lt', '$lte'];

/** The bounds every matching document's value of one path lies within. */
type Bounds = Array<{ op: RangeOp; value: unknown }>;

/**
 * Bound values an ordered index can stand for. mingo matches a range only by values of the bound's own type
 * (a number bound never matches a string, null or missing), and compares these types as compareBson does:
 * numbers and booleans by value, strings by code unit, dates by instant, ObjectIds by hex. (null bounds and
 * the rest scan.)
 */
function isRangeValue(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isNaN(value);
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  const t = bsonType(value);
  return t === 'ObjectId' || t === 'ObjectID';
}

/** The range conditions of plain fields and top-level `$and` (not `$or`, `$nor`, `$not` or `$elemMatch`). */
function rangesOf(filter: Doc, into: Map<string, Bounds> = new Map()): Map<string, Bounds> {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const sub of condition) if (isPlainObject(sub)) rangesOf(sub, into);
      continue;
    }
    if (key.startsWith('$') || !isOperatorObject(condition)) continue;
    for (const op of RANGE_OPS) {
      if (!(op in condition) || !isRangeValue(condition[op])) continue;
      const bounds = into.get(key) ?? [];
      bounds.push({ op, value: condition[op] });
      into.set(key, bounds);
    }
  }
  return into;
}

/** The ordered index of `field`, when an index of the collection starts with it and it can answer. */
function usableOrderedIndex(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], field: string): OrderedIndex | undefined {
  if (!indexes.some((spec) => Object.keys(spec.key)[0] === field)) return undefined;
  const index = orderedIndexFor(collection, field);
  return index.usable ? index : undefined;
}

/**
 * The part of `index` holding the values that meet every bound. Without arrays (which make the index unusable),
 * a document's one value must meet them all, so the part is the intersection of each bound's part; bounds of two
 * types meet nowhere.
 */
function boundedSlice(index: OrderedIndex, bounds: Bounds): { from: Position; to: Position } {
  const rank = typeRank(bounds[0]?.value);
  if (bounds.some((b) => typeRank(b.value) !== rank)) return { from: index.end, to: index.end };
  let from = index.lowerBound((e) => typeRank(e.key) >= rank);
  let to = index.lowerBound((e) => typeRank(e.key) > rank);
  for (const { op, value } of bounds) {
    if (op === '$gt' || op === '$gte') {
      const p = index.lowerBound(op === '$gt' ? (e) => compareBson(e.key, value) > 0 : (e) => compareBson(e.key, value) >= 0);
      if (index.count(from, p) > 0) from = p;
    } else {
      const p = index.lowerBound(op === '$lt' ? (e) => compareBson(e.key, value) >= 0 : (e) => compareBson(e.key, value) > 0);
      if (index.count(p, to) > 0) to = p;
    }
  }
  return { from, to };
}

interface Slice {
  index: OrderedIndex;
  from: Position;
  to: Position;
  size: number;
}

function rangeSlice(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], path: string, bounds: Bounds): Slice | undefined {
  const index = usableOrderedIndex(collection, indexes, path);
  if (!index) return undefined;
  const { from, to } = boundedSlice(index, bounds);
  return { index, from, to, size: index.count(from, to) };
}

function sliceIds(slice: Slice): Set<string> {
  const ids = new Set<string>();
  for (const entry of slice.index.forward(slice.from, slice.to)) ids.add(entry.id);
  return ids;
}

/** Candidates from a range on an indexed field, when one is smaller than `best` and than half the collection. */
function rangeCandidates(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  filter: Doc,
  best: ReadonlySet<string> | undefined,
  except?: string,
): ReadonlySet<string> | undefined {
  for (const [path, bounds] of rangesOf(filter)) {
    if (best && best.size <= 1) break;
    if (path === except) continue;
    const slice = rangeSlice(collection, indexes, path, bounds);
    if (!slice || slice.size >= (best?.size ?? collection.size / 2 + 1)) continue;
    best = sliceIds(slice);
  }
  return best;
}

function candidateIds(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  filter: Doc,
  ranges = false,
  /** A path whose range is not to be used (a sorted walk reads that range itself). */
  except?: string,
): ReadonlySet<string> | undefined {
  const equalities = equalitiesOf(filter);
  let best = smaller(orCandidates(collection, indexes, filter.$or), lookupById(collection, equalities));
  for (const spec of equalities.size > 0 ? indexes : []) {
    if (best && best.size <= 1) break;
    if (spec.name !== '_id_') best = smaller(best, lookup(collection, spec, equalities));
  }
  return ranges ? rangeCandidates(collection, indexes, filter, best, except) : best;
}

export interface Plan {
  /** The documents to filter with the query, in the collection's natural order. */
  documents: Doc[];
  /** Whether an index chose them (false: every document of the collection). */
  indexed: boolean;
}

export interface PlanOptions {
  /** Whether ranges may use ordered indexes (default true; a read with a collation scans them). */
  ranges?: boolean;
}

/** The documents of `collection` that `filter` may match: from an index when one applies, else all of them. */
export function planQuery(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], filter: Doc, options: PlanOptions = {}): Plan {
  const ids = Object.keys(filter).length > 0 ? candidateIds(collection, indexes, filter, options.ranges ?? true) : undefined;
  if (!ids) return { documents: [...collection.values()], indexed: false };
  const documents: Doc[] = [];
  for (const id of inNaturalOrder(collection, ids)) {
    const doc = collection.get(id);
    if (doc) documents.push(doc);
  }
  return { documents, indexed: true };
}

// ---- sorted reads --------------------------------------------------------------------------------------------

/** Below this many candidates, filtering and sorting them beats walking an ordered index. */
const SMALL_CANDIDATE_SET = 256;

/**
 * A walk that has met this many entries without a page of matches (a rare search) stops walking: testing every
 * candidate directly in natural order and letting CongoDB's find sort the few matches costs a fifth of walking
 * on (the walk's price is the index's order: a generator step and a key comparison per entry).
 */
const WALK_BUDGET = 1_024;

/** Every candidate (every document when there are none) that matches `filter`, in natural order. */
function matchesInNaturalOrder(collection: ReadonlyMap<string, Doc>, candidates: ReadonlySet<string> | undefined, filter: Doc, matcher: FastMatcher): Doc[] {
  const maybe: Doc[] = [];
  for (const [id, doc] of collection) if ((!candidates || candidates.has(id)) && matcher(doc) !== false) maybe.push(doc);
  return filterDocuments(maybe, filter, matcher);
}

/**
 * The sort's fields and directions, when an index serves it: one field that some index starts with, or several
 * fields that are exactly the first fields of a compound index with the same directions (or all reversed).
 */
function servedSort(indexes: readonly IndexSpec[], sort: unknown): Array<[string, 1 | -1]> | undefined {
  if (!isPlainObject(sort)) return undefined;
  const fields = Object.entries(sort);
  if (fields.length === 0 || fields.some(([f, d]) => f.startsWith('$') || (d !== 1 && d !== -1))) return undefined;
  const wanted = fields as Array<[string, 1 | -1]>;
  const [first] = wanted[0] as [string, 1 | -1];
  if (wanted.length === 1) return indexes.some((spec) => Object.keys(spec.key)[0] === first) ? wanted : undefined;
  const served = indexes.some((spec) => {
    const key = Object.entries(spec.key);
    if (key.length < wanted.length) return false;
    const flip = key[0]?.[1] === -wanted[0]![1] ? -1 : 1;
    return wanted.every(([f, d], i) => key[i]?.[0] === f && key[i]?.[1] === d * flip);
  });
  return served ? wanted : undefined;
}

/** Entries of `index` between `from` and `to` in the direction of the sort, equal keys in natural order. */
function* inSortOrder(index: OrderedIndex, from: Position, to: Position, direction: 1 | -1): Generator<OrderedEntry> {
  if (direction === 1) {
    yield* index.forward(from, to);
    return;
  }
  // Walking backwards meets equal keys newest first: hold each run of equal keys and give it back reversed.
  let run: OrderedEntry[] = [];
  for (const entry of index.backward(from, to)) {
    if (run.length > 0 && compareBson((run[0] as OrderedEntry).key, entry.key) !== 0) {
      for (let k = run.length - 1; k >= 0; k--) yield run[k] as OrderedEntry;
      run = [];
    }
    run.push(entry);
  }
  for (let k = run.length - 1; k >= 0; k--) yield run[k] as OrderedEntry;
}

/**
 * For a find with `sort` and `want` (= skip + limit) > 0: the documents to hand CongoDB's find, which filters,
 * sorts (a stable sort), skips and limits them. With an ordered index on the sort's first field these are the
 * first `want` matches in sort order (all matches of the last key too when the sort has more fields), found by
 * walking the index; otherwise undefined (plan with planQuery). Ties keep natural order, as a scan's sort does.
 */
export function planSortedFind(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  filter: Doc,
  sort: unknown,
  want: number,
): Doc[] | undefined {
  if (!(want > 0)) return undefined;
  const fields = servedSort(indexes, sort);
  if (!fields) return undefined;
  const [field, direction] = fields[0] as [string, 1 | -1];
  const index = usableOrderedIndex(collection, indexes, field);
  if (!index) return undefined;
  const filtered = Object.keys(filter).length > 0;
  const matcher = filtered ? compileFastMatcher(filter) : undefined;
  const candidates = filtered ? candidateIds(collection, indexes, filter, true, field) : undefined;
  // Few candidates: planQuery's plan (filter them, sort them) is cheaper than a walk.
  if (candidates && candidates.size <= Math.max(SMALL_CANDIDATE_SET, want)) return undefined;
  const bounds = filtered ? rangesOf(filter).get(field) : undefined;
  const { from, to } = bounds ? boundedSlice(index, bounds) : { from: index.start, to: index.end };

  const found: Array<{ doc: Doc; key: unknown }> = [];
  let batch: Array<{ doc: Doc; key: unknown }> = [];
  let batchSize = Math.max(32, want * 2);
  const settle = (): void => {
    if (batch.length === 0) return;
    if (filtered) {
      const matched = new Set(filterDocuments(batch.map((b) => b.doc), filter, matcher));
      for (const b of batch) if (matched.has(b.doc)) found.push(b);
    } else {
      found.push(...batch);
    }
    batch = [];
    batchSize = Math.min(batchSize * 2, 4096);
  };
  // With more sort fields, every match of the last key needed must be there for CongoDB's sort to order them.
  let boundary: { key: unknown } | undefined;
  let walked = 0;
  for (const entry of inSortOrder(index, from, to, direction)) {
    if (boundary && (fields.length === 1 || compareBson(entry.key, boundary.key) !== 0)) break;
    if (++walked > WALK_BUDGET && matcher && !boundary && found.length + batch.length < want) {
      return matchesInNaturalOrder(collection, candidates, filter, matcher);
    }
    if (candidates && !candidates.has(entry.id)) continue;
    const doc = collection.get(entry.id);
    // A plain no from the direct test skips the document here: a rare search walks the whole index.
    if (!doc || matcher?.(doc) === false) continue;
    batch.push({ doc, key: entry.key });
    if (batch.length >= batchSize) {
      settle();
      if (found.length >= want) boundary = { key: (found[want - 1] as { key: unknown }).key };
    }
  }
  settle();
  return found.map((f) => f.doc);
}

// ---- counts --------------------------------------------------------------------------------------------------

/** Condition values whose index key is equal exactly when mingo's equality is (numbers and dates are not: Longs, -0). */
function isExactKeyValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || bsonType(value) === 'ObjectId' || bsonType(value) === 'ObjectID';
}

/**
 * The count of a filter made only of plain equalities (`{categoryId: x, onShelf: true}`) that are exactly the
 * first fields of an index, read off the index as the size of that key's set: without irregular documents every
 * document with that key matches and no other does. Undefined when the filter or the index does not qualify.
 */
export function coveredCount(collection: ReadonlyMap<string, Doc>, indexes: readonly IndexSpec[], filter: Doc): number | undefined {
  const entries = Object.entries(filter);
  if (entries.length === 0 || entries.some(([path, value]) => path.startsWith('$') || path.includes('.') || path === '_id' || !isExactKeyValue(value))) return undefined;
  for (const spec of indexes) {
    const fields = Object.keys(spec.key).slice(0, entries.length);
    if (spec.partialFilterExpression || fields.length !== entries.length || !fields.every((f) => f in filter)) continue;
    const index = keyIndexFor(collection, spec);
    if (index.irregular.size > 0) continue;
    const map = index.byPrefix[fields.length - 1] as Map<string, Set<string>>;
    return map.get(prefixKey(fields.map((f) => filter[f])))?.size ?? 0;
  }
  return undefined;
}

/**
 * How many documents of `collection` match `filter`, without handing them to CongoDB's aggregation (which copies
 * and groups them): from the index alone when it covers the filter (coveredCount), else the index's candidates
 * each tested directly where fast-match.ts can (mingo otherwise). Only filters fast-match.ts knows, so that
 * counting never costs more than mingo would; undefined for the rest.
 */
export function countMatching(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  filter: Doc,
  plans?: { indexed: number; scanned: number },
): number | undefined {
  if (Object.keys(filter).length === 0) return collection.size;
  const covered = coveredCount(collection, indexes, filter);
  if (covered !== undefined) return covered;
  const matcher = compileFastMatcher(filter);
  if (!matcher) return undefined;
  const ids = candidateIds(collection, indexes, filter, true);
  // Counted as the candidates of any other query are (storage.plans), the covered counts above excepted.
  if (plans) plans[ids ? 'indexed' : 'scanned']++;
  let count = 0;
  const unsure: Doc[] = [];
  const tally = (doc: Doc): void => {
    const verdict = matcher(doc);
    if (verdict) count++;
    else if (verdict === undefined) unsure.push(doc);
  };
  if (ids) {
    for (const id of ids) {
      const doc = collection.get(id);
      if (doc) tally(doc);
    }
  } else {
    for (const doc of collection.values()) tally(doc);
  }
  return count + (unsure.length > 0 ? filterDocuments(unsure, filter).length : 0);
}
