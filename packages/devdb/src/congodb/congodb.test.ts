// Unit tests of the pure parts of the CongoDB fixes; their effect through a real connection is pinned by
// conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { canonicalKey, compareBson, copyForUpdate, indexValues, sameValue } from './bson-values';
import { engine, Long, ObjectId } from './engine';
import { noteWrite, orderedIndexFor } from './key-index';
import { applyEnginePatches } from './patches';
import { applyPullPatch } from './pull';
import { compareEntries, OrderedIndex, orderedKey, type OrderedEntry } from './ordered-index';
import { CommandError, resolveArrayPaths } from './positional';
import { assertUniqueKeys, findExistingDuplicate, type IndexSpec } from './unique';

describe('canonicalKey', () => {
  it('equal exactly when MongoDB sees the same index key', () => {
    const id = new ObjectId();
    const same: Array<[unknown, unknown]> = [
      [1, 1.0],
      [1, Long.fromNumber(1)],
      [0, -0],
      [null, undefined],
      [new Date(5), new Date(5)],
      [id, new ObjectId(id.toHexString())],
      [{ a: 1, b: 'x' }, { a: 1, b: 'x' }],
    ];
    for (const [a, b] of same) expect(canonicalKey(a)).toBe(canonicalKey(b));
    const different: Array<[unknown, unknown]> = [
      [1, '1'],
      ['a', 'A'],
      [true, 1],
      [new Date(5), 5],
      [id.toHexString(), id],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [null, ''],
    ];
    for (const [a, b] of different) expect(canonicalKey(a)).not.toBe(canonicalKey(b));
  });
});

describe('sameValue', () => {
  it('agrees with canonicalKey, and answers shared values by reference', () => {
    const id = new ObjectId();
    const pairs: Array<[unknown, unknown]> = [
      [1, 1.0],
      [1, Long.fromNumber(1)],
      [0, -0],
      [null, undefined],
      [new Date(5), new Date(5)],
      [id, new ObjectId(id.toHexString())],
      [{ a: 1, b: ['x', { c: null }] }, { a: 1, b: ['x', { c: undefined }] }],
      [1, '1'],
      [[1, 2], [1, 2, 3]],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [[{ a: 1 }], { 0: { a: 1 } }],
      [new Date(5), 5],
    ];
    for (const [a, b] of pairs) expect(sameValue(a, b), JSON.stringify([a, b])).toBe(canonicalKey(a) === canonicalKey(b));
    const shared = { list: Array.from({ length: 1000 }, (_, i) => ({ i })) };
    expect(sameValue({ ...shared, n: 1 }, { ...shared, n: 1 })).toBe(true);
  });
});

describe('copyForUpdate', () => {
  it('copies the top-level fields an update names and shares the others', () => {
    const doc = { _id: 1, a: { b: [1] }, keep: { deep: [1] }, old: { x: 1 } };
    const copy = copyForUpdate(doc, { $set: { 'a.b.0': 2 }, $rename: { 'old.x': 'y' } });
    expect(copy).toEqual(doc);
    expect(Object.keys(copy)).toEqual(Object.keys(doc));
    expect(copy.keep).toBe(doc.keep);
    expect(copy.a).not.toBe(doc.a);
    expect((copy.a as typeof doc.a).b).not.toBe(doc.a.b);
    expect(copy.old).not.toBe(doc.old);
    expect(copyForUpdate(doc, { $set: 'not a document' } as never).keep).not.toBe(doc.keep);
  });

  it('copies an array a top-level $push/$pull changes as an array of the same elements, and nothing a $set replaces', () => {
    const doc = { _id: 1, reservations: [{ orderId: 1 }, { orderId: 2 }], status: { code: 'A' }, tags: ['x'] };
    const copy = copyForUpdate(doc, { $pull: { reservations: { orderId: 1 } }, $set: { status: { code: 'B' } }, $push: { 'tags.0': 'y' } });
    expect(copy.reservations).not.toBe(doc.reservations);
    expect(copy.reservations).toEqual(doc.reservations);
    expect((copy.reservations as unknown[])[0]).toBe(doc.reservations[0]);
    expect(copy.status).toBe(doc.status);
    expect(copy.tags).not.toBe(doc.tags); // a dotted path: deep
    expect(copyForUpdate(doc, { $inc: { 'reservations.0.orderId': 1 } }).reservations).not.toBe(doc.reservations);
    expect((copyForUpdate(doc, { $inc: { 'reservations.0.orderId': 1 } }).reservations as unknown[])[0]).not.toBe(doc.reservations[0]);
  });

  it('leaves the stored document as it was, whatever the operators do to the copy', () => {
    const stored = { _id: 1, list: [{ n: 1 }, { n: 2 }], nums: [3, 1, 2], name: 'a', obj: { k: [1] } };
    const before = JSON.stringify(stored);
    applyEnginePatches(); // as a server runs them: only the fields copyForUpdate copied are copies
    applyPullPatch();
    const updates = [
      { $push: { list: { $each: [{ n: 0 }], $sort: { n: 1 }, $slice: 2 }, nums: { $each: [0], $position: 0 } } },
      { $pull: { list: { n: 1 } }, $pop: { nums: 1 }, $addToSet: { nums: 9 } },
      { $pullAll: { nums: [1, 2] }, $set: { name: 'b', 'obj.k.0': 5 }, $unset: { list: '' } },
      { $rename: { name: 'renamed', obj: 'o2' }, $inc: { 'list.0.n': 10 } },
    ];
    for (const ops of updates) engine.applyUpdate(stored, ops);
    expect(JSON.stringify(stored)).toBe(before);
  });
});

describe('compareBson', () => {
  it('orders by BSON type, then value; strings in binary order', () => {
    const id = new ObjectId('000000000000000000000001');
    const values = [true, 'b', new Date(0), 2, null, 'B', id, { a: 1 }, [1], 10, 'a', false];
    const sorted = [...values].sort(compareBson);
    expect(sorted).toEqual([null, 2, 10, 'B', 'a', 'b', { a: 1 }, [1], id, false, true, new Date(0)]);
  });
});

describe('indexValues', () => {
  it('fans out over arrays along the path and tells a missing field from null', () => {
    const doc = { items: [{ sku: 'a' }, { sku: 'b' }, {}], tags: [], n: null };
    expect(indexValues(doc, 'items.sku')).toEqual({ values: ['a', 'b'], missing: false });
    expect(indexValues(doc, 'tags')).toEqual({ values: [undefined], missing: false });
    expect(indexValues(doc, 'n')).toEqual({ values: [null], missing: false });
    expect(indexValues(doc, 'absent')).toEqual({ values: [null], missing: true });
  });
});

describe('unique keys', () => {
  const index: IndexSpec = { name: 'a_1_b_1', key: { a: 1, b: 1 }, unique: true, sparse: true };
  const collection = new Map<string, Record<string, unknown>>([
    ['1', { _id: 1, a: 1, b: 1 }],
    ['2', { _id: 2 }],
  ]);

  it('compound sparse: skips documents missing every field, indexes documents missing some', () => {
    expect(() => assertUniqueKeys('db.c', [index], collection, { _id: 3 })).not.toThrow();
    expect(() => assertUniqueKeys('db.c', [index], collection, { _id: 3, a: 1, b: 1 })).toThrow(/E11000.*dup key: \{ a: 1, b: 1 \}/);
    expect(() => assertUniqueKeys('db.c', [index], collection, { _id: 1, a: 1, b: 1 }, '1')).not.toThrow();
  });

  it('multikey: any shared array element collides', () => {
    const tags: IndexSpec = { name: 'tags_1', key: { tags: 1 }, unique: true };
    const docs = new Map([['1', { _id: 1, tags: ['x', 'y'] }]]);
    expect(() => assertUniqueKeys('db.c', [tags], docs, { _id: 2, tags: ['z', 'y'] })).toThrow(/dup key: \{ tags: "y" \}/);
    expect(() => assertUniqueKeys('db.c', [tags], docs, { _id: 2, tags: ['z', 'z'] })).not.toThrow();
  });

  it('finds duplicates already in a collection', () => {
    const dup = new Map([
      ['1', { _id: 1, k: 'x' }],
      ['2', { _id: 2, k: 'x' }],
    ]);
    expect(findExistingDuplicate('db.c', { name: 'k_1', key: { k: 1 }, unique: true }, dup)?.keyValue).toEqual({ k: 'x' });
    const distinct = new Map([
      ['1', { _id: 1, k: 'x' }],
      ['2', { _id: 2, k: 'y' }],
    ]);
    expect(findExistingDuplicate('db.c', { name: 'k_1', key: { k: 1 }, unique: true }, distinct)).toBeUndefined();
    // Two documents without the field both index as null.
    expect(findExistingDuplicate('db.c', { name: 'k_1', key: { k: 1 }, unique: true }, collection)?.keyValue).toEqual({ k: null });
  });
});

describe('resolveArrayPaths', () => {
  const doc = { items: [{ sku: 'a', n: 1 }, { sku: 'b', n: 2 }, { sku: 'c', n: 3 }] };

  it('turns $, $[] and $[id] into concrete indexes', () => {
    expect(resolveArrayPaths({ $set: { 'items.$.n': 0 } }, doc, { 'items.sku': 'b' })).toEqual({ $set: { 'items.1.n': 0 } });
    expect(resolveArrayPaths({ $inc: { 'items.$[].n': 1 } }, doc, {})).toEqual({
      $inc: { 'items.0.n': 1, 'items.1.n': 1, 'items.2.n': 1 },
    });
    expect(resolveArrayPaths({ $set: { 'items.$[x].n': 9 } }, doc, {}, [{ 'x.n': { $gte: 2 } }])).toEqual({
      $set: { 'items.1.n': 9, 'items.2.n': 9 },
    });
    const plain = { $set: { a: 1 } };
    expect(resolveArrayPaths(plain, doc, {})).toBe(plain);
  });

  it("fails like MongoDB when $ has no match in the query or $[id] has no filter", () => {
    expect(() => resolveArrayPaths({ $set: { 'items.$.n': 0 } }, doc, { other: 1 })).toThrow(CommandError);
    expect(() => resolveArrayPaths({ $set: { 'items.$[x].n': 0 } }, doc, {})).toThrow(/No array filter found for identifier 'x'/);
    expect(() => resolveArrayPaths({ $set: { 'missing.$[].n': 0 } }, doc, {})).toThrow(/must exist/);
  });
});

describe('OrderedIndex', () => {
  // A small deterministic generator, so a failure repeats.
  let state = 42;
  const random = (n: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
  const KEYS: unknown[] = [undefined, null, -1, 0, 1.5, 2, Long.fromNumber(2), 'B', 'a', '', true, false, new Date(5), new Date(-5), new ObjectId()];

  it('stays sorted by (BSON order, natural order) through thousands of inserts and removes, across blocks', () => {
    const index = new OrderedIndex('k');
    const reference: OrderedEntry[] = [];
    let seq = 0;
    for (let step = 0; step < 6_000; step++) {
      if (reference.length > 0 && random(3) === 0) {
        const [gone] = reference.splice(random(reference.length), 1) as [OrderedEntry];
        expect(index.remove({ ...gone })).toBe(true);
      } else {
        const entry = { key: KEYS[random(KEYS.length)], seq: seq++, id: `d${seq}` };
        index.insert(entry);
        reference.push(entry);
      }
    }
    reference.sort(compareEntries);
    expect(index.size).toBe(reference.length);
    expect([...index.forward(index.start, index.end)]).toEqual(reference);
    expect([...index.backward(index.start, index.end)]).toEqual([...reference].reverse());
    expect(index.remove({ key: 'nope', seq: -1, id: 'x' })).toBe(false);
    // Bounds: every number from 0 up to (not including) 'a'.
    const from = index.lowerBound((e) => compareBson(e.key, 0) >= 0);
    const to = index.lowerBound((e) => compareBson(e.key, 'a') >= 0);
    const expected = reference.filter((e) => (typeof e.key === 'number' && e.key >= 0) || (typeof e.key === 'string' && e.key < 'a') || Long.isLong(e.key));
    expect(index.count(from, to)).toBe(expected.length);
    expect([...index.forward(from, to)]).toEqual(expected);
    expect([...index.backward(from, to)]).toEqual([...expected].reverse());
  });

  it('reads a value as CongoDB sorts it, or marks it irregular', () => {
    expect(orderedKey({ a: { b: 3 } }, 'a.b')).toEqual({ key: 3, irregular: false });
    expect(orderedKey({ a: null }, 'a.b')).toEqual({ key: undefined, irregular: false });
    expect(orderedKey({}, 'a')).toEqual({ key: undefined, irregular: false });
    expect(orderedKey({ a: [1] }, 'a').irregular).toBe(true);
    expect(orderedKey({ a: [{ b: 1 }] }, 'a.b').irregular).toBe(true);
    expect(orderedKey({ a: 'text' }, 'a.length').irregular).toBe(true);
    expect(orderedKey({ a: Number.NaN }, 'a').irregular).toBe(true);
    expect(orderedKey({ a: new Date(Number.NaN) }, 'a').irregular).toBe(true);
  });

  it('is kept in step by noteWrite, and dropped when no index starts with its field', () => {
    const collection = new Map<string, Record<string, unknown>>();
    const specs = [{ name: 'k_1', key: { k: 1 } }];
    const write = (id: string, after: Record<string, unknown> | undefined) => {
      const before = collection.get(id);
      if (after) collection.set(id, after);
      else collection.delete(id);
      noteWrite(collection, specs, id, before, after);
    };
    write('a', { k: 2 });
    const index = orderedIndexFor(collection, 'k');
    write('b', { k: 1 });
    write('c', { k: [1, 2] });
    expect(index.usable).toBe(false);
    write('c', { k: 1 });
    write('a', { k: 2.0 });
    write('d', {});
    write('b', undefined);
    expect(index.usable).toBe(true);
    expect([...index.forward(index.start, index.end)].map((e) => e.id)).toEqual(['d', 'c', 'a']);
    noteWrite(collection, [], 'e', undefined, { k: 0 });
    expect(orderedIndexFor(collection, 'k')).not.toBe(index);
  });
});
