// Database conformance suite: every database behaviour the product relies on, exercised through mongoose.
// By default it runs against the embedded server (startEmbeddedMongo: mongod if available, else CongoDB);
// with MONGODB_URI set it runs the same tests against that server instead, in a throw-away database.
import { Schema, Types, type Connection, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicateKeyOf, isDuplicateKeyError } from './index';
import { openConformanceDb, type ConformanceDb } from './test-fixtures/conformance-db';

let db: ConformanceDb;
let conn: Connection;

beforeAll(async () => {
  db = await openConformanceDb('conformance');
  conn = db.conn;
});

afterAll(async () => {
  await db.close();
});

let modelCount = 0;
/** A model on a collection of its own, with its indexes built before the test uses it. */
async function model<T>(definition: Record<string, unknown>, configure?: (schema: Schema) => void): Promise<Model<T>> {
  const name = `M${++modelCount}`;
  const schema = new Schema(definition, { collection: `c${modelCount}_${name.toLowerCase()}` });
  configure?.(schema);
  const m = conn.model<T>(name, schema as Schema<T>);
  await m.init();
  return m;
}

/** Settle all promises; split into values and the rejection reasons. */
async function settle<T>(promises: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail');
}

function expectDuplicate(err: unknown, keyValue?: Record<string, unknown>): void {
  expect(isDuplicateKeyError(err), String(err)).toBe(true);
  expect(String((err as Error).message)).toMatch(/E11000 duplicate key error/);
  if (keyValue) expect(duplicateKeyOf(err)?.keyValue).toEqual(keyValue);
}

describe('unique indexes', () => {
  interface User {
    openid: string;
    name?: string;
  }
  const userModel = () => model<User>({ openid: { type: String, required: true, unique: true }, name: String });

  it('reject a duplicate insert with E11000 (code 11000, keyPattern, keyValue)', async () => {
    const User = await userModel();
    await User.create({ openid: 'o1', name: 'first' });
    const err = await rejection(User.create({ openid: 'o1', name: 'second' }));
    expectDuplicate(err, { openid: 'o1' });
    expect((err as { code?: number }).code).toBe(11000);
    expect(duplicateKeyOf(err)?.keyPattern).toEqual({ openid: 1 });
    expect(await User.countDocuments()).toBe(1);
    expect((await User.findOne({ openid: 'o1' }).lean())?.name).toBe('first');
  });

  it('treat values of different case or type as different keys', async () => {
    const Tag = await model<{ k: unknown }>({ k: { type: Schema.Types.Mixed, unique: true } });
    await Tag.create([{ k: 'a' }, { k: 'A' }, { k: 1 }, { k: '1' }]);
    expectDuplicate(await rejection(Tag.create({ k: 'A' })));
    // 1 and 1.0 are the same number, as in MongoDB.
    expectDuplicate(await rejection(Tag.collection.insertOne({ k: 1.0 })));
    expect(await Tag.countDocuments()).toBe(4);
  });

  it('reject a duplicate _id', async () => {
    const User = await userModel();
    const first = await User.create({ openid: 'x1' });
    const err = await rejection(User.collection.insertOne({ _id: first._id, openid: 'x2' }));
    expectDuplicate(err);
    expect(duplicateKeyOf(err)?.keyPattern).toEqual({ _id: 1 });
  });

  it('insertMany: ordered stops at the duplicate, unordered inserts the rest', async () => {
    const User = await userModel();
    const ordered = await rejection(User.insertMany([{ openid: 'a' }, { openid: 'b' }, { openid: 'a' }, { openid: 'c' }]));
    expectDuplicate(ordered);
    expect((await User.find().sort({ openid: 1 }).lean()).map((u) => u.openid)).toEqual(['a', 'b']);

    const unordered = await rejection(
      User.insertMany([{ openid: 'd' }, { openid: 'b' }, { openid: 'e' }], { ordered: false }),
    );
    expect(isDuplicateKeyError(unordered)).toBe(true);
    expect((await User.find().sort({ openid: 1 }).lean()).map((u) => u.openid)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('reject an update, findOneAndUpdate or replace that would duplicate a key, leaving the document as it was', async () => {
    const User = await userModel();
    await User.create([{ openid: 'u1', name: 'one' }, { openid: 'u2', name: 'two' }]);
    expectDuplicate(await rejection(User.updateOne({ openid: 'u2' }, { $set: { openid: 'u1' } })), { openid: 'u1' });
    expectDuplicate(
      await rejection(User.findOneAndUpdate({ openid: 'u2' }, { $set: { openid: 'u1' } }, { returnDocument: 'after' })),
      { openid: 'u1' },
    );
    expectDuplicate(await rejection(User.replaceOne({ openid: 'u2' }, { openid: 'u1', name: 'replaced' })));
    expectDuplicate(await rejection(User.updateMany({}, { $set: { openid: 'same' } })));
    const u2 = await User.findOne({ name: 'two' }).lean();
    expect(u2?.openid).toBe('u2');
    // An update that keeps its own key, or changes other fields only, is no conflict.
    await User.updateOne({ openid: 'u2' }, { $set: { openid: 'u2', name: 'still two' } });
    expect((await User.findOne({ openid: 'u2' }).lean())?.name).toBe('still two');
  });

  it('a key freed by delete, update or drop can be used again', async () => {
    const User = await userModel();
    await User.create([{ openid: 'k1' }, { openid: 'k2' }]);
    await User.deleteOne({ openid: 'k1' });
    await User.create({ openid: 'k1', name: 'again' });
    await User.updateOne({ openid: 'k2' }, { $set: { openid: 'k3' } });
    await User.create({ openid: 'k2' });
    expectDuplicate(await rejection(User.create({ openid: 'k3' })));
    await User.deleteMany({});
    await User.insertMany([{ openid: 'k1' }, { openid: 'k2' }, { openid: 'k3' }]);
    expect(await User.countDocuments()).toBe(3);
    // Dropping the collection drops its indexes, as in MongoDB; init() builds them again.
    await User.collection.drop();
    await User.createCollection();
    await User.syncIndexes();
    await User.create({ openid: 'k1' });
    expectDuplicate(await rejection(User.create({ openid: 'k1' })));
  });

  it('reject an upsert that would insert a duplicate key', async () => {
    const User = await userModel();
    await User.create({ openid: 'taken', name: 'a' });
    expectDuplicate(await rejection(User.updateOne({ name: 'nobody' }, { $set: { openid: 'taken' } }, { upsert: true })));
    expectDuplicate(
      await rejection(User.findOneAndUpdate({ name: 'nobody' }, { $set: { openid: 'taken' } }, { upsert: true })),
    );
    expect(await User.countDocuments()).toBe(1);
  });

  it('report a duplicate inside bulkWrite', async () => {
    const User = await userModel();
    await User.create({ openid: 'b1' });
    const err = await rejection(
      User.bulkWrite([
        { insertOne: { document: { openid: 'b2' } } },
        { updateOne: { filter: { openid: 'b2' }, update: { $set: { openid: 'b1' } } } },
      ]),
    );
    expect(isDuplicateKeyError(err)).toBe(true);
    expect(await User.countDocuments({ openid: 'b2' })).toBe(1);
  });

  it('compound unique index: only the full combination must be unique', async () => {
    const Sku = await model<{ shopId: string; code: string }>({ shopId: String, code: String }, (s) =>
      s.index({ shopId: 1, code: 1 }, { unique: true }),
    );
    await Sku.create([
      { shopId: 's1', code: 'A' },
      { shopId: 's2', code: 'A' },
      { shopId: 's1', code: 'B' },
    ]);
    expectDuplicate(await rejection(Sku.create({ shopId: 's1', code: 'A' })), { shopId: 's1', code: 'A' });
  });

  it('sparse unique index: documents without the field do not collide, equal values do', async () => {
    const Pay = await model<{ outTradeNo?: string }>({ outTradeNo: { type: String, unique: true, sparse: true } });
    await Pay.create([{}, {}, { outTradeNo: 'T1' }]);
    expectDuplicate(await rejection(Pay.create({ outTradeNo: 'T1' })));
    expect(await Pay.countDocuments()).toBe(3);
  });

  it('non-sparse unique index: two documents without the field DO collide (both index as null)', async () => {
    const Pay = await model<{ outTradeNo?: string }>({ outTradeNo: { type: String, unique: true } });
    await Pay.create({});
    expectDuplicate(await rejection(Pay.create({})), { outTradeNo: null });
  });

  it('partial unique index: only documents matching partialFilterExpression are indexed', async () => {
    const Attempt = await model<{ orderId: string; status: string }>({ orderId: String, status: String }, (s) =>
      s.index({ orderId: 1 }, { unique: true, partialFilterExpression: { status: 'open' } }),
    );
    await Attempt.create([
      { orderId: 'o1', status: 'closed' },
      { orderId: 'o1', status: 'closed' },
      { orderId: 'o1', status: 'open' },
    ]);
    expectDuplicate(await rejection(Attempt.create({ orderId: 'o1', status: 'open' })));
    expectDuplicate(await rejection(Attempt.updateOne({ status: 'closed' }, { $set: { status: 'open' } })));
    expect(await Attempt.countDocuments({ status: 'open' })).toBe(1);
  });

  it('createIndex with unique: true fails on a collection that already has duplicates', async () => {
    const Plain = await model<{ k: string }>({ k: String });
    await Plain.create([{ k: 'dup' }, { k: 'dup' }]);
    expectDuplicate(await rejection(Plain.collection.createIndex({ k: 1 }, { unique: true })));
    const names = (await Plain.collection.listIndexes().toArray()).map((i) => i.name as string);
    expect(names).not.toContain('k_1');
    // Once the duplicate is gone the index builds and is enforced.
    await Plain.deleteOne({ k: 'dup' });
    await Plain.collection.createIndex({ k: 1 }, { unique: true });
    expectDuplicate(await rejection(Plain.create({ k: 'dup' })));
  });
});

describe('concurrency', () => {
  interface Order {
    status: string;
    events: Array<{ to: string; at: Date }>;
  }

  it('50 concurrent compare-and-set findOneAndUpdate calls have exactly one winner', async () => {
    const Order = await model<Order>({ status: String, events: [{ to: String, at: Date }] });
    const order = await Order.create({ status: 'A', events: [] });
    const { values, errors } = await settle(
      Array.from({ length: 50 }, () =>
        Order.findOneAndUpdate(
          { _id: order._id, status: 'A' },
          { $set: { status: 'B' }, $push: { events: { to: 'B', at: new Date() } } },
          { returnDocument: 'after' },
        ).lean(),
      ),
    );
    expect(errors).toEqual([]);
    const winners = values.filter((v) => v !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.status).toBe('B');
    const stored = await Order.findById(order._id).lean();
    expect(stored?.status).toBe('B');
    expect(stored?.events).toHaveLength(1);
  });

  it('a guarded $inc never takes stock below zero under 100 concurrent reservations, with an exact success count', async () => {
    const Product = await model<{ stock: number }>({ stock: Number });
    const product = await Product.create({ stock: 37 });
    const { values, errors } = await settle(
      Array.from({ length: 100 }, () =>
        Product.updateOne({ _id: product._id, stock: { $gte: 1 } }, { $inc: { stock: -1 } }),
      ),
    );
    expect(errors).toEqual([]);
    expect(values.filter((r) => r.modifiedCount === 1)).toHaveLength(37);
    expect((await Product.findById(product._id).lean())?.stock).toBe(0);
  });

  it('guarded reservations of different sizes account for every unit', async () => {
    const Product = await model<{ stock: number }>({ stock: Number });
    const product = await Product.create({ stock: 100 });
    const sizes = Array.from({ length: 100 }, (_, i) => 1 + (i % 3));
    const results = await Promise.all(
      sizes.map((n) =>
        Product.findOneAndUpdate({ _id: product._id, stock: { $gte: n } }, { $inc: { stock: -n } }, { returnDocument: 'after' })
          .lean()
          .then((doc) => ({ n, doc })),
      ),
    );
    const reserved = results.filter((r) => r.doc !== null).reduce((sum, r) => sum + r.n, 0);
    const final = (await Product.findById(product._id).lean())?.stock ?? -1;
    expect(final).toBeGreaterThanOrEqual(0);
    expect(reserved).toBe(100 - final);
    for (const r of results) if (r.doc) expect(r.doc.stock).toBeGreaterThanOrEqual(0);
  });

  it('a reservation is released exactly once by 20 concurrent releases', async () => {
    const Product = await model<{ stock: number }>({ stock: Number });
    const Reservation = await model<{ productId: unknown; qty: number; status: string }>({
      productId: Schema.Types.ObjectId,
      qty: Number,
      status: String,
    });
    const product = await Product.create({ stock: 10 });
    const reservation = await Reservation.create({ productId: product._id, qty: 3, status: 'held' });
    const release = async (): Promise<boolean> => {
      const won = await Reservation.findOneAndUpdate(
        { _id: reservation._id, status: 'held' },
        { $set: { status: 'released' } },
      ).lean();
      if (!won) return false;
      await Product.updateOne({ _id: product._id }, { $inc: { stock: won.qty } });
      return true;
    };
    const outcomes = await Promise.all(Array.from({ length: 20 }, release));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await Product.findById(product._id).lean())?.stock).toBe(13);
  });

  it('20 concurrent upserts on one unique key leave one document; each call succeeds or gets E11000', async () => {
    const Counter = await model<{ key: string; hits: number; createdAt: Date }>({
      key: { type: String, unique: true },
      hits: Number,
      createdAt: Date,
    });
    const { values, errors } = await settle(
      Array.from({ length: 20 }, () =>
        Counter.findOneAndUpdate(
          { key: 'daily' },
          { $setOnInsert: { createdAt: new Date() }, $inc: { hits: 1 } },
          { upsert: true, returnDocument: 'after' },
        ).lean(),
      ),
    );
    for (const err of errors) expect(isDuplicateKeyError(err), String(err)).toBe(true);
    expect(values.length + errors.length).toBe(20);
    const docs = await Counter.find({ key: 'daily' }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]?.hits).toBe(values.length);
    expect(docs[0]?.createdAt).toBeInstanceOf(Date);
  });
});

describe('aggregation', () => {
  interface Payment {
    amount: number;
    status: string;
    paidAt: Date;
  }
  const paymentModel = async () => {
    const Payment = await model<Payment>({ amount: Number, status: String, paidAt: Date });
    await Payment.create([
      // 2024-03-01 23:59:59 in China (UTC+8)
      { amount: 100, status: 'paid', paidAt: new Date('2024-03-01T15:59:59Z') },
      // 2024-03-02 00:00:00 in China
      { amount: 200, status: 'paid', paidAt: new Date('2024-03-01T16:00:00Z') },
      { amount: 300, status: 'paid', paidAt: new Date('2024-03-02T10:00:00Z') },
      { amount: 999, status: 'closed', paidAt: new Date('2024-03-02T10:00:00Z') },
      { amount: 50, status: 'paid', paidAt: new Date('2024-02-29T03:00:00Z') },
      { amount: 70, status: 'paid', paidAt: new Date('2024-03-05T03:00:00Z') },
    ]);
    return Payment;
  };

  for (const timezone of ['+08:00', 'Asia/Shanghai']) {
    it(`groups paid amounts by China day ($dateToString, timezone ${timezone}), in a date range`, async () => {
      const Payment = await paymentModel();
      const rows = await Payment.aggregate<{ _id: string; total: number; count: number }>([
        {
          $match: {
            status: 'paid',
            paidAt: { $gte: new Date('2024-02-29T16:00:00Z'), $lt: new Date('2024-03-04T16:00:00Z') },
          },
        },
        {
          $group: {
            _id: { $dateToString: { format: '%Y-%m-%d', date: '$paidAt', timezone } },
            total: { $sum: '$amount' },
            count: { $sum: 1 },
          },
        },
        { $sort: { _id: 1 } },
      ]);
      expect(rows).toEqual([
        { _id: '2024-03-01', total: 100, count: 1 },
        { _id: '2024-03-02', total: 500, count: 2 },
      ]);
    });
  }

  it('$dateToString with hours and $hour/$dayOfMonth honour the timezone', async () => {
    const Payment = await paymentModel();
    const rows = await Payment.aggregate<{ s: string; h: number; d: number }>([
      { $match: { amount: { $in: [100, 200] } } },
      { $sort: { amount: 1 } },
      {
        $project: {
          _id: 0,
          s: { $dateToString: { format: '%Y-%m-%d %H:%M', date: '$paidAt', timezone: 'Asia/Shanghai' } },
          h: { $hour: { date: '$paidAt', timezone: '+08:00' } },
          d: { $dayOfMonth: { date: '$paidAt', timezone: 'Asia/Shanghai' } },
        },
      },
    ]);
    expect(rows).toEqual([
      { s: '2024-03-01 23:59', h: 23, d: 1 },
      { s: '2024-03-02 00:00', h: 0, d: 2 },
    ]);
  });

  it('$group with $sum, $avg, $max and $count stages', async () => {
    const Payment = await paymentModel();
    const [totals] = await Payment.aggregate<{ _id: null; sum: number; max: number; n: number }>([
      { $match: { status: 'paid' } },
      { $group: { _id: null, sum: { $sum: '$amount' }, max: { $max: '$amount' }, n: { $sum: 1 } } },
    ]);
    expect(totals).toEqual({ _id: null, sum: 720, max: 300, n: 5 });
    expect(await Payment.aggregate([{ $match: { status: 'closed' } }, { $count: 'n' }])).toEqual([{ n: 1 }]);
  });

  it('$lookup joins another collection', async () => {
    const Buyer = await model<{ name: string }>({ name: String });
    const Purchase = await model<{ buyerId: unknown; amount: number }>({ buyerId: Schema.Types.ObjectId, amount: Number });
    const [ann] = await Buyer.create([{ name: 'ann' }]);
    await Purchase.create([{ buyerId: ann?._id, amount: 5 }]);
    const rows = await Purchase.aggregate<{ amount: number; buyer: Array<{ name: string }> }>([
      { $lookup: { from: Buyer.collection.collectionName, localField: 'buyerId', foreignField: '_id', as: 'buyer' } },
    ]);
    expect(rows.map((r) => [r.amount, r.buyer.map((b) => b.name)])).toEqual([[5, ['ann']]]);
  });
});

describe('queries', () => {
  interface Item {
    name: string;
    price: number;
    createdAt: Date;
    tags: string[];
  }
  const itemModel = async () => {
    const Item = await model<Item>({ name: String, price: Number, createdAt: Date, tags: [String] });
    await Item.create([
      { name: 'Apple', price: 300, createdAt: new Date('2024-01-01T00:00:00Z'), tags: ['fruit'] },
      { name: 'banana', price: 150, createdAt: new Date('2024-01-02T00:00:00Z'), tags: ['fruit', 'yellow'] },
      { name: 'Cherry.box', price: 990, createdAt: new Date('2024-01-03T00:00:00Z'), tags: ['fruit', 'red'] },
      { name: 'Bread', price: 500, createdAt: new Date('2024-01-04T00:00:00Z'), tags: [] },
      { name: 'apple juice', price: 450, createdAt: new Date('2024-01-05T00:00:00Z'), tags: ['drink'] },
    ]);
    return Item;
  };

  it('countDocuments with and without a filter', async () => {
    const Item = await itemModel();
    expect(await Item.countDocuments()).toBe(5);
    expect(await Item.countDocuments({ tags: 'fruit' })).toBe(3);
    expect(await Item.countDocuments({ price: { $gt: 10_000 } })).toBe(0);
  });

  it('sort, skip and limit page through results', async () => {
    const Item = await itemModel();
    const page = await Item.find().sort({ price: -1 }).skip(1).limit(2).lean();
    expect(page.map((i) => i.price)).toEqual([500, 450]);
    const byDate = await Item.find().sort({ createdAt: 1 }).limit(2).lean();
    expect(byDate.map((i) => i.name)).toEqual(['Apple', 'banana']);
  });

  it('sorts strings in binary order (uppercase before lowercase), like MongoDB without a collation', async () => {
    const Item = await itemModel();
    const names = (await Item.find().sort({ name: 1 }).lean()).map((i) => i.name);
    expect(names).toEqual(['Apple', 'Bread', 'Cherry.box', 'apple juice', 'banana']);
  });

  it('$in, $nin, $ne, $exists and $size', async () => {
    const Item = await itemModel();
    expect((await Item.find({ price: { $in: [150, 990, 1] } }).sort({ price: 1 }).lean()).map((i) => i.price)).toEqual([150, 990]);
    expect(await Item.countDocuments({ tags: { $nin: ['fruit'] } })).toBe(2);
    expect(await Item.countDocuments({ name: { $ne: 'Bread' } })).toBe(4);
    expect(await Item.countDocuments({ missing: { $exists: true } })).toBe(0);
    expect(await Item.countDocuments({ tags: { $size: 0 } })).toBe(1);
  });

  it('$lt and $lte on dates; dates come back as Date objects', async () => {
    const Item = await itemModel();
    const cut = new Date('2024-01-03T00:00:00Z');
    const lt = await Item.find({ createdAt: { $lt: cut } }).sort({ createdAt: 1 }).lean();
    const lte = await Item.find({ createdAt: { $lte: cut } }).sort({ createdAt: 1 }).lean();
    expect(lt.map((i) => i.name)).toEqual(['Apple', 'banana']);
    expect(lte.map((i) => i.name)).toEqual(['Apple', 'banana', 'Cherry.box']);
    for (const i of lte) expect(i.createdAt).toBeInstanceOf(Date);
    const hydrated = await Item.findOne({ name: 'Apple' });
    expect(hydrated?.createdAt).toBeInstanceOf(Date);
    expect(hydrated?.createdAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('$or', async () => {
    const Item = await itemModel();
    const found = await Item.find({ $or: [{ price: { $lt: 200 } }, { name: 'Bread' }] }).sort({ price: 1 }).lean();
    expect(found.map((i) => i.name)).toEqual(['banana', 'Bread']);
  });

  it('regex search: case-insensitive, anchored, and with user input escaped', async () => {
    const Item = await itemModel();
    expect((await Item.find({ name: /apple/i }).sort({ price: 1 }).lean()).map((i) => i.name)).toEqual(['Apple', 'apple juice']);
    expect(await Item.countDocuments({ name: { $regex: '^b', $options: 'i' } })).toBe(2);
    const escaped = 'Cherry.box'.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(await Item.countDocuments({ name: new RegExp(escaped) })).toBe(1);
    expect(await Item.countDocuments({ name: /Cherry.bo/ })).toBe(1);
  });

  it('projection includes or excludes fields (nested exclusion leaves the stored document alone)', async () => {
    const Profile = await model<{ name: string; secret: { key: string; note: string } }>({
      name: String,
      secret: { key: String, note: String },
    });
    await Profile.create({ name: 'p', secret: { key: 'k', note: 'n' } });
    const included = await Profile.findOne({}, { name: 1 }).lean();
    expect(Object.keys(included ?? {}).sort()).toEqual(['_id', 'name']);
    const excluded = await Profile.findOne({}, { 'secret.key': 0 }).lean();
    expect(excluded?.secret).toEqual({ note: 'n' });
    expect((await Profile.findOne().lean())?.secret).toEqual({ key: 'k', note: 'n' });
  });

  it('projection through an array of documents applies to each element, as MongoDB does', async () => {
    const coll = conn.collection(`c${++modelCount}_projection_arrays`);
    const a = new Types.ObjectId();
    const b = new Types.ObjectId();
    const at = new Date('2026-12-01T00:00:00Z');
    await coll.insertOne({
      _id: new Types.ObjectId(),
      stock: 3,
      reservations: [{ orderId: a, quantity: 1, at }, { orderId: b, quantity: 2 }, 5, { note: 'no order' }],
      shipping: { parcel: { no: 'SF1', company: '顺丰' }, fee: 600 },
    });
    // Inclusion: each document element keeps only the path (one without it becomes {}), other elements go.
    const included = await coll.findOne({}, { projection: { stock: 1, 'reservations.orderId': 1, 'reservations.at': 1, 'shipping.parcel.no': 1, _id: 0 } });
    expect(included).toEqual({ stock: 3, reservations: [{ orderId: a, at }, { orderId: b }, {}], shipping: { parcel: { no: 'SF1' } } });
    // Exclusion: each document element loses the path, other elements stay.
    const excluded = await coll.findOne({}, { projection: { 'reservations.quantity': 0, 'shipping.parcel': 0, _id: 0 } });
    expect(excluded).toEqual({
      stock: 3,
      reservations: [{ orderId: a, at }, { orderId: b }, 5, { note: 'no order' }],
      shipping: { fee: 600 },
    });
    // The stored document is untouched.
    expect((await coll.findOne({}))?.reservations).toHaveLength(4);
    expect((await coll.findOne({}))?.shipping).toEqual({ parcel: { no: 'SF1', company: '顺丰' }, fee: 600 });
  });

  it('distinct', async () => {
    const Item = await itemModel();
    expect((await Item.distinct('tags')).sort()).toEqual(['drink', 'fruit', 'red', 'yellow']);
  });

  it('string and number _id round-trip with their type', async () => {
    const ByString = await model<{ _id: string; v: number }>({ _id: String, v: Number });
    await ByString.create([{ _id: 'wx-openid-1', v: 1 }, { _id: '0123456789abcdef01234567', v: 2 }]);
    expect((await ByString.findById('wx-openid-1').lean())?.v).toBe(1);
    const hexLike = await ByString.findOne({ v: 2 }).lean();
    expect(typeof hexLike?._id).toBe('string');
    expectDuplicate(await rejection(ByString.create({ _id: 'wx-openid-1', v: 3 })));
    await ByString.updateOne({ _id: 'wx-openid-1' }, { $inc: { v: 10 } });
    expect((await ByString.findById('wx-openid-1').lean())?.v).toBe(11);
    expect((await ByString.deleteOne({ _id: 'wx-openid-1' })).deletedCount).toBe(1);

    const ByNumber = await model<{ _id: number; v: string }>({ _id: Number, v: String });
    await ByNumber.create({ _id: 42, v: 'x' });
    expect((await ByNumber.findById(42).lean())?.v).toBe('x');
  });

  it('populate follows ObjectId references', async () => {
    const Shop = await model<{ name: string }>({ name: String });
    const Goods = await model<{ title: string; shop: unknown }>({
      title: String,
      shop: { type: Schema.Types.ObjectId, ref: Shop.modelName },
    });
    const shop = await Shop.create({ name: '小店' });
    await Goods.create({ title: 'tea', shop: shop._id });
    const goods = await Goods.findOne({ title: 'tea' }).populate<{ shop: { name: string } }>('shop').lean();
    expect(goods?.shop.name).toBe('小店');
  });
});

describe('updates', () => {
  it('$push with $each and $slice keeps the newest entries', async () => {
    const Log = await model<{ entries: number[] }>({ entries: [Number] });
    const log = await Log.create({ entries: [1, 2] });
    await Log.updateOne({ _id: log._id }, { $push: { entries: { $each: [3, 4, 5], $slice: -3 } } });
    expect((await Log.findById(log._id).lean())?.entries).toEqual([3, 4, 5]);
    await Log.updateOne({ _id: log._id }, { $push: { entries: { $each: [6], $slice: 2 } } });
    expect((await Log.findById(log._id).lean())?.entries).toEqual([3, 4]);
  });

  it('an upsert whose query uses $expr is refused (code 224), whether or not a document matches; without upsert it runs', async () => {
    const Counter = await model<{ key: string; n: number }>({ key: String, n: Number });
    await Counter.create({ key: 'a', n: 1 });
    const expr = { $expr: { $lt: ['$n', 5] } };
    const refusals = [
      await rejection(Counter.updateOne({ key: 'a', ...expr }, { $inc: { n: 1 } }, { upsert: true })),
      await rejection(Counter.updateOne({ key: 'b', $and: [expr] }, { $inc: { n: 1 } }, { upsert: true })),
      await rejection(Counter.findOneAndUpdate({ key: 'a', $or: [expr, { n: 9 }] }, { $inc: { n: 1 } }, { upsert: true })),
    ];
    for (const err of refusals) expect(err).toMatchObject({ code: 224, message: expect.stringMatching(/\$expr is not allowed in the query predicate for an upsert/) });
    const bulk = await rejection(Counter.bulkWrite([{ updateOne: { filter: { key: 'c', ...expr }, update: { $inc: { n: 1 } }, upsert: true } }], { ordered: false }));
    expect((bulk as { writeErrors?: { code: number }[] }).writeErrors?.map((e) => e.code) ?? [(bulk as { code?: number }).code]).toEqual([224]);
    // Nothing was written by the refused upserts; the same filter without upsert matches and updates.
    expect(await Counter.countDocuments()).toBe(1);
    expect((await Counter.updateOne({ key: 'a', ...expr }, { $inc: { n: 1 } })).modifiedCount).toBe(1);
  });

  it('$setOnInsert applies only when the upsert inserts', async () => {
    const Stat = await model<{ day: string; firstSeen: Date; seen: number; last: string }>({
      day: String,
      firstSeen: Date,
      seen: Number,
      last: String,
    });
    const first = await Stat.updateOne(
      { day: '2024-03-01' },
      { $setOnInsert: { firstSeen: new Date('2024-03-01T00:00:00Z') }, $set: { last: 'a' }, $inc: { seen: 1 } },
      { upsert: true },
    );
    expect(first.upsertedCount).toBe(1);
    const second = await Stat.updateOne(
      { day: '2024-03-01' },
      { $setOnInsert: { firstSeen: new Date('2030-01-01T00:00:00Z') }, $set: { last: 'b' }, $inc: { seen: 1 } },
      { upsert: true },
    );
    expect([second.upsertedCount, second.matchedCount, second.modifiedCount]).toEqual([0, 1, 1]);
    const stat = await Stat.findOne({ day: '2024-03-01' }).lean();
    expect(stat).toMatchObject({ day: '2024-03-01', seen: 2, last: 'b' });
    expect(stat?.firstSeen).toEqual(new Date('2024-03-01T00:00:00Z'));
  });

  it('mongoose timestamps: createdAt is set once by an upsert, updatedAt on every update', async () => {
    const Visit = await model<{ key: string; n: number; createdAt: Date; updatedAt: Date }>(
      { key: String, n: Number },
      (s) => s.set('timestamps', true),
    );
    await Visit.findOneAndUpdate({ key: 'k' }, { $inc: { n: 1 } }, { upsert: true });
    const first = await Visit.findOne({ key: 'k' }).lean();
    await new Promise((r) => setTimeout(r, 5));
    await Visit.findOneAndUpdate({ key: 'k' }, { $inc: { n: 1 } }, { upsert: true });
    const second = await Visit.findOne({ key: 'k' }).lean();
    expect(second?.n).toBe(2);
    expect(second?.createdAt).toEqual(first?.createdAt);
    expect(second?.updatedAt.getTime()).toBeGreaterThan(first?.updatedAt.getTime() ?? Infinity);
  });

  it('findOneAndUpdate returns the old document by default, the new one with returnDocument: after or new: true', async () => {
    const Doc = await model<{ v: number }>({ v: Number });
    const d = await Doc.create({ v: 1 });
    expect((await Doc.findOneAndUpdate({ _id: d._id }, { $inc: { v: 1 } }).lean())?.v).toBe(1);
    expect((await Doc.findOneAndUpdate({ _id: d._id }, { $inc: { v: 1 } }, { returnDocument: 'after' }).lean())?.v).toBe(3);
    expect((await Doc.findOneAndUpdate({ _id: d._id }, { $inc: { v: 1 } }, { returnDocument: 'before' }).lean())?.v).toBe(3);
    // `new: true` is deprecated in mongoose 9 (prefer returnDocument) but still honoured.
    expect((await Doc.findOneAndUpdate({ _id: d._id }, { $inc: { v: 1 } }, { new: true }).lean())?.v).toBe(5);
    expect(await Doc.findOneAndUpdate({ _id: d._id, v: 999 }, { $inc: { v: 1 } }, { returnDocument: 'after' })).toBeNull();
  });

  it('an update leaves the document it started from as it was, nested fields included, and counts only real changes', async () => {
    const c = conn.collection(`c${++modelCount}_copy_on_write`);
    await c.insertOne({ _id: 1 as never, a: { b: 1, list: [{ x: 1 }, { x: 2 }] }, keep: { deep: [1, 2] }, n: 1, old: { name: 'r' } });
    const before = await c.findOneAndUpdate(
      { _id: 1 as never },
      { $set: { 'a.b': 2 }, $pull: { 'a.list': { x: 1 } } as never, $inc: { n: 1 }, $rename: { 'old.name': 'renamed' } },
      { returnDocument: 'before' },
    );
    expect(before).toEqual({ _id: 1, a: { b: 1, list: [{ x: 1 }, { x: 2 }] }, keep: { deep: [1, 2] }, n: 1, old: { name: 'r' } });
    const pushed = await c.findOneAndUpdate({ _id: 1 as never }, { $push: { 'keep.deep': 3 } as never }, { returnDocument: 'before' });
    expect(pushed?.keep).toEqual({ deep: [1, 2] });
    expect(await c.findOne({ _id: 1 as never })).toEqual({ _id: 1, a: { b: 2, list: [{ x: 2 }] }, keep: { deep: [1, 2, 3] }, n: 2, old: {}, renamed: 'r' });
    expect((await c.updateOne({ _id: 1 as never }, { $set: { n: 2, 'a.b': 2, keep: { deep: [1, 2, 3] } } })).modifiedCount).toBe(0);
    expect((await c.updateOne({ _id: 1 as never }, { $set: { 'keep.deep.2': 4 } })).modifiedCount).toBe(1);
  });

  it('findOneAndUpdate with sort picks the first document in that order', async () => {
    const Job = await model<{ priority: number; taken: boolean }>({ priority: Number, taken: Boolean });
    await Job.create([{ priority: 2, taken: false }, { priority: 9, taken: false }, { priority: 5, taken: false }]);
    const job = await Job.findOneAndUpdate({ taken: false }, { $set: { taken: true } }, { sort: { priority: -1 }, returnDocument: 'after' }).lean();
    expect(job?.priority).toBe(9);
  });

  it('updateMany and deleteMany report exact counts', async () => {
    const Doc = await model<{ g: string; flag?: boolean }>({ g: String, flag: Boolean });
    await Doc.create([{ g: 'a' }, { g: 'a' }, { g: 'a', flag: true }, { g: 'b' }]);
    const updated = await Doc.updateMany({ g: 'a' }, { $set: { flag: true } });
    expect([updated.matchedCount, updated.modifiedCount]).toEqual([3, 2]);
    const deleted = await Doc.deleteMany({ flag: true });
    expect(deleted.deletedCount).toBe(3);
    expect(await Doc.countDocuments()).toBe(1);
  });

  it('bulkWrite runs mixed operations and reports counts', async () => {
    const Doc = await model<{ k: string; v: number }>({ k: String, v: Number });
    await Doc.create([{ k: 'a', v: 1 }, { k: 'b', v: 1 }, { k: 'c', v: 1 }]);
    const result = await Doc.bulkWrite([
      { insertOne: { document: { k: 'd', v: 1 } } },
      { updateOne: { filter: { k: 'a' }, update: { $inc: { v: 1 } } } },
      { updateMany: { filter: { v: 1 }, update: { $set: { v: 7 } } } },
      { replaceOne: { filter: { k: 'b' }, replacement: { k: 'b2', v: 0 } } },
      { deleteOne: { filter: { k: 'c' } } },
      { updateOne: { filter: { k: 'e' }, update: { $set: { v: 9 } }, upsert: true } },
    ]);
    expect([result.insertedCount, result.matchedCount, result.modifiedCount, result.deletedCount, result.upsertedCount]).toEqual([
      1, 5, 5, 1, 1,
    ]);
    const all = await Doc.find().sort({ k: 1 }).lean();
    expect(all.map((d) => [d.k, d.v])).toEqual([
      ['a', 2],
      ['b2', 0],
      ['d', 7],
      ['e', 9],
    ]);
  });

  it('$addToSet, $pull, $unset and $inc on nested fields', async () => {
    const Doc = await model<{ tags: string[]; stats: { views: number }; note?: string }>({
      tags: [String],
      stats: { views: Number },
      note: String,
    });
    const d = await Doc.create({ tags: ['a'], stats: { views: 1 }, note: 'x' });
    await Doc.updateOne({ _id: d._id }, { $addToSet: { tags: { $each: ['a', 'b'] } }, $inc: { 'stats.views': 2 }, $unset: { note: 1 } });
    await Doc.updateOne({ _id: d._id }, { $pull: { tags: 'a' } });
    const stored = await Doc.findById(d._id).lean();
    expect(stored?.tags).toEqual(['b']);
    expect(stored?.stats.views).toBe(3);
    expect(stored && 'note' in stored).toBe(false);
  });

  it('$pull takes its condition as a query on each element: operators, $elemMatch, and operators on scalars', async () => {
    const Order = await model<{ reservations: Array<{ orderId: Types.ObjectId; qty: number }> }>({
      reservations: [{ _id: false, orderId: Schema.Types.ObjectId, qty: Number }],
    });
    const [o1, o2, o3] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    const sku = await Order.create({ reservations: [{ orderId: o1, qty: 1 }, { orderId: o2, qty: 0 }, { orderId: o3, qty: 2 }] });
    // The API's shapes: the entries of several orders at once, and a plain field (which ignores the other fields).
    await Order.updateOne({ _id: sku._id }, { $pull: { reservations: { orderId: { $in: [o1, new Types.ObjectId()] } } } });
    expect((await Order.findById(sku._id).lean())?.reservations.map((r) => r.qty)).toEqual([0, 2]);
    await Order.updateOne({ _id: sku._id }, { $pull: { reservations: { qty: { $lte: 0 } } } });
    expect((await Order.findById(sku._id).lean())?.reservations.map((r) => String(r.orderId))).toEqual([String(o3)]);
    const res = await Order.updateOne({ _id: sku._id }, { $pull: { reservations: { orderId: { $in: [o1, o2] } } } });
    expect(res.modifiedCount).toBe(0);
    await Order.updateOne({ _id: sku._id }, { $pull: { reservations: { orderId: o3 } } });
    expect((await Order.findById(sku._id).lean())?.reservations).toEqual([]);

    // Without mongoose's casting: scalars under operators, documents under $elemMatch, arrays of arrays, and
    // conditions that match nothing of another type.
    const c = conn.collection(`c${++modelCount}_pull`);
    await c.insertOne({
      _id: 'p' as never,
      tags: ['a', 'b', 'c', 1, 'a'],
      nums: [1, 5, 8, 2.5, '9', null],
      results: [
        { item: 'A', answers: [{ q: 1, a: 4 }, { q: 2, a: 6 }] },
        { item: 'B', answers: [{ q: 1, a: 8 }, { q: 2, a: 9 }] },
        { item: 'C', score: [3, 9] },
        'not a document',
      ],
      grid: [[1, 2], [7, 8], [3]],
      names: ['Ann', 'bob', 'Bea'],
      same: [{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1 }, [1, 2], [2, 1]],
    });
    await c.updateOne({ _id: 'p' as never }, {
      $pull: {
        tags: { $in: ['a', 'b'] },
        nums: { $gte: 5 },
        results: { answers: { $elemMatch: { q: 2, a: { $gte: 8 } } } },
        grid: { $elemMatch: { $gte: 7 } },
        names: /^b/i,
      },
    } as never);
    const after = await c.findOne({ _id: 'p' as never });
    expect(after?.tags).toEqual(['c', 1]);
    expect(after?.nums).toEqual([1, 2.5, '9', null]);
    expect(after?.results).toEqual([{ item: 'A', answers: [{ q: 1, a: 4 }, { q: 2, a: 6 }] }, { item: 'C', score: [3, 9] }, 'not a document']);
    expect(after?.grid).toEqual([[1, 2], [3]]);
    expect(after?.names).toEqual(['Ann']);
    await c.updateOne({ _id: 'p' as never }, {
      $pull: { results: { score: 9 }, nums: null, tags: { $nin: ['c'] }, same: [1, 2] },
    } as never);
    // An array as the condition is one value: equal in full and in order.
    const last = await c.findOne({ _id: 'p' as never });
    expect(last?.results).toEqual([{ item: 'A', answers: [{ q: 1, a: 4 }, { q: 2, a: 6 }] }, 'not a document']);
    expect(last?.nums).toEqual([1, 2.5, '9']);
    expect(last?.tags).toEqual(['c']);
    expect(last?.same).toEqual([{ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1 }, [2, 1]]);
    // A document without operators matches the elements holding those fields, whatever else they hold.
    await c.updateOne({ _id: 'p' as never }, { $pull: { same: { a: 1 } } } as never);
    expect((await c.findOne({ _id: 'p' as never }))?.same).toEqual([[2, 1]]);
  });

  it('positional $ updates the array element the query matched', async () => {
    const Order = await model<{ items: Array<{ sku: string; qty: number; refunded?: boolean }> }>({
      items: [{ sku: String, qty: Number, refunded: Boolean }],
    });
    const o = await Order.create({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }, { sku: 'c', qty: 3 }] });
    await Order.updateOne({ _id: o._id, 'items.sku': 'b' }, { $set: { 'items.$.refunded': true }, $inc: { 'items.$.qty': 10 } });
    await Order.updateOne({ _id: o._id, items: { $elemMatch: { sku: 'c', qty: 3 } } }, { $set: { 'items.$.qty': 0 } });
    const stored = await Order.findById(o._id).lean();
    expect(stored?.items.map((i) => [i.sku, i.qty, i.refunded ?? false])).toEqual([
      ['a', 1, false],
      ['b', 12, true],
      ['c', 0, false],
    ]);
  });

  it('arrayFilters ($[id]) and $[] update the selected or all elements', async () => {
    const Order = await model<{ items: Array<{ sku: string; qty: number; flag?: boolean }> }>({
      items: [{ sku: String, qty: Number, flag: Boolean }],
    });
    const o = await Order.create({ items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }, { sku: 'c', qty: 9 }] });
    await Order.updateOne({ _id: o._id }, { $set: { 'items.$[big].flag': true } }, { arrayFilters: [{ 'big.qty': { $gte: 5 } }] });
    await Order.updateOne({ _id: o._id }, { $inc: { 'items.$[].qty': 1 } });
    const stored = await Order.findById(o._id).lean();
    expect(stored?.items.map((i) => [i.sku, i.qty, i.flag ?? false])).toEqual([
      ['a', 2, false],
      ['b', 6, true],
      ['c', 10, true],
    ]);
  });

  it('an update pipeline ($set with $cond) updates from the document itself', async () => {
    const Doc = await model<{ paid: number; total: number; status?: string }>({ paid: Number, total: Number, status: String });
    await Doc.create([{ paid: 5, total: 5 }, { paid: 1, total: 5 }]);
    await Doc.updateMany({}, [{ $set: { status: { $cond: [{ $gte: ['$paid', '$total'] }, 'paid', 'partial'] } } }], {
      updatePipeline: true,
    });
    expect((await Doc.find().sort({ paid: -1 }).lean()).map((d) => d.status)).toEqual(['paid', 'partial']);
  });

  it('document save() round-trips changes', async () => {
    const Doc = await model<{ name: string; list: number[] }>({ name: String, list: [Number] });
    const d = await Doc.create({ name: 'a', list: [1] });
    d.name = 'b';
    d.list.push(2);
    await d.save();
    expect(await Doc.findById(d._id).lean()).toMatchObject({ name: 'b', list: [1, 2] });
  });
});
