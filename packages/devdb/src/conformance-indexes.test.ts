// Conformance: indexes change how fast a query is answered, never what it answers. Every query shape the API
// uses (and the awkward cases around them: arrays, nulls, missing fields, mixed types, $elemMatch) runs against
// two collections holding the same documents, one with the API's kinds of indexes and one with none; the
// results must be the same, before and after writes that move documents between index keys.
// Runs against the embedded server, or against MONGODB_URI like conformance.test.ts.
import { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, type ConformanceDb } from './test-fixtures/conformance-db';

type Doc = Record<string, unknown>;

let db: ConformanceDb;
let conn: Connection;

beforeAll(async () => {
  db = await openConformanceDb('conformance_indexes');
  conn = db.conn;
});

afterAll(async () => {
  await db.close();
});

const ids = Array.from({ length: 40 }, (_, i) => new Types.ObjectId(`64b000000000000000000${String(i).padStart(3, '0')}`));
const users = [new Types.ObjectId('64a000000000000000000001'), new Types.ObjectId('64a000000000000000000002')];
const at = (minute: number): Date => new Date(Date.UTC(2025, 0, 1, 0, minute));

/** Documents that exercise every way an index key can differ from a plain value. */
function seed(): Doc[] {
  return [
    { status: 'PAID', stage: 'PLACED', userId: users[0], createdAt: at(1), nextSyncAt: at(10), outTradeNo: 'T1', n: 1, paidAt: at(4) },
    { status: 'PREPAID', stage: 'PLACED', userId: users[0], createdAt: at(2), nextSyncAt: at(5), outTradeNo: 'T2', n: 1.5, paidAt: null },
    { status: 'CREATED', stage: 'RESERVING', userId: users[1], createdAt: at(3), outTradeNo: 'T3', transactionId: 'W3', n: 2 },
    { status: null, stage: 'PLACED', userId: users[1], createdAt: at(4), outTradeNo: 'T4', n: '1', paidAt: at(4) },
    { stage: 'PLACED', createdAt: at(5), outTradeNo: 'T5', n: 0 },
    { status: ['PAID', 'CLOSED'], stage: 'PLACED', createdAt: at(6), outTradeNo: 'T6' },
    { status: [], createdAt: at(7), outTradeNo: 'T7' },
    { status: [['PAID']], createdAt: at(8), outTradeNo: 'T8' },
    { status: [null, 'CREATED'], createdAt: at(9), outTradeNo: 'T9' },
    { status: 'paid', createdAt: at(10), outTradeNo: 'T10', n: -0, paidAt: at(9) },
    { status: 'PAID', tags: ['a', 'b'], items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }], outTradeNo: 'T11', createdAt: at(11) },
    { tags: 'a', items: [{ sku: 'a', qty: 3 }, { qty: 2 }], outTradeNo: 'T12', createdAt: at(12) },
    { tags: [['a']], items: [{ sku: ['a', 'c'], qty: 1 }], outTradeNo: 'T13', createdAt: at(13) },
    { items: [{ sku: null, qty: 1 }], outTradeNo: 'T14', createdAt: at(14) },
    { items: [], outTradeNo: 'T15', createdAt: at(15) },
    { items: [[{ sku: 'a' }]], outTradeNo: 'T16', createdAt: at(16) },
    { items: { sku: 'a', qty: 7 }, outTradeNo: 'T17', createdAt: at(17) },
    { shipping: { upload: { status: 'PENDING', nextAttemptAt: at(1) } }, outTradeNo: 'T18', createdAt: at(18) },
    { shipping: { upload: { status: 'PENDING', nextAttemptAt: at(30) } }, outTradeNo: 'T19', createdAt: at(19) },
    { shipping: { upload: { status: 'DONE' } }, outTradeNo: 'T20', createdAt: at(20) },
    { shipping: [{ upload: { status: 'PENDING' } }, { upload: {} }], outTradeNo: 'T21', createdAt: at(21) },
    { status: 'PAID', createdAt: 'not a date', outTradeNo: 'T22', transactionId: null, paidAt: 'yesterday' },
    { status: 'REFUNDED', createdAt: at(1), outTradeNo: 'T23', orderId: ids[0], paidAt: at(2) },
    { status: 'PAID', createdAt: at(1), outTradeNo: 'T24', orderId: ids[1], n: 1, paidAt: at(4) },
    { items: [{ sku: [['a']] }], outTradeNo: 'T25', createdAt: at(25) },
    { status: 'CLOSED', shipping: { upload: [{ status: 'PENDING' }, { status: [['DONE']] }] }, outTradeNo: 'T26' },
    // Ranges and sorts: expiring orders, ties, numbers of every width, a date before 1970, and a plain object.
    { status: 'PENDING_PAYMENT', stage: 'PLACED', createdAt: at(27), expiresAt: at(40), outTradeNo: 'T27', n: 2, paidAt: 17 },
    { status: 'PENDING_PAYMENT', stage: 'PLACED', createdAt: at(27), expiresAt: at(20), outTradeNo: 'T28', n: -5, transactionId: 'W28' },
    { status: 'PENDING_PAYMENT', stage: 'PLACED', createdAt: at(27), expiresAt: null, outTradeNo: 'T29', n: 1e20, paidAt: at(9) },
    { status: 'PAID', stage: 'PLACED', createdAt: new Date(-86_400_000), outTradeNo: 'T30', n: 0.5, paidAt: new Date(-1), transactionId: 'W30' },
    { status: 'PAID', createdAt: { at: at(1) }, outTradeNo: 'T31', n: true, paidAt: at(100), orderId: ids[2] },
  ].map((doc, i) => ({ _id: ids[i], ...doc }));
}

const INDEXES: Array<[Doc, Doc?]> = [
  [{ outTradeNo: 1 }, { unique: true }],
  [{ status: 1, nextSyncAt: 1 }],
  [{ stage: 1, createdAt: 1 }],
  [{ userId: 1, createdAt: -1 }],
  [{ tags: 1 }],
  [{ 'items.sku': 1 }],
  [{ 'shipping.upload.status': 1, 'shipping.upload.nextAttemptAt': 1 }],
  [{ transactionId: 1 }, { sparse: true }],
  [{ n: 1 }],
  [{ orderId: 1 }],
  [{ createdAt: -1 }],
  [{ status: 1, expiresAt: 1 }],
  [{ paidAt: 1 }],
];

let pairCount = 0;
/** Two collections with the same documents: [with the indexes, without]. */
async function pair(): Promise<[ReturnType<Connection['collection']>, ReturnType<Connection['collection']>]> {
  const n = ++pairCount;
  const indexed = conn.collection(`indexed_${n}`);
  const plain = conn.collection(`plain_${n}`);
  for (const [key, options] of INDEXES) await indexed.createIndex(key as never, options ?? {});
  await indexed.insertMany(seed() as never[]);
  await plain.insertMany(seed() as never[]);
  return [indexed, plain];
}

const QUERIES: Doc[] = [
  { _id: ids[3] },
  { _id: { $in: [ids[1], ids[5], new Types.ObjectId()] } },
  { _id: ids[0], status: 'PAID' },
  { _id: ids[0], status: 'CREATED' },
  { _id: ids[2]!.toHexString() },
  { status: 'PAID' },
  { status: 'paid' },
  { status: { $eq: 'PAID' } },
  { status: { $in: ['CREATED', 'PREPAID'] } },
  { status: { $in: ['PREPAID', 'PAID'] }, nextSyncAt: { $lte: at(6) } },
  { status: 'PREPAID', nextSyncAt: { $lte: at(6) } },
  { status: null },
  { status: { $in: [null, 'PAID'] } },
  { status: { $ne: 'PAID' } },
  { status: { $exists: false } },
  { status: /^P/ },
  { $and: [{ status: 'PAID' }, { status: 'CLOSED' }] },
  { $and: [{ status: { $in: ['PAID', 'CREATED'] } }, { status: { $in: ['CREATED'] } }] },
  { stage: 'PLACED' },
  { stage: 'RESERVING', createdAt: { $lte: at(10) } },
  { stage: 'PLACED', status: { $ne: 'PENDING_PAYMENT' }, stockSettled: { $exists: false } },
  { userId: users[0], stage: 'PLACED' },
  { userId: { $in: users } },
  { tags: 'a' },
  { tags: ['a', 'b'] },
  { tags: { $in: ['b', 'z'] } },
  { tags: null },
  { 'items.sku': 'a' },
  { 'items.sku': 'c' },
  { 'items.sku': null },
  { 'items.sku': { $in: ['b', null] } },
  { items: { $elemMatch: { sku: 'a', qty: { $gte: 2 } } } },
  { items: { $elemMatch: { sku: 'a' } } },
  { items: { $elemMatch: { sku: null } } },
  { 'shipping.upload.status': 'PENDING', 'shipping.upload.nextAttemptAt': { $lte: at(10) } },
  { 'shipping.upload.status': 'PENDING' },
  { 'shipping.upload.status': 'DONE' },
  { 'shipping.upload.status': null },
  { transactionId: 'W3' },
  { transactionId: null },
  { transactionId: { $exists: true } },
  { $or: [{ outTradeNo: 'T3' }, { transactionId: 'W3' }, { outTradeNo: 'T9' }] },
  { $or: [{ outTradeNo: 'T1' }, { status: /^C/ }] },
  { orderId: ids[0], $or: [{ status: 'REFUNDED' }, { reservedAt: { $exists: true } }] },
  { $or: [{ orderId: ids[1] }, { outTradeNo: { $in: ['T2', 'T3'] } }] },
  { n: 1 },
  { n: 1.5 },
  { n: '1' },
  { n: 0 },
  { n: { $in: [1, '1', 2] } },
  { createdAt: at(1) },
  { createdAt: { $gte: at(5), $lt: at(12) } },
  { outTradeNo: 'T7' },
  { outTradeNo: { $in: ['T1', 'T2', 'nope'] }, status: 'PAID' },
  // Ranges: on the first field of an index they read its ordered index (with mixed types, nulls and missing
  // fields in the collection); through arrays, in $or, or on a later field of an index they scan.
  { createdAt: { $lte: at(3) } },
  { createdAt: { $gt: at(20) } },
  { createdAt: { $lt: at(0) } },
  { createdAt: { $gte: 'a' } },
  { createdAt: { $gte: '' } },
  { createdAt: { $gte: at(5), $lt: 'z' } },
  { createdAt: { $gt: at(2), $gte: at(1), $lte: at(27), $lt: at(40) } },
  { createdAt: { $gte: at(27), $lte: at(27) } },
  { createdAt: { $gt: at(27), $lt: at(27) } },
  { $and: [{ createdAt: { $gte: at(3) } }, { createdAt: { $lt: at(9) } }] },
  { createdAt: { $gte: at(5) }, stage: 'PLACED' },
  { stage: 'PLACED', createdAt: { $gte: at(1), $lt: at(6) } },
  { stage: 'RESERVING', createdAt: { $lte: at(30) } },
  { createdAt: { $lte: at(30) }, status: { $ne: 'PAID' } },
  { createdAt: { $not: { $gte: at(5) } } },
  { n: { $gt: 0 } },
  { n: { $gte: 0 } },
  { n: { $lte: -0 } },
  { n: { $lt: 2 } },
  { n: { $gte: '0' } },
  { n: { $lte: 1, $gt: -1 } },
  { n: { $gte: 1e19 } },
  { n: { $gte: false } },
  { n: { $gt: false } },
  { n: { $gte: null } },
  { paidAt: { $gte: at(3) }, status: { $in: ['PAID', 'REFUNDED'] } },
  { status: 'PAID', paidAt: { $gte: at(3), $lt: at(9) } },
  { paidAt: { $gte: at(0) } },
  { paidAt: { $lt: at(100) } },
  { paidAt: { $lte: at(100) } },
  { paidAt: { $gt: 0 } },
  { paidAt: { $lt: 'z' } },
  { status: 'PENDING_PAYMENT', stage: 'PLACED', expiresAt: { $lte: at(30) } },
  { status: 'PENDING_PAYMENT', expiresAt: { $gt: at(30) } },
  { status: 'PREPAID', nextSyncAt: { $lte: at(30) } },
  { 'shipping.upload.status': 'PENDING', 'shipping.upload.nextAttemptAt': { $lte: at(40) } },
  { transactionId: { $gte: 'W' } },
  { transactionId: { $lt: 'W4' } },
  { orderId: { $gt: ids[0] } },
  { orderId: { $lte: ids[2] } },
  { _id: { $gt: ids[10] } },
  { _id: { $lte: ids[5] }, status: 'PAID' },
  { _id: { $gte: ids[3], $lt: ids[7] } },
  { tags: { $gte: 'a' } },
  { tags: { $gt: 'a', $lt: 'c' } },
  { 'items.sku': { $gte: 'b' } },
  { 'items.qty': { $gte: 2 } },
  { 'shipping.upload.status': { $gte: 'D' } },
  { status: { $gte: 'P' } },
  { $or: [{ createdAt: { $lte: at(2) } }, { n: { $gt: 1 } }] },
  { $or: [{ outTradeNo: 'T3' }, { paidAt: { $gte: at(9) } }] },
  // Lists and searches (fast-match.ts tests these directly, falling back to mingo for arrays and odd types).
  { status: { $regex: 'aid', $options: 'i' } },
  { status: { $regex: '^P' } },
  { outTradeNo: { $regex: 't2', $options: 'i' }, stage: 'PLACED' },
  { stage: 'PLACED', status: 'PAID' },
  { expiresAt: at(40) },
  { createdAt: at(27), stage: 'PLACED' },
  { n: 1, status: 'PAID' },
  { orderId: ids[1], n: 1 },
];

type Collection = ReturnType<Connection['collection']>;

/** [filter, sort, limit, skip]: the API's sorted reads (admin lists newest first with paging, due jobs oldest first). */
const SORTED_READS: Array<[Doc, Doc, number, number?]> = [
  [{ stage: 'PLACED' }, { createdAt: -1, _id: 1 }, 3],
  [{ status: { $in: ['PAID', 'PREPAID'] } }, { createdAt: 1, _id: 1 }, 50],
  [{ userId: users[1] }, { createdAt: -1, _id: 1 }, 1],
  [{}, { createdAt: -1 }, 20],
  [{}, { createdAt: -1 }, 500],
  [{}, { createdAt: 1 }, 5],
  [{}, { createdAt: -1 }, 5, 3],
  [{}, { createdAt: -1 }, 5, 30],
  [{}, { createdAt: 1 }, 4, 2],
  [{ stage: 'PLACED' }, { createdAt: -1 }, 3, 1],
  [{ stage: 'PLACED' }, { createdAt: -1 }, 20, 0],
  [{ stage: 'PLACED', status: 'PAID' }, { createdAt: -1 }, 2, 1],
  [{ status: { $ne: 'PAID' } }, { createdAt: -1 }, 5],
  [{ status: 'PENDING_PAYMENT', stage: 'PLACED', expiresAt: { $lte: at(30) } }, { expiresAt: 1 }, 100],
  [{ createdAt: { $gte: at(5) } }, { createdAt: -1 }, 4],
  [{ createdAt: { $lt: at(12) } }, { createdAt: 1 }, 4],
  [{ createdAt: { $gte: at(1), $lt: at(28) } }, { createdAt: -1 }, 6, 2],
  [{ createdAt: { $gte: 'a' } }, { createdAt: -1 }, 3],
  [{ stage: 'PLACED', createdAt: { $gte: at(2) } }, { createdAt: -1 }, 3],
  [{ paidAt: { $gte: at(3) } }, { createdAt: -1 }, 3],
  [{}, { n: 1 }, 10],
  [{}, { n: -1 }, 10],
  [{}, { n: -1 }, 50],
  [{ n: { $gte: 0 } }, { n: -1 }, 3],
  [{ n: { $lt: 1e19 } }, { n: 1 }, 3, 1],
  [{}, { paidAt: -1 }, 30],
  [{}, { paidAt: 1 }, 30],
  [{ status: 'PAID' }, { paidAt: -1 }, 2],
  [{}, { stage: 1, createdAt: 1 }, 10],
  [{}, { stage: -1, createdAt: -1 }, 10],
  [{}, { stage: 1, createdAt: -1 }, 10],
  [{}, { userId: 1, createdAt: -1 }, 5],
  [{ userId: { $in: users } }, { userId: -1, createdAt: 1 }, 5],
  [{}, { createdAt: -1, _id: -1 }, 5],
  [{}, { _id: -1 }, 5],
  [{ _id: { $lt: ids[20] } }, { _id: 1 }, 5, 2],
  [{}, { tags: 1 }, 5],
  [{}, { status: 1 }, 5],
  [{}, { transactionId: 1 }, 5],
  [{}, { transactionId: -1 }, 5],
  [{}, { orderId: -1 }, 5],
  [{}, { expiresAt: -1 }, 5],
  [{}, { 'shipping.upload.status': 1 }, 5],
  [{ status: { $regex: 'a', $options: 'i' } }, { createdAt: -1 }, 3],
  [{ status: { $regex: 'A' } }, { createdAt: -1 }, 3, 2],
  [{ outTradeNo: { $regex: 't1', $options: 'i' }, tags: 'a' }, { createdAt: -1 }, 2],
  [{ expiresAt: at(40) }, { createdAt: 1 }, 2],
  [{ paidAt: at(4), n: 1 }, { createdAt: -1 }, 2],
];

/** The same documents in the same order. A real server orders equal sort keys as it likes: there, the keys. */
async function expectSameSortedReads(indexed: Collection, plain: Collection): Promise<void> {
  for (const [query, sort, limit, skip] of SORTED_READS) {
    const label = JSON.stringify([query, sort, limit, skip]);
    const run = (c: Collection) =>
      c.find(query, { projection: { outTradeNo: 1, ...sort } }).sort(sort as never).skip(skip ?? 0).limit(limit).toArray();
    // Upserts generate different _ids in the two collections.
    const known = (docs: Doc[]) =>
      docs.map((d) => (d._id instanceof Types.ObjectId && !ids.some((i) => i.equals(d._id as Types.ObjectId)) ? { ...d, _id: 'generated' } : d));
    const [a, b] = (await Promise.all([run(indexed), run(plain)])).map(known) as [Doc[], Doc[]];
    if (db.kind === 'congodb') expect(a, label).toEqual(b);
    else {
      const keys = (docs: Doc[]) => docs.map((d) => Object.keys(sort).map((k) => d[k]));
      expect(keys(a), label).toEqual(keys(b));
    }
  }
}

const byId = (a: Doc, b: Doc): number => String(a._id).localeCompare(String(b._id));

describe('indexes answer every query shape exactly as a scan does', () => {
  it('find, countDocuments and distinct return the same documents with and without indexes', async () => {
    const [indexed, plain] = await pair();
    for (const query of QUERIES) {
      const label = JSON.stringify(query);
      const [a, b] = await Promise.all([indexed.find(query).toArray(), plain.find(query).toArray()]);
      expect([...a].sort(byId), label).toEqual([...b].sort(byId));
      if (db.kind === 'congodb') {
        // The embedded server also keeps a scan's (insertion) order when an index answers.
        expect(a.map((d) => String(d._id)), label).toEqual(b.map((d) => String(d._id)));
      }
      expect(await indexed.countDocuments(query), label).toBe(await plain.countDocuments(query));
      // countDocuments may be answered by counting (read-handlers.ts); find filters with mingo.
      expect(await indexed.countDocuments(query), label).toBe(a.length);
      expect((await indexed.distinct('outTradeNo', query)).sort(), label).toEqual((await plain.distinct('outTradeNo', query)).sort());
    }
  });

  it('sorted, limited and projected reads match', async () => {
    const [indexed, plain] = await pair();
    await expectSameSortedReads(indexed, plain);
  });

  it('aggregations starting with $match match', async () => {
    const [indexed, plain] = await pair();
    const pipeline = [
      { $match: { status: { $in: ['PAID', 'CREATED'] } } },
      { $group: { _id: '$stage', count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ];
    expect(await indexed.aggregate(pipeline).toArray()).toEqual(await plain.aggregate(pipeline).toArray());
    const dashboard = [
      { $match: { paidAt: { $gte: at(3) }, status: { $in: ['PAID', 'REFUNDED'] } } },
      { $group: { _id: null, count: { $sum: 1 }, n: { $sum: '$n' } } },
    ];
    expect(await indexed.aggregate(dashboard).toArray()).toEqual(await plain.aggregate(dashboard).toArray());
  });

  it('writes keep the indexes in step: the same queries still match after updates, upserts and deletes', async () => {
    const [indexed, plain] = await pair();
    const writes: Array<(c: typeof indexed) => Promise<unknown>> = [
      (c) => c.updateOne({ outTradeNo: 'T1' }, { $set: { status: 'CLOSED' } }),
      (c) => c.updateMany({ status: { $in: ['PREPAID', 'CREATED'] } }, { $set: { status: 'PAID', nextSyncAt: at(2) } }),
      (c) => c.findOneAndUpdate({ _id: ids[3], status: null }, { $set: { status: 'PAID' } }),
      (c) => c.findOneAndUpdate({ stage: 'PLACED' }, { $set: { stage: 'DONE' } }, { sort: { createdAt: -1 } }),
      (c) => c.updateOne({ outTradeNo: 'T11' }, { $push: { tags: 'z' } as never, $set: { 'items.0.sku': 'q' } }),
      (c) => c.updateOne({ outTradeNo: 'T12' }, { $unset: { tags: 1 } }),
      (c) => c.replaceOne({ outTradeNo: 'T13' }, { outTradeNo: 'T13', status: 'PAID', tags: 'z' }),
      (c) => c.updateOne({ outTradeNo: 'T99' }, { $set: { status: 'PAID', tags: ['z'] } }, { upsert: true }),
      (c) => c.findOneAndUpdate({ outTradeNo: 'T98' }, { $set: { stage: 'PLACED' } }, { upsert: true, returnDocument: 'after' }),
      (c) => c.deleteOne({ outTradeNo: 'T2' }),
      (c) => c.deleteMany({ 'items.sku': 'a' }),
      (c) =>
        c.bulkWrite([
          { insertOne: { document: { _id: ids[23]!.toHexString(), status: 'PAID', outTradeNo: 'T50', tags: ['a'] } } },
          { updateOne: { filter: { outTradeNo: 'T50' }, update: { $set: { tags: ['z'] } } } },
          { deleteOne: { filter: { outTradeNo: 'T20' } } },
        ] as never),
      (c) => c.updateOne({ outTradeNo: 'T1' }, { $set: { outTradeNo: 'T1b' } }),
      // One entry of an array leaves or joins a multikey index while the other entries' keys stay (only the keys
      // a write changes move), and a write that leaves the indexed fields alone keeps them.
      (c) => c.updateOne({ outTradeNo: 'T11' }, { $pull: { items: { sku: 'b' } } as never, $push: { tags: 'y' } as never }),
      (c) => c.updateOne({ outTradeNo: 'T14' }, { $push: { items: { sku: 'n', qty: 2 } } as never }),
      (c) => c.findOneAndUpdate({ outTradeNo: 'T14' }, { $set: { 'items.0.qty': 9, note: 'x' } }, { returnDocument: 'before' }),
      (c) => c.updateOne({ outTradeNo: 'T12' }, { $inc: { 'items.1.qty': 1 } }),
      // (firstMove) Moves along the ordered indexes: new keys, equal keys (1 and 1.0, null and missing), other types,
      // arrays and NaN (which make a field scan) and back.
      (c) => c.updateOne({ outTradeNo: 'T3' }, { $set: { createdAt: at(50), paidAt: at(50), n: 1 } }),
      (c) => c.updateOne({ outTradeNo: 'T24' }, { $set: { n: 1.0, paidAt: at(4) } }),
      (c) => c.updateMany({ createdAt: { $lte: at(2) } }, { $set: { createdAt: at(27) } }),
      (c) => c.updateOne({ outTradeNo: 'T27' }, { $unset: { paidAt: 1, createdAt: 1 } }),
      (c) => c.updateOne({ outTradeNo: 'T28' }, { $set: { paidAt: null, createdAt: 'later', n: [1, 5] } }),
      (c) => c.updateOne({ outTradeNo: 'T29' }, { $set: { paidAt: [at(1), at(60)], n: Number.NaN } }),
      (c) => c.updateOne({ outTradeNo: 'T30' }, { $set: { expiresAt: at(10), status: 'PENDING_PAYMENT' } }),
      (c) =>
        c.insertMany([
          { _id: ids[33], status: 'PAID', stage: 'PLACED', createdAt: at(27), paidAt: at(4), n: 1, outTradeNo: 'T60' },
          { _id: ids[34], status: 'PAID', stage: 'PLACED', createdAt: at(5), outTradeNo: 'T61', n: '2' },
          { _id: ids[35], createdAt: null, paidAt: new Date(Number.NaN), outTradeNo: 'T62' },
        ] as never[]),
      (c) => c.deleteOne({ outTradeNo: 'T4' }),
      (c) => c.deleteMany({ createdAt: { $gte: at(15), $lt: at(18) } }),
      (c) => c.findOneAndUpdate({ stage: 'PLACED' }, { $set: { createdAt: at(0) } }, { sort: { createdAt: -1 } }),
      (c) => c.updateOne({ _id: ids[6] }, { $set: { _id: ids[6], createdAt: at(27) } }),
      // $pull by a query on each element (several orders' entries at once, a range): entries leave the multikey
      // indexes of tags and items.sku, the entries it keeps stay.
      (c) => c.updateOne({ outTradeNo: 'T11' }, { $pull: { tags: { $in: ['a', 'y'] }, items: { qty: { $lte: 1 } } } } as never),
      (c) => c.updateOne({ outTradeNo: 'T14' }, { $pull: { items: { sku: { $in: ['n', 'x'] } } } } as never),
    ];
    const firstMove = writes.findIndex((w) => w.toString().includes('at(50)'));
    const rangesAfter = async (): Promise<void> => {
      for (const query of QUERIES.filter((q) => JSON.stringify(q).includes('"$g') || JSON.stringify(q).includes('"$l'))) {
        const label = JSON.stringify(query);
        const [a, b] = await Promise.all([indexed.find(query).toArray(), plain.find(query).toArray()]);
        expect(a.map((d) => d.outTradeNo).sort(), label).toEqual(b.map((d) => d.outTradeNo).sort());
      }
    };
    for (const [i, write] of writes.entries()) {
      await write(indexed);
      await write(plain);
      // After the first writes, and after the writes that move documents along an ordered index.
      if (i === firstMove - 1 || i === firstMove + 6 || i === writes.length - 1) await rangesAfter();
    }
    await expectSameSortedReads(indexed, plain);
    // The arrays and NaN gone again, the ordered indexes answer once more.
    for (const c of [indexed, plain]) {
      await c.updateOne({ outTradeNo: 'T28' }, { $set: { n: 3 } });
      await c.updateOne({ outTradeNo: 'T29' }, { $set: { n: 3, paidAt: at(3) } });
    }
    await rangesAfter();
    await expectSameSortedReads(indexed, plain);
    for (const c of [indexed, plain]) {
      const t11 = await c.findOne({ outTradeNo: 'T11' });
      expect(t11?.tags).toEqual(['b', 'z']);
      expect(t11?.items).toEqual([]);
      expect((await c.findOne({ outTradeNo: 'T14' }))?.items).toEqual([{ sku: null, qty: 9 }]);
      expect(await c.countDocuments({ 'items.sku': 'n' })).toBe(0);
      expect(await c.countDocuments({ tags: 'y' })).toBe(0);
    }
    const strip = (docs: Doc[]) => docs.map(({ _id, ...rest }) => (typeof _id === 'string' || _id instanceof Types.ObjectId && ids.some((i) => i.equals(_id)) ? { _id, ...rest } : rest));
    const arrays = [{ 'items.sku': { $in: ['b', 'n', 'q', null] } }, { 'items.qty': { $in: [2, 3, 9] } }, { tags: 'y' }];
    for (const query of [...QUERIES, ...arrays, { tags: 'z' }, { outTradeNo: { $in: ['T99', 'T98', 'T50', 'T1b'] } }, {}]) {
      const label = JSON.stringify(query);
      const sortKey = (d: Doc) => String(d.outTradeNo);
      const [a, b] = await Promise.all([indexed.find(query).toArray(), plain.find(query).toArray()]);
      const order = (docs: Doc[]) => strip([...docs].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
      expect(order(a), label).toEqual(order(b));
    }
  });
});
