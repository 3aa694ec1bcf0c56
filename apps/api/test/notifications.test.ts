// What the notify URLs keep of what they receive: junk is counted and sampled, not stored one by one; events the
// shop does not act on are IGNORED; a resource that is not a transaction is refused; records expire.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongooseConnectOptions, startEmbeddedMongo } from '@xiaodian/devdb';
import { loadPrivateKey, signedHeaders } from '@xiaodian/wechatpay';
import { defineModels } from '../src/collections';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';
import { forgeNotification, transactionFor } from './wechat-forge';

let world: World;
let admin: string;
beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const models = () => world.api.instance.services.models;
const notify = (headers: Record<string, string>, raw: string, path = '/api/pay/notify') => call(world.api.url, 'POST', path, { headers, raw });

async function pendingOrder(user: string) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { priceFen: 1999, stock: 5 });
  const order = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
  expect((await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token })).status).toBe(200);
  return { token, order, openid: (await world.sandbox.control.loginCode(user)).openid };
}

describe('unsigned junk', () => {
  it('is counted, not stored: one sample a minute, its headers cut to 64 characters, in the database and the log', async () => {
    const serial = 'S'.repeat(8 * 1024);
    const junk = () => ({
      'Wechatpay-Serial': serial,
      'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000)),
      'Wechatpay-Nonce': 'N'.repeat(4 * 1024),
      'Wechatpay-Signature': 'x'.repeat(344),
    });
    const storedBefore = await models().Notification.countDocuments({ kind: 'payment' });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push((await notify(junk(), JSON.stringify({ id: `junk-${i}`, pad: 'p'.repeat(4000) }))).status);
    // Without any header at all, and with a stale timestamp: refused before the signature, counted the same.
    answers.push((await notify({}, '{}')).status);
    answers.push((await notify({ ...junk(), 'Wechatpay-Timestamp': '1' }, '{}')).status);
    expect(answers.every((status) => status === 401)).toBe(true);

    const stored = await models().Notification.find({ kind: 'payment', receivedAt: { $gte: new Date(Date.now() - 60_000) }, outcome: 'REFUSED' }).lean();
    expect(stored.length).toBeLessThanOrEqual(1);
    expect(await models().Notification.countDocuments({ kind: 'payment' })).toBe(storedBefore + stored.length);
    for (const n of stored) expect(n.serial!.length).toBeLessThanOrEqual(65);

    const day = new Date().toISOString().slice(0, 10);
    const counter = await models().NotificationRefusals.findById(`payment:${day}`).lean();
    expect(counter?.total).toBe(32);
    expect(counter?.reasons as unknown).toEqual({ UNKNOWN_SERIAL: 30, MISSING_HEADERS: 1, STALE_TIMESTAMP: 1 });

    const log = world.logText();
    expect(log).not.toContain('S'.repeat(65));
    expect(log).not.toContain('N'.repeat(65));
    expect(log.split('\n').filter((line) => line.includes('notification refused')).length).toBeLessThanOrEqual(1);

    // A minute later (the throttle passed) the next one is sampled again, and only that one.
    await models().Throttle.updateMany({ _id: /^notification-refused-sample:/ }, { $set: { until: new Date(Date.now() - 1) } });
    await notify(junk(), '{}');
    await notify(junk(), '{}');
    expect(await models().Notification.countDocuments({ kind: 'payment' })).toBe(storedBefore + stored.length + 1);
  });

  it('keeps every refusal WeChat signed, and counts refund-notify junk separately', async () => {
    const junk = { 'Wechatpay-Serial': 'R'.repeat(500), 'Wechatpay-Timestamp': String(Math.floor(Date.now() / 1000)), 'Wechatpay-Nonce': 'n', 'Wechatpay-Signature': 's' };
    for (let i = 0; i < 5; i++) expect((await notify(junk, '{}', '/api/pay/refund-notify')).status).toBe(401);
    const day = new Date().toISOString().slice(0, 10);
    expect((await models().NotificationRefusals.findById(`refund:${day}`).lean())?.total).toBe(5);
    expect(await models().Notification.countDocuments({ kind: 'refund', outcome: 'REFUSED' })).toBeLessThanOrEqual(1);

    // Signed by WeChat's key but not decryptable: stored every time (this is WeChat talking).
    const before = await models().Notification.countDocuments({ reason: 'DECRYPT_FAILED' });
    for (let i = 0; i < 3; i++) {
      const n = forgeNotification(world, { out_trade_no: 'x' });
      const body = JSON.parse(n.raw);
      body.resource.ciphertext = Buffer.from('not what was encrypted').toString('base64');
      const raw = JSON.stringify(body);
      // Signed with WeChat's key over the altered body, as WeChat would sign what it sends.
      const privateKey = loadPrivateKey(readFileSync(join(world.dataDir, 'wechatpay', 'pub_key.private.pem'), 'utf8'));
      const headers = signedHeaders(raw, { serial: world.sandbox.apiEnv.WECHATPAY_PUBLIC_KEY_ID!, privateKey });
      expect((await notify({ ...headers }, raw)).status).toBe(400);
    }
    expect(await models().Notification.countDocuments({ reason: 'DECRYPT_FAILED' })).toBe(before + 3);
  });
});

describe('what a signed notification says', () => {
  it('records events and trade states the shop does not act on as IGNORED, not DUPLICATE', async () => {
    const { token, order, openid } = await pendingOrder('ignored');
    const closed = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid, { trade_state: 'CLOSED' }));
    expect((await notify(closed.headers, closed.raw)).status).toBe(204);
    const other = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid), { eventType: 'TRANSACTION.SOMETHING_NEW' });
    expect((await notify(other.headers, other.raw)).status).toBe(204);
    const stored = await models().Notification.find({ $or: [{ outTradeNo: order.outTradeNo }, { eventType: 'TRANSACTION.SOMETHING_NEW' }] }).lean();
    expect(stored.map((n) => n.outcome).sort()).toEqual(['IGNORED', 'IGNORED']);
    expect((await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token })).body.status).toBe('PENDING_PAYMENT');
    const detail = await call(world.api.url, 'GET', `/api/admin/orders/${order.id}`, { token: admin });
    expect(detail.body.notifications).toEqual([expect.objectContaining({ outcome: 'IGNORED', reason: 'trade_state CLOSED' })]);
  });

  it('refuses a decrypted resource that is not a transaction (400), and changes nothing', async () => {
    const { token, order, openid } = await pendingOrder('malformed');
    const { amount: _amount, ...noAmount } = transactionFor(world, order.outTradeNo, 1999, openid);
    const { transaction_id: _id, ...noTransactionId } = transactionFor(world, order.outTradeNo, 1999, openid);
    const textAmount = transactionFor(world, order.outTradeNo, 1999, openid, { amount: { total: '1999', currency: 'CNY' } });
    for (const resource of [noAmount, noTransactionId, textAmount, { out_trade_no: order.outTradeNo, trade_state: 'SUCCESS' }]) {
      const n = forgeNotification(world, resource);
      const res = await notify(n.headers, n.raw);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'FAIL' });
    }
    const stored = await models().Notification.find({ outTradeNo: order.outTradeNo }).lean();
    expect(stored).toHaveLength(4);
    expect(stored.every((n) => n.outcome === 'REFUSED' && /not a transaction/.test(n.reason ?? ''))).toBe(true);
    expect(stored[0]!.reason).toMatch(/amount\.total/);
    expect(await models().Anomaly.countDocuments({ outTradeNo: order.outTradeNo })).toBe(0);
    expect((await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token })).body.status).toBe('PENDING_PAYMENT');
    // The genuine one still applies.
    const good = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid));
    expect((await notify(good.headers, good.raw)).status).toBe(204);
    await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token })).body.status === 'PAID');
  });
});

describe('records expire', () => {
  it('has TTL indexes: notifications and refusal counts after 180 days, throttles and leases once their time passed', async () => {
    const ttl = async (model: { collection: { indexes(): Promise<{ key: Record<string, unknown>; expireAfterSeconds?: number }[]> } }) =>
      (await model.collection.indexes()).filter((i) => i.expireAfterSeconds !== undefined).map((i) => ({ key: i.key, expireAfterSeconds: i.expireAfterSeconds }));
    expect(await ttl(models().Notification)).toEqual([{ key: { receivedAt: 1 }, expireAfterSeconds: 180 * 24 * 3600 }]);
    expect(await ttl(models().NotificationRefusals)).toEqual([{ key: { day: 1 }, expireAfterSeconds: 180 * 24 * 3600 }]);
    expect(await ttl(models().Throttle)).toEqual([{ key: { until: 1 }, expireAfterSeconds: 0 }]);
    expect(await ttl(models().Lease)).toEqual([{ key: { until: 1 }, expireAfterSeconds: 0 }]);
  });

  it('are swept by the embedded database', async () => {
    const mongo = await startEmbeddedMongo({ ttlMonitorIntervalMs: 50 });
    const db = mongoose.createConnection(mongo.uri, mongooseConnectOptions(mongo.kind));
    try {
      await db.asPromise();
      const m = defineModels(db);
      await Promise.all([m.Notification, m.Throttle, m.Lease].map((model) => model.createIndexes()));
      const old = new Date(Date.now() - 181 * 24 * 3600_000);
      await m.Notification.create([
        { kind: 'payment', outcome: 'REFUSED', receivedAt: old },
        { kind: 'payment', outcome: 'APPLIED', receivedAt: new Date() },
      ]);
      await m.Throttle.create([{ _id: 'passed', until: new Date(Date.now() - 1000) }, { _id: 'running', until: new Date(Date.now() + 60_000) }]);
      await m.Lease.create({ _id: 'gone', holder: 'x', until: new Date(Date.now() - 1000) });
      await eventually(async () => (await m.Notification.countDocuments()) === 1 && (await m.Throttle.countDocuments()) === 1 && (await m.Lease.countDocuments()) === 0);
      expect(await m.Throttle.findById('running').lean()).toBeTruthy();
      expect(await m.Notification.findOne().lean()).toMatchObject({ outcome: 'APPLIED' });
    } finally {
      await db.close();
      await mongo.stop();
    }
  });
});
