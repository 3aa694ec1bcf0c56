// fast-match.ts answers exactly as mingo does: every filter below runs through both over documents holding every
// kind of value a field can hold (missing, null, arrays, nested arrays, embedded documents, mixed types, Longs).
import { describe, expect, it } from 'vitest';
import type { Doc } from './bson-values';
import { Long, ObjectId, engine } from './engine';
import { compileFastMatcher, filterDocuments } from './fast-match';
import { countMatching, coveredCount, planSortedFind } from './query-plan';

const id = new ObjectId('64c000000000000000000001');
const other = new ObjectId('64c000000000000000000002');
const day = new Date(Date.UTC(2025, 0, 1));

const DOCS: Doc[] = [
  { _id: 1, name: '明前龙井茶 1号', onShelf: true, categoryId: id, n: 1, at: day },
  { _id: 2, name: '高山乌龙茶', onShelf: false, categoryId: other, n: 1.5, at: new Date(day.getTime() + 1) },
  { _id: 3, name: 'XD-RARE-7319 Tea', onShelf: true, categoryId: id.toHexString(), n: '1', at: day.toISOString() },
  { _id: 4, name: null, onShelf: null, categoryId: null, n: null, at: null },
  { _id: 5 },
  { _id: 6, name: ['茶杯', 'cup'], onShelf: [true], categoryId: [id], n: [1, 2], at: [day] },
  { _id: 7, name: [['龙井茶']], onShelf: [[true]], categoryId: [[id]], n: [[1]], at: [[day]] },
  { _id: 8, name: { zh: '茶' }, onShelf: 'true', categoryId: { id }, n: true, at: { day } },
  { _id: 9, name: 42, onShelf: 1, categoryId: 7, n: Long.fromNumber(1), at: 0 },
  { _id: 10, name: 'xd-rare-7319', onShelf: true, categoryId: new ObjectId(id.toHexString()), n: -0, at: day },
  { _id: 11, name: '', onShelf: false, n: 0, at: new Date(Number.NaN) },
  { _id: 12, name: 'line\nbreak 茶', onShelf: true, categoryId: other, n: Number.NaN },
  { _id: 13, r: [{ o: id, q: 1 }, { o: other, q: 3 }], p: [day, new Date(day.getTime() + 5)], stock: 2, onShelf: true },
  { _id: 14, r: [], p: [], stock: 0 },
  { _id: 15, r: [{}, { o: null, q: null }], p: [new Date(0)], stock: 1 },
  { _id: 16, r: [1, { o: id }], p: [[day]], stock: 5 },
  { _id: 17, r: { o: id, q: 2 }, p: { 0: day, 1: 'x' } },
  { _id: 18, r: [[{ o: id }]], p: [{ 0: day }] },
  { _id: 19, r: null, p: null, stock: null },
  { _id: 20, r: 'str', p: 'str', stock: '3' },
  { _id: 21, r: [{ o: [id, other] }, { o: { id } }], p: [day, 1, 'x'], stock: Long.fromNumber(4) },
  { _id: 22, r: [{ o: 'x', q: 2.5 }, { o: new ObjectId(id.toHexString()), q: -1 }], p: [new Date(Number.NaN)], stock: 1.5 },
];

const FILTERS: Doc[] = [
  { onShelf: true },
  { onShelf: false },
  { onShelf: { $eq: true } },
  { categoryId: id },
  { categoryId: id, onShelf: true },
  { categoryId: other, onShelf: true, name: { $regex: '茶', $options: 'i' } },
  { name: { $regex: '茶', $options: 'i' } },
  { name: { $regex: '茶' } },
  { name: { $regex: 'xd\\-rare\\-7319', $options: 'i' } },
  { name: { $regex: 'XD\\-RARE', $options: '' } },
  { name: { $regex: '^break', $options: 'm' } },
  { name: { $regex: 'line.break', $options: 's' } },
  { name: { $regex: '^$' } },
  { name: /cup/i },
  { name: '茶杯' },
  { name: 42 },
  { n: 1 },
  { n: 0 },
  { n: '1' },
  { n: true },
  { n: { $eq: 1.5 } },
  { at: day },
  { categoryId: { $in: [id, other] } },
  { categoryId: { $in: [other] }, onShelf: true },
  { categoryId: { $in: [] } },
  { n: { $in: [1, '1', true] } },
  { name: { $in: ['茶杯', 42, day] } },
  { at: { $in: [day, new Date(0)] } },
  { at: day, onShelf: true },
  { onShelf: true, name: { $regex: '龙井', $options: 'i' } },
  { n: { $ne: 1 } },
  { onShelf: { $ne: false } },
  { categoryId: { $ne: id } },
  { at: { $ne: day } },
  { n: { $gte: 1 } },
  { n: { $gt: 0, $lte: 1.5 } },
  { n: { $lt: 1 } },
  { at: { $lte: day } },
  { at: { $gt: new Date(0) } },
  { n: { $gte: 1 }, onShelf: { $ne: false }, _id: { $ne: 3 } },
  { name: { $exists: true } },
  { name: { $exists: false } },
  { $or: [{ n: { $lt: 1 } }, { n: { $exists: false } }] },
  { $or: [{ onShelf: true }, { name: { $regex: '茶' } }], n: { $ne: 1.5 } },
  { 'r.o': id },
  { 'r.o': { $ne: id } },
  { 'r.o': { $ne: 'x' } },
  { 'r.o': { $in: [id, 'x'] } },
  { 'r.q': { $gte: 2 } },
  { 'r.q': { $lt: 2 } },
  { 'p.0': { $lte: day } },
  { 'p.1': { $exists: false } },
  { 'p.0': { $exists: true } },
  { $or: [{ 'p.1': { $exists: false } }, { 'p.0': { $lte: day } }] },
  { _id: { $ne: 4 }, stock: { $gte: 1 }, 'r.o': { $ne: other }, onShelf: { $ne: false } },
  { 'r.o': { $exists: true } },
  // Shapes left to mingo whole: still the same answers.
  { n: { $ne: null } },
  { n: { $gt: '1' } },
  { $or: [] },
  { $or: [{ n: 1 }, { 'name.zh': { $exists: true } }] },
  { name: null },
  { n: Number.NaN },
  { 'name.zh': '茶' },
  { name: { $in: ['茶杯', null] } },
  { name: { $in: [/cup/] } },
  { $or: [{ n: 1 }, { onShelf: false }] },
  { name: { $regex: '茶', $options: 'i' }, n: { $ne: 1 } },
  {},
];

const ids = (docs: Doc[]) => docs.map((d) => d._id);

describe('fast-match', () => {
  it('filters exactly as mingo, in the same order', () => {
    for (const filter of FILTERS) expect(ids(filterDocuments(DOCS, filter)), JSON.stringify(filter)).toEqual(ids(engine.filter(DOCS, filter)));
  });

  it('answers the guards of compare-and-set writes directly, without compiling a mingo query', () => {
    const doc = (wanted: number) => DOCS.find((d) => d._id === wanted) as Doc;
    const reserve = compileFastMatcher({ _id: 13, onShelf: { $ne: false }, stock: { $gte: 1 }, 'r.o': { $ne: other } });
    expect(reserve?.(doc(13))).toBe(false); // already reserved for `other`
    const fresh = compileFastMatcher({ _id: 13, onShelf: { $ne: false }, stock: { $gte: 2 }, 'r.o': { $ne: new ObjectId() } });
    expect(fresh?.(doc(13))).toBe(true);
    expect(fresh?.(doc(14))).toBe(false); // stock 0
    const window = compileFastMatcher({ _id: 13, $or: [{ 'p.9999': { $exists: false } }, { 'p.0': { $lte: day } }] });
    expect(window?.(doc(13))).toBe(true);
    expect(compileFastMatcher({ $or: [{ n: { $lt: 1 } }, { n: { $exists: false } }], _id: 5 })?.(doc(5))).toBe(true);
    // Through an array of arrays, or to an array value: mingo's.
    expect(compileFastMatcher({ 'r.o': { $ne: other } })?.(doc(18))).toBeUndefined();
    expect(compileFastMatcher({ 'r.o': { $ne: id } })?.(doc(21))).toBeUndefined();
  });

  it('answers arrays, embedded documents and other BSON types through mingo', () => {
    const matcher = compileFastMatcher({ name: { $regex: '茶' }, n: 1 });
    expect(matcher?.(DOCS[5] as Doc)).toBeUndefined();
    expect(matcher?.(DOCS[8] as Doc)).toBe(false);
    expect(matcher?.(DOCS[0] as Doc)).toBe(true);
    expect(compileFastMatcher({ name: null })).toBeUndefined();
    expect(compileFastMatcher({ $and: [{ n: 1 }] })).toBeUndefined();
  });

  it('counts what mingo finds, with and without indexes', () => {
    const collection = new Map(DOCS.map((d) => [String(d._id), d]));
    const indexes = [
      { name: '_id_', key: { _id: 1 } },
      { name: 'onShelf_1_at_-1', key: { onShelf: 1, at: -1 } },
      { name: 'categoryId_1_onShelf_1', key: { categoryId: 1, onShelf: 1 } },
    ];
    for (const filter of FILTERS) {
      const expected = engine.filter(DOCS, filter).length;
      for (const withIndexes of [indexes, []]) {
        const counted = countMatching(collection, withIndexes, filter);
        if (counted !== undefined) expect(counted, JSON.stringify(filter)).toBe(expected);
      }
    }
    expect(countMatching(collection, indexes, { onShelf: true })).toBe(engine.filter(DOCS, { onShelf: true }).length);
  });

  it('counts plain equalities covering an index from the index alone, exactly as mingo counts', () => {
    const indexes = [
      { name: 'onShelf_1_at_-1', key: { onShelf: 1, at: -1 } },
      { name: 'categoryId_1_onShelf_1', key: { categoryId: 1, onShelf: 1 } },
    ];
    // A nested array makes the index irregular (mingo flattens one level only): then the documents are tested.
    const nested = new Map(DOCS.map((d) => [String(d._id), d]));
    expect(coveredCount(nested, indexes, { onShelf: true })).toBeUndefined();
    const regular = DOCS.filter((d) => d._id !== 7);
    const collection = new Map(regular.map((d) => [String(d._id), d]));
    const covered: Doc[] = [
      { onShelf: true },
      { onShelf: false },
      { onShelf: 'true' },
      { categoryId: id },
      { categoryId: id.toHexString() },
      { categoryId: other, onShelf: true },
      { onShelf: true, categoryId: id },
      { categoryId: new ObjectId(), onShelf: true },
    ];
    for (const filter of covered) {
      expect(coveredCount(collection, indexes, filter), JSON.stringify(filter)).toBe(engine.filter(regular, filter).length);
    }
    // Not covered: numbers, nulls, a field the index does not start with, operators.
    for (const filter of [{ n: 1 }, { onShelf: null }, { at: day }, { onShelf: { $eq: true } }, { name: '茶杯', onShelf: true }]) {
      expect(coveredCount(collection, indexes, filter), JSON.stringify(filter)).toBeUndefined();
    }
  });

  it('a sorted find over thousands of documents gives the page a scan gives, whether the walk finds a page or gives up', () => {
    const docs: Doc[] = Array.from({ length: 3_000 }, (_, i) => ({
      _id: i,
      // Ties on createdAt (ten per minute), an odd type now and then, one rare name.
      name: i === 1_234 ? 'XD-RARE-7319' : i % 97 === 0 ? ['茶', i] : i % 89 === 0 ? i : `明前龙井茶 ${i}号`,
      onShelf: i % 20 !== 0,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, Math.floor(i / 10))),
    }));
    const collection = new Map(docs.map((d) => [String(d._id), d]));
    const indexes = [
      { name: '_id_', key: { _id: 1 } },
      { name: 'onShelf_1_createdAt_-1', key: { onShelf: 1, createdAt: -1, _id: -1 } },
      { name: 'createdAt_-1', key: { createdAt: -1, _id: -1 } },
    ];
    const reads: Array<[Doc, Doc, number, number]> = [
      [{ onShelf: true }, { createdAt: -1, _id: -1 }, 20, 0],
      [{ onShelf: true, name: { $regex: '茶', $options: 'i' } }, { createdAt: -1, _id: -1 }, 20, 40],
      [{ onShelf: true, name: { $regex: 'xd\\-rare\\-7319', $options: 'i' } }, { createdAt: -1, _id: -1 }, 20, 0],
      [{ name: { $regex: '茶' } }, { createdAt: -1 }, 5, 2_900],
      [{ name: 2_937 }, { createdAt: 1 }, 3, 0],
      [{ name: 'nothing' }, { createdAt: -1 }, 20, 0],
    ];
    for (const [filter, sort, limit, skip] of reads) {
      const label = JSON.stringify([filter, sort, limit, skip]);
      const handed = planSortedFind(collection, indexes, filter, sort, skip + limit);
      expect(handed, label).toBeDefined();
      // What CongoDB's find then does with them (filter, sort, skip, limit), against a scan.
      const page = (from: Doc[]) => ids(engine.sort(engine.filter(from, filter), sort).slice(skip, skip + limit));
      expect(page(handed as Doc[]), label).toEqual(page(docs));
      // The documents handed over are exactly matches: CongoDB's find is told to skip its own filter.
      expect(ids(handed as Doc[]), label).toEqual(ids(engine.filter(handed as Doc[], filter)));
    }
  });
});
