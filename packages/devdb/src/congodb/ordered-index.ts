// An ordered index of one field of a collection: every document's value of the field, in MongoDB's sort order
// (compareBson: BSON type order, then value; strings in binary order) and, among equal values, in the
// collection's natural (insertion) order, which is the order CongoDB's stable sort leaves ties in. Ranges
// ($gt/$gte/$lt/$lte) and sorts on the first field of an index read it (query-plan.ts); key-index.ts builds it on
// first use and keeps it in step with every write.
//
// It is a sorted list cut into blocks of at most 2 × MAX_BLOCK entries (a flat B-tree): finding a position is two
// binary searches, and an insert or delete moves at most one block's entries.
import { compareBson, isPlainObject, type Doc } from './bson-values';

export interface OrderedEntry {
  /** The document's value of the field, exactly as CongoDB's sort reads it (undefined when missing). */
  key: unknown;
  /** The document's insertion sequence: its place in natural order. */
  seq: number;
  /** The document's storage key. */
  id: string;
}

/** A place in the list: block `b`, entry `i` (`b === blocks.length` is the end). */
export interface Position {
  b: number;
  i: number;
}

const MAX_BLOCK = 512;

/**
 * The value of `path` in `doc` as CongoDB's sort (QueryEngine.getNestedValue) and a range test (mingo) both
 * see it, or `irregular` when they may see it differently or the value has no place in a total order: an
 * array anywhere along the path (mingo matches ranges by element; the sort compares whole arrays), a step into
 * something that is not an embedded document, or NaN or an invalid Date (equal to everything of its type in both
 * comparisons).
 */
export function orderedKey(doc: Doc, path: string): { key: unknown; irregular: boolean } {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === undefined || current === null) return { key: undefined, irregular: false };
    if (!isPlainObject(current)) return { key: undefined, irregular: true };
    current = Object.prototype.hasOwnProperty.call(current, part) ? current[part] : undefined;
  }
  if (Array.isArray(current) || Number.isNaN(current) || (current instanceof Date && Number.isNaN(current.getTime()))) {
    return { key: undefined, irregular: true };
  }
  return { key: current, irregular: false };
}

export function compareEntries(a: OrderedEntry, b: OrderedEntry): number {
  return compareBson(a.key, b.key) || a.seq - b.seq;
}

export class OrderedIndex {
  /** Non-empty blocks whose concatenation is sorted by compareEntries. */
  private blocks: OrderedEntry[][] = [];
  /** Documents whose value has no single place in the order (see orderedKey): while any exist, nothing reads the index. */
  readonly irregular = new Set<string>();
  size = 0;

  constructor(readonly field: string) {}

  /** Build from entries in any order. */
  static from(field: string, entries: OrderedEntry[], irregular: Iterable<string>): OrderedIndex {
    const index = new OrderedIndex(field);
    entries.sort(compareEntries);
    for (let start = 0; start < entries.length; start += MAX_BLOCK) index.blocks.push(entries.slice(start, start + MAX_BLOCK));
    index.size = entries.length;
    for (const id of irregular) index.irregular.add(id);
    return index;
  }

  get usable(): boolean {
    return this.irregular.size === 0;
  }

  get start(): Position {
    return { b: 0, i: 0 };
  }

  get end(): Position {
    return { b: this.blocks.length, i: 0 };
  }

  /** The first position whose entry satisfies `pred`, which must be false then true along the order. */
  lowerBound(pred: (entry: OrderedEntry) => boolean): Position {
    const { blocks } = this;
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = blocks[mid] as OrderedEntry[];
      if (pred(block[block.length - 1] as OrderedEntry)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === blocks.length) return this.end;
    const block = blocks[lo] as OrderedEntry[];
    let a = 0;
    let z = block.length - 1;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (pred(block[mid] as OrderedEntry)) z = mid;
      else a = mid + 1;
    }
    return { b: lo, i: a };
  }

  /** How many entries lie from `from` (inclusive) to `to` (exclusive). */
  count(from: Position, to: Position): number {
    if (from.b > to.b || (from.b === to.b && from.i >= to.i)) return 0;
    if (from.b === to.b) return to.i - from.i;
    let n = (this.blocks[from.b] as OrderedEntry[]).length - from.i;
    for (let b = from.b + 1; b < to.b; b++) n += (this.blocks[b] as OrderedEntry[]).length;
    return n + to.i;
  }

  /** Entries from `from` (inclusive) to `to` (exclusive), in order. */
  *forward(from: Position, to: Position): Generator<OrderedEntry> {
    for (let b = from.b; b < to.b || (b === to.b && b < this.blocks.length); b++) {
      const block = this.blocks[b] as OrderedEntry[];
      const last = b === to.b ? to.i : block.length;
      for (let i = b === from.b ? from.i : 0; i < last; i++) yield block[i] as OrderedEntry;
    }
  }

  /** Entries from `to` (exclusive) back to `from` (inclusive), in reverse order. */
  *backward(from: Position, to: Position): Generator<OrderedEntry> {
    let b = to.b;
    let i = to.i;
    while (b > from.b || (b === from.b && i > from.i)) {
      if (i === 0) {
        b--;
        i = (this.blocks[b] as OrderedEntry[]).length;
        continue;
      }
      i--;
      yield (this.blocks[b] as OrderedEntry[])[i] as OrderedEntry;
    }
  }

  insert(entry: OrderedEntry): void {
    const { blocks } = this;
    this.size++;
    if (blocks.length === 0) {
      blocks.push([entry]);
      return;
    }
    let { b, i } = this.lowerBound((e) => compareEntries(e, entry) >= 0);
    if (b === blocks.length) {
      b = blocks.length - 1;
      i = (blocks[b] as OrderedEntry[]).length;
    }
    const block = blocks[b] as OrderedEntry[];
    if (i === block.length) block.push(entry);
    else block.splice(i, 0, entry);
    if (block.length > 2 * MAX_BLOCK) blocks.splice(b + 1, 0, block.splice(MAX_BLOCK));
  }

  /** Remove the entry equal to `entry` (same key and sequence); false if there is none. */
  remove(entry: OrderedEntry): boolean {
    const { b, i } = this.lowerBound((e) => compareEntries(e, entry) >= 0);
    const block = this.blocks[b];
    const found = block?.[i];
    if (!block || !found || found.seq !== entry.seq || found.id !== entry.id) return false;
    block.splice(i, 1);
    if (block.length === 0) this.blocks.splice(b, 1);
    this.size--;
    return true;
  }
}
