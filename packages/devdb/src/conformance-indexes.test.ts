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

const ids = Array.from({ length: 26 }, (_, i) => new Types.ObjectId(`64b000000000000000000${String(i).padStart(3, '0')}`));
const users = [new Types.ObjectId('64a000000000000000000001'), new Types.ObjectId('64a000000000000000000002')];
const at = (minute: number): Date => new Date(Date.UTC(2025, 0, 1, 0, minute));

/** Documents that exercise every way an index key can differ from a plain value. */
function seed(): Doc[] {
  return [
    { status: 'PAID', stage: 'PLACED', userId: users[0], createdAt: at(1), nextSyncAt: at(10), outTradeNo: 'T1', n: 1 },
    { status: 'PREPAID', stage: 'PLACED', userId: users[0], createdAt: at(2), nextSyncAt: at(5), outTradeNo: 'T2', n: 1.5 },
    { status: 'CREATED', stage: 'RESERVING', userId: users[1], createdAt: at(3), outTradeNo: 'T3', transactionId: 'W3', n: 2 },
    { status: null, stage: 'PLACED', userId: users[1], createdAt: at(4), outTradeNo: 'T4', n: '1' },
    { stage: 'PLACED', createdAt: at(5), outTradeNo: 'T5', n: 0 },
    { status: ['PAID', 'CLOSED'], stage: 'PLACED', createdAt: at(6), outTradeNo: 'T6' },
    { status: [], createdAt: at(7), outTradeNo: 'T7' },
    { status: [['PAID']], createdAt: at(8), outTradeNo: 'T8' },
    { status: [null, 'CREATED'], createdAt: at(9), outTradeNo: 'T9' },
    { status: 'paid', createdAt: at(10), outTradeNo: 'T10', n: -0 },
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
    { status: 'PAID', createdAt: 'not a date', outTradeNo: 'T22', transactionId: null },
    { status: 'REFUNDED', createdAt: at(1), outTradeNo: 'T23', orderId: ids[0] },
    { status: 'PAID', createdAt: at(1), outTradeNo: 'T24', orderId: ids[1], n: 1 },
    { items: [{ sku: [['a']] }], outTradeNo: 'T25', createdAt: at(25) },
    { status: 'CLOSED', shipping: { upload: [{ status: 'PENDING' }, { status: [['DONE']] }] }, outTradeNo: 'T26' },
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
];

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
      expect((await indexed.distinct('outTradeNo', query)).sort(), label).toEqual((await plain.distinct('outTradeNo', query)).sort());
    }
  });

  it('sorted, limited and projected reads match', async () => {
    const [indexed, plain] = await pair();
    const reads: Array<[Doc, Doc, number]> = [
      [{ stage: 'PLACED' }, { createdAt: -1, _id: 1 }, 3],
      [{ status: { $in: ['PAID', 'PREPAID'] } }, { createdAt: 1, _id: 1 }, 50],
      [{ userId: users[1] }, { createdAt: -1, _id: 1 }, 1],
    ];
    for (const [query, sort, limit] of reads) {
      const run = (c: typeof indexed) => c.find(query, { projection: { outTradeNo: 1, createdAt: 1 } }).sort(sort as never).limit(limit).toArray();
      expect(await run(indexed), JSON.stringify(query)).toEqual(await run(plain));
    }
  });

  it('aggregations starting with $match match', async () => {
    const [indexed, plain] = await pair();
    const pipeline = [
      { $match: { status: { $in: ['PAID', 'CREATED'] } } },
      { $group: { _id: '$stage', count: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ];
    expect(await indexed.aggregate(pipeline).toArray()).toEqual(await plain.aggregate(pipeline).toArray());
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
    ];
    for (const write of writes) {
      await write(indexed);
      await write(plain);
    }
    const strip = (docs: Doc[]) => docs.map(({ _id, ...rest }) => (typeof _id === 'string' || _id instanceof Types.ObjectId && ids.some((i) => i.equals(_id)) ? { _id, ...rest } : rest));
    for (const query of [...QUERIES, { tags: 'z' }, { outTradeNo: { $in: ['T99', 'T98', 'T50', 'T1b'] } }, {}]) {
      const label = JSON.stringify(query);
      const sortKey = (d: Doc) => String(d.outTradeNo);
      const [a, b] = await Promise.all([indexed.find(query).toArray(), plain.find(query).toArray()]);
      const order = (docs: Doc[]) => strip([...docs].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
      expect(order(a), label).toEqual(order(b));
    }
  });
});
