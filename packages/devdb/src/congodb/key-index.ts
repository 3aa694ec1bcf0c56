// The hash indexes of a collection: for every index the collection declares, a map from key to the storage
// keys (canonical `_id`s) of the documents holding it, for each prefix of a compound index. Unique checks
// (unique.ts) and reads (query-plan.ts) use the same maps. They are built from the documents on first use and
// then kept in step by noteWrite, which every write to a collection's documents calls (storage.ts). The same
// goes for the ordered indexes of the first field of each index (ordered-index.ts), which ranges and sorts read.
import { canonicalKey, compareBson, indexValues, isPlainObject, type Doc } from './bson-values';
import { engine } from './engine';
import { OrderedIndex, orderedKey, type OrderedEntry } from './ordered-index';

export interface IndexSpec {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface KeyIndex {
  spec: IndexSpec;
  fields: string[];
  /** `byPrefix[n - 1]`: the key of a document's first n fields → the documents holding it. */
  byPrefix: Array<Map<string, Set<string>>>;
  /**
   * Documents whose key values cannot stand for every way mingo may match them: nested arrays along the path
   * (mingo flattens one level), or an array of documents some of which lack the field (a null/missing branch).
   * Reads add them to every lookup, so an index lookup never misses a document a scan would find.
   */
  irregular: Set<string>;
}

/**
 * Per collection: its key indexes by name, its ordered indexes by field (the first field of an index), and each
 * document's insertion sequence (the collection's natural order).
 */
interface CollectionState {
  indexes: Map<string, KeyIndex>;
  ordered: Map<string, OrderedIndex>;
  sequence: Map<string, number>;
  nextSequence: number;
}

// Keyed by the collection's live document map, so a dropped and re-created collection starts afresh.
const states = new WeakMap<ReadonlyMap<string, Doc>, CollectionState>();

function stateOf(collection: ReadonlyMap<string, Doc>): CollectionState {
  let state = states.get(collection);
  if (!state) {
    state = { indexes: new Map(), ordered: new Map(), sequence: new Map(), nextSequence: 0 };
    for (const id of collection.keys()) state.sequence.set(id, state.nextSequence++);
    states.set(collection, state);
  }
  return state;
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

/** The lookup key of the values of an index's first fields (the same string indexKeys builds). */
export function prefixKey(values: readonly unknown[]): string {
  return values.map(canonicalKey).join('|');
}

/** True when mingo may match `doc` on `path` by a value its index keys do not show (see KeyIndex.irregular). */
function isIrregular(doc: unknown, path: string): boolean {
  const walk = (current: unknown, parts: readonly string[]): boolean => {
    if (Array.isArray(current)) {
      if (current.some((el) => Array.isArray(el))) return true;
      if (parts.length === 0) return false;
      const withField = current.filter((el) => isPlainObject(el) && parts[0] as string in el);
      if (withField.length > 0 && withField.length < current.length) return true;
      return current.some((el) => walk(el, parts));
    }
    if (parts.length === 0 || !isPlainObject(current)) return false;
    const [head, ...rest] = parts as [string, ...string[]];
    return head in current && walk(current[head], rest);
  };
  return walk(doc, path.split('.'));
}

function addDoc(index: KeyIndex, id: string, doc: Doc): void {
  if (!isIndexed(index.spec, doc)) return;
  const keys = indexKeys(index.spec, doc);
  index.byPrefix.forEach((map, n) => {
    for (const key of new Set(keys.map((k) => prefixKey(k.values.slice(0, n + 1))))) {
      const owners = map.get(key);
      if (owners) owners.add(id);
      else map.set(key, new Set([id]));
    }
  });
  if (index.fields.some((f) => isIrregular(doc, f))) index.irregular.add(id);
}

/** Each prefix's keys of `doc` in `index` (none when the index leaves it out). */
function prefixKeysOf(index: KeyIndex, doc: Doc): Array<Set<string>> {
  if (!isIndexed(index.spec, doc)) return index.byPrefix.map(() => new Set());
  const keys = indexKeys(index.spec, doc);
  return index.byPrefix.map((_, n) => new Set(keys.map((k) => prefixKey(k.values.slice(0, n + 1)))));
}

/**
 * Moves an updated document in `index`: only the keys it lost and gained change, so an update of one entry of
 * a long array (a multikey index) leaves the other entries' keys where they are.
 */
function moveDoc(index: KeyIndex, id: string, before: Doc, after: Doc): void {
  const was = prefixKeysOf(index, before);
  const now = prefixKeysOf(index, after);
  index.byPrefix.forEach((map, n) => {
    for (const key of was[n]!) {
      if (now[n]!.has(key)) continue;
      const owners = map.get(key);
      owners?.delete(id);
      if (owners?.size === 0) map.delete(key);
    }
    for (const key of now[n]!) {
      if (was[n]!.has(key)) continue;
      const owners = map.get(key);
      if (owners) owners.add(id);
      else map.set(key, new Set([id]));
    }
  });
  if (isIndexed(index.spec, after) && index.fields.some((f) => isIrregular(after, f))) index.irregular.add(id);
  else index.irregular.delete(id);
}

/**
 * True when an update cannot have moved `doc` in an index of `fields`: each field's top-level value is the very
 * same object or value (updates share what they leave alone; see copyForUpdate). A partial index depends on
 * other fields too, so it never counts as untouched.
 */
function untouched(fields: readonly string[], before: Doc, after: Doc, partial: boolean): boolean {
  if (partial) return false;
  for (const field of fields) {
    const dot = field.indexOf('.');
    const top = dot < 0 ? field : field.slice(0, dot);
    if (before[top] !== after[top] || (top in before) !== (top in after)) return false;
  }
  return true;
}

function removeDoc(index: KeyIndex, id: string, doc: Doc): void {
  if (!isIndexed(index.spec, doc)) return;
  const keys = indexKeys(index.spec, doc);
  index.byPrefix.forEach((map, n) => {
    for (const key of new Set(keys.map((k) => prefixKey(k.values.slice(0, n + 1))))) {
      const owners = map.get(key);
      owners?.delete(id);
      if (owners?.size === 0) map.delete(key);
    }
  });
  index.irregular.delete(id);
}

/** The key index of `spec` on `collection`, built from its documents on first use. */
export function keyIndexFor(collection: ReadonlyMap<string, Doc>, spec: IndexSpec): KeyIndex {
  const state = stateOf(collection);
  let index = state.indexes.get(spec.name);
  // A dropped and re-created index of the same name has a new spec object: rebuild.
  if (!index || index.spec !== spec) {
    const fields = Object.keys(spec.key);
    index = { spec, fields, byPrefix: fields.map(() => new Map()), irregular: new Set() };
    for (const [id, doc] of collection) addDoc(index, id, doc);
    state.indexes.set(spec.name, index);
  }
  return index;
}

/**
 * The ordered index of `field` on `collection` (every document, whatever the index options: sparse and partial
 * indexes still declare the field indexed), built on first use. The caller checks that an index of the
 * collection starts with `field`; while none does, writes drop it (see noteWrite).
 */
export function orderedIndexFor(collection: ReadonlyMap<string, Doc>, field: string): OrderedIndex {
  const state = stateOf(collection);
  let index = state.ordered.get(field);
  if (!index) {
    const entries: OrderedEntry[] = [];
    const irregular: string[] = [];
    for (const [id, doc] of collection) {
      const { key, irregular: odd } = orderedKey(doc, field);
      if (odd) irregular.push(id);
      else entries.push({ key, seq: state.sequence.get(id) ?? 0, id });
    }
    index = OrderedIndex.from(field, entries, irregular);
    state.ordered.set(field, index);
  }
  return index;
}

/** Move a written document in `index`; false if its old entry was not there (the index is then out of step). */
function updateOrdered(index: OrderedIndex, id: string, seq: number, before: Doc | undefined, after: Doc | undefined): boolean {
  const was = before ? orderedKey(before, index.field) : undefined;
  const now = after ? orderedKey(after, index.field) : undefined;
  // Keys equal in the order (1 and 1.0, null and missing) keep their place.
  if (was && now && was.irregular === now.irregular && (was.irregular || compareBson(was.key, now.key) === 0)) return true;
  if (was) {
    if (was.irregular) index.irregular.delete(id);
    else if (!index.remove({ key: was.key, seq, id })) return false;
  }
  if (now) {
    if (now.irregular) index.irregular.add(id);
    else index.insert({ key: now.key, seq, id });
  }
  return true;
}

/** Storage keys in the collection's natural (insertion) order, which is the order a scan returns them in. */
export function inNaturalOrder(collection: ReadonlyMap<string, Doc>, ids: Iterable<string>): string[] {
  const { sequence } = stateOf(collection);
  return [...ids].sort((a, b) => (sequence.get(a) ?? 0) - (sequence.get(b) ?? 0));
}

/**
 * Record a completed write (insert: no `before`; delete: no `after`) in the key indexes built for `collection`.
 * Every change to a collection's documents must come through here, or later lookups would use stale keys.
 */
export function noteWrite(
  collection: ReadonlyMap<string, Doc>,
  indexes: readonly IndexSpec[],
  id: string,
  before: Doc | undefined,
  after: Doc | undefined,
): void {
  const state = states.get(collection);
  if (!state) return;
  if (!before && after) state.sequence.set(id, state.nextSequence++);
  const seq = state.sequence.get(id) ?? 0;
  if (before && !after) state.sequence.delete(id);
  for (const [field, index] of state.ordered) {
    // Dropped when no index starts with the field any more, or (never expected) when out of step: the next
    // read that wants it builds it afresh from the documents.
    if (!indexes.some((spec) => Object.keys(spec.key)[0] === field)) state.ordered.delete(field);
    else if (before && after && untouched([field], before, after, false)) continue;
    else if (!updateOrdered(index, id, seq, before, after)) state.ordered.delete(field);
  }
  for (const [name, index] of state.indexes) {
    if (!indexes.includes(index.spec)) {
      state.indexes.delete(name); // the index was dropped or replaced
      continue;
    }
    if (before && after) {
      if (!untouched(index.fields, before, after, index.spec.partialFilterExpression !== undefined)) moveDoc(index, id, before, after);
      continue;
    }
    if (before) removeDoc(index, id, before);
    if (after) addDoc(index, id, after);
  }
}
