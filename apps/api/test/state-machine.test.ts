// The state tables in @xiaodian/shared are the law: every status write goes through moveOrder / moveAttempt /
// moveRefund, whose compare-and-set filters come from the tables. The first part checks the helpers against a
// real database; the second reads the source and fails if any code writes a status without them.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongooseConnectOptions, startEmbeddedMongo } from '@xiaodian/devdb';
import { defineModels, type Models } from '../src/collections';
import { IllegalStateMove } from '../src/infra/move-state';
import { moveOrder } from '../src/modules/orders/move-order';
import { outboxEntry } from '../src/modules/orders/outbox';
import { moveAttempt } from '../src/modules/payments/move-attempt';
import { moveRefund } from '../src/modules/refunds/move-refund';

let db: Connection;
let models: Models;
let stop: () => Promise<void>;

beforeAll(async () => {
  const external = process.env.MONGODB_URI;
  const mongo = external ? { uri: external, kind: 'external' as const, stop: async () => undefined } : await startEmbeddedMongo();
  db = mongoose.createConnection(mongo.uri, { ...mongooseConnectOptions(mongo.kind), dbName: `xd_state_${Date.now()}` });
  await db.asPromise();
  models = defineModels(db);
  stop = async () => {
    await db.close();
    await mongo.stop();
  };
});
afterAll(() => stop());

async function orderIn(status: string) {
  const _id = new Types.ObjectId();
  await models.Order.collection.insertOne({ _id, status, stage: 'PLACED', events: [] });
  return _id;
}

describe('moveOrder', () => {
  it('moves along an allowed transition and writes the timeline entry and the outbox in the same update', async () => {
    const id = await orderIn('PAID');
    const data = { expressCompany: 'SF', trackingNo: 'SF1' };
    const moved = await moveOrder(models, { id, to: 'SHIPPED', set: { closedReason: 'x' }, code: 'SHIPPED', data, messages: [outboxEntry('SHIPPED', 'SHIPPED', data)] });
    expect(moved?.status).toBe('SHIPPED');
    expect(moved?.events.map((e) => [e.status, e.code, e.data])).toEqual([['SHIPPED', 'SHIPPED', data]]);
    expect(moved?.outbox.map((m) => [m.key, m.event, m.data])).toEqual([['SHIPPED', 'SHIPPED', data]]);
  });

  it('changes nothing when the order is in a state the table does not lead from (a race or a duplicate)', async () => {
    const id = await orderIn('CLOSED');
    expect(await moveOrder(models, { id, to: 'PAID', code: 'PAID' })).toBeNull();
    const shipped = await orderIn('SHIPPED');
    expect(await moveOrder(models, { id: shipped, to: 'PAID', code: 'PAID' })).toBeNull();
    expect((await models.Order.findById(shipped).lean())?.status).toBe('SHIPPED');
    expect((await models.Order.findById(id).lean())?.events).toEqual([]);
  });

  it('refuses, before touching the database, a move the table forbids', async () => {
    const id = await orderIn('CLOSED');
    await expect(moveOrder(models, { id, from: 'CLOSED', to: 'PAID', code: 'PAID' })).rejects.toBeInstanceOf(IllegalStateMove);
    await expect(moveOrder(models, { id, from: ['PENDING_PAYMENT', 'REFUNDED'], to: 'CLOSED', code: 'CLOSED' })).rejects.toThrow(/REFUNDED → CLOSED/);
    expect((await models.Order.findById(id).lean())?.status).toBe('CLOSED');
  });

  it('lets exactly one of 20 concurrent moves win', async () => {
    const id = await orderIn('PENDING_PAYMENT');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => moveOrder(models, { id, from: 'PENDING_PAYMENT', to: i % 2 ? 'PAID' : 'CLOSED', code: i % 2 ? 'PAID' : 'EXPIRED' })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await models.Order.findById(id).lean())?.events).toHaveLength(1);
  });
});

describe('moveAttempt and moveRefund', () => {
  it('let a closed attempt still become PAID (WeChat decides) but never leave PAID', async () => {
    const _id = new Types.ObjectId();
    await models.PaymentAttempt.collection.insertOne({ _id, status: 'CLOSED' });
    expect((await moveAttempt(models, _id, { to: 'PAID' }))?.status).toBe('PAID');
    expect(await moveAttempt(models, _id, { to: 'CLOSED' })).toBeNull();
  });

  it('end a refund once, and never move a settled one', async () => {
    await models.Refund.collection.insertOne({ outRefundNo: 'R-state-1', status: 'PROCESSING' });
    const before = await moveRefund(models, { outRefundNo: 'R-state-1' }, { to: 'SUCCESS', returnDocument: 'before' });
    expect(before?.status).toBe('PROCESSING');
    expect(await moveRefund(models, { outRefundNo: 'R-state-1' }, { to: 'CLOSED' })).toBeNull();
    await expect(moveRefund(models, { outRefundNo: 'R-state-1' }, { from: 'SUCCESS', to: 'CLOSED' })).rejects.toBeInstanceOf(IllegalStateMove);
  });
});

/** Every .ts file under a folder. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The text between the bracket at `open` and its match. */
function balanced(text: string, open: number): string {
  const close = text[open] === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** Whether a write's arguments set, unset or rename `status` (the filter may name it: that is the compare). */
function writesStatus(args: string): boolean {
  for (const op of args.matchAll(/\$(set|unset|rename)\s*:\s*\{/g)) {
    const body = balanced(args, op.index + op[0].length - 1);
    if (/(^|[{,\s])['"]?status['"]?\s*:/.test(body)) return true;
  }
  return false;
}

describe('no status is written without the state-table helpers', () => {
  const src = join(__dirname, '../src');
  const helpers = new Set(['infra/move-state.ts']);
  const writes = /\b(Order|PaymentAttempt|Refund)\s*\.\s*(updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|replaceOne|bulkWrite)\s*\(/g;
  const offendersIn = (text: string): number[] =>
    [...text.matchAll(writes)].filter((m) => writesStatus(balanced(text, m.index + m[0].length - 1))).map((m) => text.slice(0, m.index).split('\n').length);

  it('finds the writes it is looking for (the scan itself works)', () => {
    expect(offendersIn("await s.models.Order.updateOne({ _id, status: 'PAID' }, { $set: { shipping: { a: 1 }, status: 'SHIPPED' } });")).toEqual([1]);
    expect(offendersIn("models.Refund.findOneAndUpdate({ outRefundNo }, {\n  $unset: { status: 1 } })")).toEqual([1]);
    expect(offendersIn("await models.Order.updateOne({ _id, status: 'PAID' }, { $set: { 'shipping.upload.status': 'DONE' } });")).toEqual([]);
    expect(offendersIn("await models.Refund.updateOne({ outRefundNo }, { $setOnInsert: { status: 'PENDING' } }, { upsert: true });")).toEqual([]);
  });

  it('in apps/api/src', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !helpers.has(relative(src, file)))
      .flatMap((file) => offendersIn(readFileSync(file, 'utf8')).map((line) => `${relative(src, file)}:${line}`));
    expect(offenders).toEqual([]);
  });
});
