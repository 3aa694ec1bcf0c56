// Lookup cost against collection size on CongoDB: findOne by _id, findOne by a unique field and a
// compare-and-set findOneAndUpdate by _id; a range on an indexed date returning 20 documents and the newest 20
// (`sort({ createdAt: -1 }).limit(20)`), read from its ordered index; and the writes that keep that index in
// step (an update moving a document along it, next to one of a field no index has, and an insert), at 1 000
// and 100 000 documents, through a real connection. With indexes, each costs about the same at both sizes
// (the target: at most twice as much at 100 000).
//   pnpm --filter @xiaodian/devdb bench
import mongoose, { type Connection } from 'mongoose';
import { mongooseConnectOptions, startEmbeddedMongo } from '../src/index';

const SIZES = [1_000, 100_000];
const T0 = 1_700_000_000_000;
const LOOKUPS = Number(process.env.XD_BENCH_LOOKUPS ?? 2_000);

interface Figure {
  name: string;
  size: number;
  lookups: number;
  /** Median microseconds per operation: robust against the pauses of a busy machine, unlike the mean. */
  medianUs: number;
  meanUs: number;
}

async function fill(conn: Connection, name: string, size: number): Promise<mongoose.mongo.Collection> {
  const coll = conn.collection(name);
  await coll.createIndex({ code: 1 }, { unique: true });
  await coll.createIndex({ createdAt: -1 });
  const batch = 5_000;
  for (let start = 0; start < size; start += batch) {
    const docs = Array.from({ length: Math.min(batch, size - start) }, (_, i) => ({
      _id: new mongoose.Types.ObjectId(),
      code: `c${start + i}`,
      status: (start + i) % 3 === 0 ? 'paid' : 'pending',
      amount: start + i,
      createdAt: new Date(T0 + (start + i) * 1000),
    }));
    await coll.insertMany(docs, { ordered: false });
  }
  return coll;
}

/** Microseconds per operation (median and mean) over `LOOKUPS` sequential operations, after a warm-up. */
async function measure(op: (i: number) => Promise<unknown>): Promise<{ medianUs: number; meanUs: number }> {
  for (let i = 0; i < 100; i++) await op(i);
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const t0 = performance.now();
    await op(i);
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return { medianUs: times[Math.floor(times.length / 2)] ?? 0, meanUs: times.reduce((a, b) => a + b, 0) / times.length };
}

async function main(): Promise<void> {
  const db = await startEmbeddedMongo({ engine: 'congodb', dbName: 'bench' });
  const conn = await mongoose.createConnection(db.uri, mongooseConnectOptions(db.kind)).asPromise();
  const figures: Figure[] = [];
  try {
    for (const size of SIZES) {
      const coll = await fill(conn, `lookup_${size}`, size);
      const ids = (await coll.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
      const pick = (i: number): number => (i * 7919) % size;
      const byId = await measure(async (i) => {
        const doc = await coll.findOne({ _id: ids[pick(i)] });
        if (!doc) throw new Error('lookup by _id found nothing');
      });
      const byCode = await measure(async (i) => {
        const doc = await coll.findOne({ code: `c${pick(i)}` });
        if (!doc) throw new Error('lookup by code found nothing');
      });
      const casById = await measure((i) =>
        coll.findOneAndUpdate({ _id: ids[pick(i)], status: { $in: ['pending', 'paid'] } }, { $inc: { amount: 1 } }),
      );
      const range = await measure(async (i) => {
        const from = T0 + pick(i) * 1000;
        const docs = await coll.find({ createdAt: { $gte: new Date(from), $lt: new Date(from + 20_000) } }).toArray();
        if (docs.length === 0) throw new Error('range found nothing');
      });
      const newest = await measure(async () => {
        const docs = await coll.find({}).sort({ createdAt: -1 }).limit(20).toArray();
        if (docs.length !== 20) throw new Error('sort with limit found too little');
      });
      const pendingNewest = await measure(async () => {
        const docs = await coll.find({ status: 'pending' }).sort({ createdAt: -1 }).skip(20).limit(20).toArray();
        if (docs.length !== 20) throw new Error('sort with filter and skip found too little');
      });
      // Writes last: they move documents. An update of a field no index has, then of the ordered index's field
      // (to another place in it), then inserts at its end.
      const updatePlain = await measure((i) => coll.updateOne({ _id: ids[pick(i)] }, { $set: { note: i } }));
      const updateOrdered = await measure((i) =>
        coll.updateOne({ _id: ids[pick(i)] }, { $set: { createdAt: new Date(T0 + pick(i * 31 + 7) * 1000 + 500) } }),
      );
      let inserted = 0;
      const insert = await measure(() => {
        const n = inserted++;
        return coll.insertOne({ code: `new${n}`, status: 'pending', amount: n, createdAt: new Date(T0 + (size + n) * 1000) });
      });
      figures.push({ name: 'findOne by _id', size, lookups: LOOKUPS, ...byId });
      figures.push({ name: 'findOne by unique code', size, lookups: LOOKUPS, ...byCode });
      figures.push({ name: 'findOneAndUpdate by _id', size, lookups: LOOKUPS, ...casById });
      figures.push({ name: 'find range of 20 dates', size, lookups: LOOKUPS, ...range });
      figures.push({ name: 'sort -1 limit 20', size, lookups: LOOKUPS, ...newest });
      figures.push({ name: 'filter sort skip limit', size, lookups: LOOKUPS, ...pendingNewest });
      figures.push({ name: 'updateOne, plain field', size, lookups: LOOKUPS, ...updatePlain });
      figures.push({ name: 'updateOne, createdAt', size, lookups: LOOKUPS, ...updateOrdered });
      figures.push({ name: 'insertOne', size, lookups: LOOKUPS, ...insert });
    }
  } finally {
    await conn.close();
    await db.stop();
  }
  for (const f of figures) {
    console.log(
      `${f.name.padEnd(24)} ${String(f.size).padStart(7)} docs  ${f.lookups} ops  median ${f.medianUs.toFixed(0).padStart(6)} µs  mean ${f.meanUs.toFixed(0).padStart(6)} µs`,
    );
  }
  const [small, large] = SIZES as [number, number];
  let failed = false;
  for (const name of new Set(figures.map((f) => f.name))) {
    const a = figures.find((f) => f.name === name && f.size === small)!;
    const b = figures.find((f) => f.name === name && f.size === large)!;
    const ratio = b.medianUs / a.medianUs;
    const ok = ratio <= 2;
    failed ||= !ok;
    console.log(`${name.padEnd(24)} median at ${large} / at ${small}: ${ratio.toFixed(2)} (target ≤ 2) ${ok ? 'ok' : 'TOO SLOW'}`);
  }
  if (failed) process.exitCode = 1;
}

await main();
