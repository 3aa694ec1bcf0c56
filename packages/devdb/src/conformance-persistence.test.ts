// Conformance of the persistent development database (dev-server.ts, persistence/): what is written survives
// a restart, a kill -9 of its process, and a torn journal record, with every BSON type intact, and a directory
// written in the former format (Extended JSON lines) still opens. These always run
// the embedded dev server (persistence is its property), also when MONGODB_URI is set.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mongoose, { Schema, Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { findDevServer, startDevServer, type RunningDevServer } from './dev-server';
import { decodeRecords, encodeRecord } from './persistence/bson-records';
import { encodeLine } from './persistence/ejson-lines';

const here = path.dirname(fileURLToPath(import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xd-devdb-persist-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(dir: string): Promise<RunningDevServer> {
  const server = await startDevServer({ dir, port: 0 });
  cleanups.push(() => server.stop());
  return server;
}

async function connect(server: RunningDevServer, dbName = 'shop'): Promise<mongoose.Connection> {
  const conn = await mongoose.createConnection(server.uri(dbName), { serverMonitoringMode: 'poll' }).asPromise();
  cleanups.push(() => conn.close());
  return conn;
}

describe('persistence of the development database', () => {
  it('keeps documents, indexes and natural order across a restart', async () => {
    const dir = tempDir();
    let server = await open(dir);
    let conn = await connect(server);
    const users = conn.collection('users');
    await users.createIndex({ openid: 1 }, { unique: true });
    await users.insertMany(Array.from({ length: 30 }, (_, i) => ({ openid: `o${i}`, n: i })));
    await users.updateOne({ openid: 'o3' }, { $set: { n: -3 } });
    await users.deleteMany({ n: { $gte: 20 } });
    await conn.collection('scratch').insertOne({ x: 1 });
    await conn.collection('scratch').drop();
    await conn.collection('renamed_from').insertOne({ y: 1 });
    await conn.collection('renamed_from').rename('renamed_to');
    const before = await users.find().toArray();
    await conn.close();
    await server.stop();

    server = await open(dir);
    conn = await connect(server);
    expect(await conn.collection('users').find().toArray()).toEqual(before);
    expect((await conn.collection('users').findOne({ openid: 'o3' }))?.n).toBe(-3);
    const names = (await conn.db!.listCollections().toArray()).map((c) => c.name).sort();
    expect(names).toEqual(['renamed_to', 'users']);
    expect((await conn.collection('users').indexes()).map((i) => i.name)).toContain('openid_1');
    // The unique index is enforced after the restart, from the reloaded documents.
    await expect(conn.collection('users').insertOne({ openid: 'o1' })).rejects.toMatchObject({ code: 11000 });
  });

  it('keeps every field of updated documents, in their order, across a restart (the journal holds only what changed)', async () => {
    const dir = tempDir();
    let server = await open(dir);
    let conn = await connect(server);
    const docs = conn.collection('docs');
    // Update documents of any shape (the driver's types know the shape of none of these).
    const anyUpdate = (update: object) => update as never;
    const at = new Date('2025-01-01T00:00:00Z');
    await docs.insertMany([1, 2, 3, 4, 5, 6].map((n) => ({ _id: n as never, a: n, b: { c: [n] }, d: 'x', events: [{ at }] })));
    await docs.updateOne({ _id: 1 as never }, anyUpdate({ $set: { a: 10, z: 'new' }, $push: { events: { at } } }));
    await docs.updateOne({ _id: 2 as never }, anyUpdate({ $unset: { b: '' }, $set: { 'b2.deep': [1, { e: null }] } }));
    await docs.updateOne({ _id: 3 as never }, anyUpdate({ $rename: { a: 'renamed' } }));
    await docs.replaceOne({ _id: 4 as never }, anyUpdate({ d: 'replaced', a: 4 }));
    await docs.updateOne({ _id: 5 as never }, anyUpdate({ $set: { 'b.c.0': 50 }, $inc: { a: 1 } }));
    await docs.updateOne({ _id: 6 as never }, anyUpdate({ $set: { a: 6 } })); // changes nothing
    await docs.updateOne({ _id: 6 as never }, anyUpdate({ $pull: { events: { at } } }));
    await docs.updateOne({ _id: 1 as never }, anyUpdate({ $set: { d: 'again' } }));
    await docs.insertMany([7, 8, 9].map((n) => ({ _id: n as never, nums: [1, 2, 1, 3, 1], events: [{ at }, { at: new Date(0) }] })));
    await docs.updateOne({ _id: 7 as never }, anyUpdate({ $pull: { nums: 1 }, $push: { events: { $each: [{ at }], $position: 0 } } }));
    await docs.updateOne({ _id: 8 as never }, anyUpdate({ $pop: { nums: -1 }, $addToSet: { events: { at: new Date(5) } } }));
    await docs.updateOne({ _id: 9 as never }, anyUpdate({ $push: { nums: { $each: [0, 9], $sort: 1 } } }));
    await docs.updateOne({ _id: 9 as never }, anyUpdate({ $push: { nums: { $each: [4], $slice: 3 } }, $pop: { events: 1 } }));
    await docs.updateOne({ _id: 8 as never }, anyUpdate({ $push: { nums: 7 }, $pull: { events: { at } } }));
    const text = async () => mongoose.mongo.BSON.EJSON.stringify(await conn.collection('docs').find().toArray(), { relaxed: false });
    const before = await text();
    // The journal as it stands after a kill (no compaction on a clean stop): copied before stop() compacts it.
    const journal = readdirSync(dir).find((f) => f.startsWith('journal-'))!;
    const copy = tempDir();
    writeFileSync(path.join(copy, journal), readFileSync(path.join(dir, journal)));
    const ops = decodeRecords(readFileSync(path.join(copy, journal)), journal).entries.map((e) => e.op);
    expect(ops.filter((op) => op === 'set').length).toBeGreaterThanOrEqual(10);
    const entries = decodeRecords(readFileSync(path.join(copy, journal)), journal).entries;
    expect(entries.some((e) => e.push !== undefined) && entries.some((e) => e.pull !== undefined)).toBe(true);
    await conn.close();
    await server.stop();

    for (const reopened of [dir, copy]) {
      server = await open(reopened);
      conn = await connect(server);
      expect(await text()).toBe(before);
      await conn.close();
      await server.stop();
    }
  });

  it('round-trips Date, ObjectId, Decimal128, Binary (GridFS chunks, Buffers through upserts), Long and numbers', async () => {
    const dir = tempDir();
    let server = await open(dir);
    let conn = await connect(server);
    const Thing = conn.model(
      'Thing',
      new Schema({ key: String, when: Date, ref: Schema.Types.ObjectId, price: Schema.Types.Decimal128, blob: Buffer, list: [Schema.Types.Mixed] }),
    );
    const ref = new Types.ObjectId();
    const values = {
      when: new Date('2025-03-04T05:06:07.089Z'),
      ref,
      price: Types.Decimal128.fromString('12345.6789'),
      blob: Buffer.from([0, 1, 2, 250, 255]),
      list: [1, 2.5, -0, 'x', null, [1, [2]], { deep: new Date(0) }],
    };
    await Thing.create({ key: 'created', ...values });
    await Thing.updateOne({ key: 'upserted' }, { $set: values }, { upsert: true });
    await Thing.updateOne({ key: 'created' }, { $set: { touched: 1 } }, { strict: false });
    const raw = conn.collection('raw');
    const big = mongoose.mongo.Long.fromString('9007199254740993');
    await raw.insertOne({ _id: 'long' as never, big, small: 42, float: 0.1, negZero: -0, int64ish: 2 ** 40, re: /a.c/i });
    const bucket = new mongoose.mongo.GridFSBucket(conn.db!, { bucketName: 'files', chunkSizeBytes: 1024 });
    const content = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    await new Promise<void>((resolve, reject) => bucket.openUploadStream('a.bin').on('finish', () => resolve()).on('error', reject).end(content));
    await conn.close();
    await server.stop();

    server = await open(dir);
    conn = await connect(server);
    const Again = conn.model('Thing', Thing.schema);
    for (const key of ['created', 'upserted']) {
      const doc = await Again.findOne({ key }).lean();
      expect(doc?.when).toEqual(values.when);
      expect(doc?.ref).toBeInstanceOf(Types.ObjectId);
      expect(String(doc?.ref)).toBe(String(ref));
      expect(doc?.price?.toString()).toBe('12345.6789');
      expect(Buffer.from((doc?.blob as unknown as { buffer: Uint8Array }).buffer)).toEqual(values.blob);
      expect(doc?.list).toEqual([1, 2.5, -0, 'x', null, [1, [2]], { deep: new Date(0) }]);
    }
    const stored = await conn.collection('raw').findOne({ _id: 'long' as never }, { promoteLongs: false, promoteValues: false });
    expect(stored?.big).toEqual(big);
    const promoted = await conn.collection('raw').findOne({ _id: 'long' as never });
    expect(promoted).toMatchObject({ small: 42, float: 0.1, int64ish: 2 ** 40, re: /a.c/i });
    expect(Object.is(promoted?.negZero, -0) || promoted?.negZero === 0).toBe(true);
    const chunks: Buffer[] = [];
    const again = new mongoose.mongo.GridFSBucket(conn.db!, { bucketName: 'files' });
    for await (const chunk of again.openDownloadStreamByName('a.bin')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(content);
  });

  it('after kill -9 of the server process mid-write, reopens with every acknowledged write and nothing corrupt', async () => {
    const dir = tempDir();
    // `node --import tsx`, not tsx's CLI: that runs the script in a grandchild, which SIGKILL would not reach.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(here, 'test-fixtures', 'dev-server-child.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let acked = -1;
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      child.stdout!.on('data', (data: Buffer) => {
        buffered += data.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('acked ')) acked = Number(line.slice(6));
        if (acked >= 300) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(acked).toBeGreaterThanOrEqual(300);

    const server = await open(dir);
    const conn = await connect(server, 'crash');
    const events = await conn.collection('events').find({}, { sort: { _id: 1 } }).toArray();
    // Every acknowledged insert is there; at most the one in flight at the kill may be there too; no gaps.
    expect(events.length).toBeGreaterThanOrEqual(acked + 1);
    expect(events.length).toBeLessThanOrEqual(acked + 2);
    expect(events.map((e) => e._id)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => e.at instanceof Date && e.body.buffer.length === 64)).toBe(true);
    expect(events[10]?.touched).toBe(true);
    expect((await conn.collection('events').indexes()).map((i) => i.name)).toContain('at_1');
  }, 60_000);

  it('skips a torn last journal record, and a journal already in the snapshot', async () => {
    const dir = tempDir();
    let server = await open(dir);
    let conn = await connect(server);
    await conn.collection('a').insertMany([{ _id: 1 as never }, { _id: 2 as never }]);
    await conn.close();
    await server.stop(); // compacts: a snapshot of generation n, and an empty journal n + 1
    const journals = readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();
    expect(journals).toHaveLength(1);
    const last = path.join(dir, journals.at(-1)!);
    const insert = (id: number) => encodeRecord({ op: 'insert', db: 'shop', coll: 'a', doc: { _id: id } });
    appendFileSync(last, Buffer.concat([insert(3), insert(4).subarray(0, 12)]));
    // A journal left from before the snapshot (a crash between writing the snapshot and deleting it).
    const snapshotGeneration = Number(decodeRecords(readFileSync(path.join(dir, 'snapshot.bson')), 'snapshot').entries[0]?.generation);
    writeFileSync(path.join(dir, `journal-${String(snapshotGeneration).padStart(8, '0')}.bson`), insert(99));
    server = await open(dir);
    conn = await connect(server);
    expect((await conn.collection('a').find().toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
    // The restart compacted: one snapshot, one fresh journal, no torn record left to append to.
    expect(readdirSync(dir).filter((f) => f.startsWith('journal-'))).toHaveLength(1);
    await conn.collection('a').insertOne({ _id: 4 as never });
    await conn.close();
    await server.stop();
    server = await open(dir);
    conn = await connect(server);
    expect((await conn.collection('a').find().toArray()).map((d) => d._id)).toEqual([1, 2, 3, 4]);
  });

  it('opens a directory written in Extended JSON lines (before BSON records), with every type, and carries on in BSON', async () => {
    const dir = tempDir();
    const { Binary, Decimal128, Long, ObjectId } = mongoose.mongo;
    const ref = new ObjectId();
    const when = new Date('2025-03-04T05:06:07.089Z');
    const lines = (...entries: Record<string, unknown>[]) => entries.map((e) => encodeLine(e)).join('');
    const doc = (id: number, extra: Record<string, unknown> = {}) => ({
      _id: id,
      code: `c${id}`,
      when,
      ref,
      price: Decimal128.fromString('12.30'),
      big: Long.fromString('9007199254740993'),
      blob: new Binary(Buffer.from([0, 1, 255]), 0),
      ratio: 2 ** 40,
      ...extra,
    });
    writeFileSync(
      path.join(dir, 'snapshot.jsonl'),
      lines(
        { op: 'snapshot', format: 1, generation: 2, writtenAt: new Date() },
        { op: 'createCollection', db: 'shop', coll: 'things' },
        { op: 'saveIndex', db: 'shop', coll: 'things', name: 'code_1', spec: { key: { code: 1 }, unique: true } },
        { op: 'insert', db: 'shop', coll: 'things', doc: doc(1) },
        { op: 'insert', db: 'shop', coll: 'things', doc: doc(2) },
      ),
    );
    // Already in the snapshot (a crash before its clean-up): not replayed again.
    writeFileSync(path.join(dir, 'journal-00000002.jsonl'), lines({ op: 'insert', db: 'shop', coll: 'things', doc: doc(99) }));
    writeFileSync(
      path.join(dir, 'journal-00000003.jsonl'),
      lines(
        { op: 'insert', db: 'shop', coll: 'things', doc: doc(3) },
        { op: 'update', db: 'shop', coll: 'things', doc: doc(1, { touched: true }) },
        { op: 'delete', db: 'shop', coll: 'things', id: 2 },
      ) + '{"op":"insert","db":"shop","co',
    );

    let server = await open(dir);
    let conn = await connect(server);
    const things = () => conn.collection('things').find({}, { promoteLongs: false }).toArray();
    const expected = [doc(1, { touched: true }), doc(3)];
    expect(await things()).toEqual(expected);
    const [first] = await things();
    expect(first?.ref).toBeInstanceOf(mongoose.mongo.ObjectId);
    expect(first?.when).toBeInstanceOf(Date);
    expect(String(first?.price)).toBe('12.30');
    expect(String(first?.big)).toBe('9007199254740993');
    await expect(conn.collection('things').insertOne({ _id: 5 as never, code: 'c3' })).rejects.toMatchObject({ code: 11000 });
    // The replay compacted into the new format: nothing in Extended JSON lines is left.
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    expect(existsSync(path.join(dir, 'snapshot.bson'))).toBe(true);
    await conn.collection('things').insertOne(doc(4) as never);
    await conn.close();
    await server.stop();

    server = await open(dir);
    conn = await connect(server);
    expect(await things()).toEqual([...expected, doc(4)]);
  });

  it('refuses a second server on the same directory, and takes over the lock of a dead one', async () => {
    const dir = tempDir();
    await open(dir);
    await expect(startDevServer({ dir, port: 0 })).rejects.toThrow(/in use by process/);
    const other = tempDir();
    writeFileSync(path.join(other, 'LOCK'), '999999999\n');
    const server = await open(other);
    expect(readFileSync(path.join(other, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    await server.stop();
    expect(existsSync(path.join(other, 'LOCK'))).toBe(false);
  });

  it('findDevServer finds a running dev server, and never under NODE_ENV=test', async () => {
    const server = await open(tempDir());
    const env = { DEVDB_PORT: String(server.port), DEVDB_DATA_DIR: server.dir, NODE_ENV: 'development' };
    expect(await findDevServer({ env })).toEqual({ uri: `mongodb://127.0.0.1:${server.port}`, dir: server.dir });
    expect(await findDevServer({ env: { ...env, NODE_ENV: 'test' } })).toBeUndefined();
    await server.stop();
    expect(await findDevServer({ env })).toBeUndefined();
  });
});
