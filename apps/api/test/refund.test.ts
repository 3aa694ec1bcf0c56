// Admin refunds against the sandbox: the owner only, never more than was paid (also under concurrent requests),
// one fixed out_refund_no per refund so retries never refund twice, refund notifications verified and applied
// once, the refund job for refunds that stay PROCESSING, and ABNORMAL refunds shown for action.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runRefundSync } from '../src/modules/refunds/refund-sync-job';
import { refundNoFor } from '../src/modules/refunds/refund-order';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';
import { forgeNotification } from './wechat-forge';

let world: World;
let owner: string;
let staff: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
  const created = await call(world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'clerk', password: 'clerk-password' } });
  expect(created.status).toBe(201);
  staff = (await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'clerk', password: 'clerk-password' } })).body.token;
});
afterAll(async () => world?.stop());
afterEach(async () => {
  await world.sandbox.control.clearFaults();
  await world.api.instance.services.drain();
});

const services = () => world.api.instance.services;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(world.api.url, method, path, { token: owner, ...options });

/** A paid order of `priceFen` (one item), paid through the sandbox cashier. */
async function paidOrder(user: string, priceFen = 10_000) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, owner, { priceFen, stock: 5 });
  const order = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
  const pay = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token });
  expect(pay.status).toBe(200);
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const paid = await eventually(async () => {
    const o = (await api('GET', `/api/admin/orders/${order.id}`)).body;
    return o.status === 'PAID' && o;
  });
  return { id: order.id as string, outTradeNo: paid.outTradeNo as string, transactionId: paid.transactionId as string, token };
}

const refund = (orderId: string, amountFen: number, options: { key?: string; token?: string; reason?: string } = {}) =>
  call(world.api.url, 'POST', `/api/admin/orders/${orderId}/refunds`, {
    token: options.token ?? owner,
    body: { amountFen, reason: options.reason ?? 'customer request' },
    ...(options.key ? { headers: { 'Idempotency-Key': options.key } } : {}),
  });

const detail = async (orderId: string) => (await api('GET', `/api/admin/orders/${orderId}`)).body;
const stored = async (orderId: string) => (await services().models.Order.findById(orderId).lean())!;
const wechatRefunds = async (outTradeNo: string) => (await world.sandbox.control.trade(outTradeNo)).refunds;

describe('who may refund, and what', () => {
  it('refunds are the owner’s: staff 403, shopper 403, no token 401; nothing is sent to WeChat', async () => {
    const order = await paidOrder('rf-roles');
    expect((await refund(order.id, 100, { token: staff })).status).toBe(403);
    expect((await refund(order.id, 100, { token: order.token })).status).toBe(403);
    expect((await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, { body: { amountFen: 100, reason: 'x' } })).status).toBe(401);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(0);
    expect((await stored(order.id)).refundCommittedFen).toBe(0);
  });

  it('refuses bad input, unknown orders and orders no money has reached', async () => {
    const order = await paidOrder('rf-input');
    expect((await refund(order.id, 0)).status).toBe(400);
    expect((await refund(order.id, 12.5)).status).toBe(400);
    expect((await refund(order.id, 100, { reason: '  ' })).status).toBe(400);
    expect((await refund(order.id, 100, { key: 'bad key with spaces' })).status).toBe(400);
    expect((await refund('0123456789abcdef01234567', 100)).status).toBe(404);
    expect((await refund('not-an-id', 100)).status).toBe(404);

    const token = await shopperToken(world, 'rf-unpaid');
    const product = await createProduct(world, owner, { priceFen: 500 });
    const unpaid = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
    const res = await refund(unpaid.id, 100);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_NOT_REFUNDABLE');
    expect(await services().models.Refund.countDocuments({ orderId: unpaid.id })).toBe(0);
  });
});

describe('partial and full refunds', () => {
  it('a partial refund leaves the order PAID; the rest is REFUNDING while WeChat works, then REFUNDED', async () => {
    const order = await paidOrder('rf-partial');
    const first = await refund(order.id, 3000, { reason: 'one cup broken' });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('PROCESSING');
    expect(first.body.outRefundNo).toMatch(/^R[a-f0-9]{56}$/);
    const during = await detail(order.id);
    expect(during).toMatchObject({ status: 'PAID', paidFen: 10_000, refundableFen: 7000, refundedFen: 0 });
    expect(during.refunds).toEqual([expect.objectContaining({ outRefundNo: first.body.outRefundNo, amountFen: 3000, status: 'PROCESSING', reason: 'one cup broken', requestedBy: 'owner' })]);
    const atWechat = await wechatRefunds(order.outTradeNo);
    expect(atWechat).toHaveLength(1);
    expect(atWechat[0]).toMatchObject({ out_refund_no: first.body.outRefundNo, amount: expect.objectContaining({ refund: 3000, total: 10_000 }) });

    await world.sandbox.control.settleRefund(first.body.outRefundNo, 'SUCCESS');
    const partly = await eventually(async () => {
      const o = await detail(order.id);
      return o.refundedFen === 3000 && o;
    });
    expect(partly).toMatchObject({ status: 'PAID', refundedFen: 3000, refundableFen: 7000 });
    expect(partly.refunds[0].status).toBe('SUCCESS');
    expect(partly.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'refund', outcome: 'APPLIED', outRefundNo: first.body.outRefundNo })]));

    const rest = await refund(order.id, 7000);
    expect(rest.status).toBe(201);
    // The whole remaining amount: REFUNDING while it is on its way.
    expect((await detail(order.id)).status).toBe('REFUNDING');
    await world.sandbox.control.settleRefund(rest.body.outRefundNo, 'SUCCESS');
    const full = await eventually(async () => {
      const o = await detail(order.id);
      return o.status === 'REFUNDED' && o;
    });
    expect(full).toMatchObject({ refundedFen: 10_000, refundableFen: 0 });
    expect((await stored(order.id)).refundsInFlight).toBe(0);
    // Nothing is left to give back.
    expect((await refund(order.id, 1)).status).toBe(409);

    // The timeline says what happened as codes, and a status appears only when the order really changed.
    const first3 = { amountFen: 3000, outRefundNo: first.body.outRefundNo };
    const rest7 = { amountFen: 7000, outRefundNo: rest.body.outRefundNo };
    expect(full.events.map((e: any) => [e.status, e.code, e.data])).toEqual([
      ['PENDING_PAYMENT', 'PLACED', undefined],
      ['PAID', 'PAID', { amountFen: 10_000 }],
      ['PAID', 'REFUND_STARTED', first3],
      ['PAID', 'REFUND_SUCCEEDED', first3],
      ['REFUNDING', 'REFUND_STARTED', rest7],
      ['REFUNDED', 'REFUND_SUCCEEDED', rest7],
    ]);
    expect(full.events.every((e: any) => e.note === undefined)).toBe(true);
    // One outbox message per refund that succeeded, written with the update that counted it.
    expect((await stored(order.id)).outbox.map((m) => [m.key, m.event, m.data])).toEqual([
      ['PAID', 'PAID', { amountFen: 10_000 }],
      ['OWNER_ORDER', 'OWNER_ORDER', { amountFen: 10_000 }],
      [`REFUNDED:${first3.outRefundNo}`, 'REFUNDED', first3],
      [`REFUNDED:${rest7.outRefundNo}`, 'REFUNDED', rest7],
    ]);
    // The shopper sees each refund, with its amount, reason and status.
    const mine = (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token: order.token })).body;
    expect(mine).toMatchObject({ status: 'REFUNDED', refundedFen: 10_000 });
    expect(mine.refunds).toEqual([
      { outRefundNo: first3.outRefundNo, amountFen: 3000, reason: 'one cup broken', status: 'SUCCESS', createdAt: expect.any(String), successAt: expect.any(String) },
      { outRefundNo: rest7.outRefundNo, amountFen: 7000, reason: 'customer request', status: 'SUCCESS', createdAt: expect.any(String), successAt: expect.any(String) },
    ]);

    const audit = (await api('GET', `/api/admin/audit?orderId=${order.id}`)).body.items;
    expect(audit.filter((a: any) => a.action === 'order.refund')).toHaveLength(2);
    expect(audit[audit.length - 1]).toMatchObject({ actor: 'owner', action: 'order.refund', orderId: order.id, detail: expect.stringContaining('3000 fen: one cup broken') });
    // The same facts as fields, for the console to word (it parses `detail` only for entries written before).
    expect(audit.map((a: any) => a.data)).toEqual([
      { amountFen: 7000, outRefundNo: rest7.outRefundNo, reason: 'customer request' },
      { amountFen: 3000, outRefundNo: first3.outRefundNo, reason: 'one cup broken' },
    ]);
  });

  it('refuses more than remains with 409 REFUND_EXCEEDS_PAID and reserves nothing for it', async () => {
    const order = await paidOrder('rf-over');
    const tooMuch = await refund(order.id, 10_001);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await refund(order.id, 6000)).status).toBe(201);
    const over = await refund(order.id, 4001);
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await refund(order.id, 4000)).status).toBe(201);
    expect(await stored(order.id)).toMatchObject({ refundCommittedFen: 10_000, refundsInFlight: 2, status: 'REFUNDING' });
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(2);
    // The refused requests left no refund behind, not even a draft.
    expect(await services().models.Refund.countDocuments({ orderId: order.id })).toBe(2);
    expect((await detail(order.id)).refunds).toHaveLength(2);
  });

  it('gives the money back to the order when WeChat closes a refund', async () => {
    const order = await paidOrder('rf-closed');
    const res = await refund(order.id, 2500);
    await world.sandbox.control.settleRefund(res.body.outRefundNo, 'CLOSED');
    const back = await eventually(async () => {
      const o = await detail(order.id);
      return o.refundableFen === 10_000 && o;
    });
    expect(back).toMatchObject({ status: 'PAID', refundedFen: 0 });
    expect(back.refunds[0].status).toBe('CLOSED');
  });
});

describe('never twice', () => {
  it('ten concurrent refunds of 30% each: exactly three succeed, the rest 409, and WeChat sees three', async () => {
    const order = await paidOrder('rf-concurrent');
    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(order.id, 3000)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'REFUND_EXCEEDS_PAID')).toBe(true);
    expect(new Set(answers.filter((a) => a.status === 201).map((a) => a.body.outRefundNo)).size).toBe(3);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(3);
    // Partial refunds all: the order stays PAID (shippable) while they are on their way.
    expect(await stored(order.id)).toMatchObject({ refundCommittedFen: 9000, refundsInFlight: 3, status: 'PAID' });
    expect(await services().models.Refund.countDocuments({ orderId: order.id })).toBe(3);
  });

  it('the same Idempotency-Key, sent concurrently and again later, is one refund', async () => {
    const order = await paidOrder('rf-idem');
    const key = 'console-7f3a9c';
    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(order.id, 4000, { key })));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const numbers = new Set(answers.map((a) => a.body.outRefundNo));
    expect(numbers.size).toBe(1);
    const again = await refund(order.id, 4000, { key });
    expect(again.status).toBe(201);
    expect(again.body.outRefundNo).toBe(answers[0]!.body.outRefundNo);

    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
    expect(await stored(order.id)).toMatchObject({ refundCommittedFen: 4000, refundsInFlight: 1 });
    expect((await api('GET', `/api/admin/audit?orderId=${order.id}`)).body.items.filter((a: any) => a.action === 'order.refund')).toHaveLength(1);

    const reused = await refund(order.id, 5000, { key });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another key is another refund.
    const other = await refund(order.id, 4000, { key: 'console-other' });
    expect(other.status).toBe(201);
    expect(other.body.outRefundNo).not.toBe(again.body.outRefundNo);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(2);
    expect((await stored(order.id)).refundCommittedFen).toBe(8000);
  });

  it('concurrent retries of a request that died after its first step reserve and send once', async () => {
    const order = await paidOrder('rf-idem-crash');
    // Another refund is under way; the racers all take part of what remains, so no status change orders them.
    expect((await refund(order.id, 1000)).status).toBe(201);
    const key = 'died-midway';
    // The request wrote its draft (step 1) and its process died before reserving the money.
    const outRefundNo = refundNoFor(new Types.ObjectId(order.id), key);
    await services().models.Refund.create({
      outRefundNo,
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      amountFen: 4000,
      totalFen: 10_000,
      reason: 'customer request',
      affectsOrder: true,
      status: 'PENDING',
      requestedBy: 'owner',
      createdAt: new Date(),
    });
    expect((await detail(order.id)).refunds).toHaveLength(1); // a draft is no refund yet
    // Every retry finds the draft and goes straight to the reservation: their reads all come before any write.
    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(order.id, 4000, { key })));
    expect(answers.every((a) => a.status === 201 && a.body.outRefundNo === outRefundNo)).toBe(true);
    expect(await stored(order.id)).toMatchObject({ refundCommittedFen: 5000, refundsInFlight: 2 });
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(2);
  });

  it('the refund job finishes refunds whose request died after reserving, and drops drafts never reserved', async () => {
    const order = await paidOrder('rf-stranded');
    const longAgo = new Date(Date.now() - 10 * 60_000);
    const draft = (outRefundNo: string, amountFen: number) => ({
      outRefundNo,
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      amountFen,
      totalFen: 10_000,
      reason: 'customer request',
      affectsOrder: true,
      status: 'PENDING' as const,
      requestedBy: 'owner',
      createdAt: longAgo,
    });
    const reservedNo = refundNoFor(new Types.ObjectId(order.id), 'reserved-then-died');
    const unreservedNo = refundNoFor(new Types.ObjectId(order.id), 'died-before-reserving');
    await services().models.Refund.create([draft(reservedNo, 3000), draft(unreservedNo, 2000)]);
    // Steps 1 and 2 of the first request happened (draft, reservation of part of the money); step 3 never did.
    await services().models.Order.updateOne({ _id: order.id, status: 'PAID' }, { $inc: { refundCommittedFen: 3000, refundsInFlight: 1 }, $push: { refundNos: reservedNo } });

    await runRefundSync(services(), new Date());
    expect((await wechatRefunds(order.outTradeNo)).map((r) => [r.out_refund_no, r.amount.refund])).toEqual([[reservedNo, 3000]]);
    expect((await services().models.Refund.findOne({ outRefundNo: reservedNo }).lean())?.status).toBe('PROCESSING');
    expect(await services().models.Refund.exists({ outRefundNo: unreservedNo })).toBeNull();
    expect(await stored(order.id)).toMatchObject({ refundCommittedFen: 3000, refundsInFlight: 1 });

    await world.sandbox.control.settleRefund(reservedNo, 'SUCCESS');
    await eventually(async () => (await stored(order.id)).refundedFen === 3000);
    expect(await stored(order.id)).toMatchObject({ status: 'PAID', refundsInFlight: 0 });
  });

  it('WeChat away: the refund waits as PENDING, a retry returns it, the refund job sends it once WeChat is back', async () => {
    const order = await paidOrder('rf-down');
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['refund'] });
    const first = await refund(order.id, 1500, { key: 'retry-me' });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('PENDING');
    const retried = await refund(order.id, 1500, { key: 'retry-me' });
    expect(retried.body).toEqual(first.body);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(0);
    expect((await stored(order.id)).refundCommittedFen).toBe(1500);

    await world.sandbox.control.clearFaults();
    await runRefundSync(services(), new Date(Date.now() + 3_600_000));
    const atWechat = await wechatRefunds(order.outTradeNo);
    expect(atWechat.map((r) => r.out_refund_no)).toEqual([first.body.outRefundNo]);
    expect((await services().models.Refund.findOne({ outRefundNo: first.body.outRefundNo }).lean())?.status).toBe('PROCESSING');
  });
});

describe('refund notifications and the refund job', () => {
  function refundResource(order: { outTradeNo: string; transactionId: string }, outRefundNo: string, amountFen: number, extra: Record<string, unknown> = {}) {
    return {
      mchid: world.sandbox.apiEnv.WECHATPAY_MCHID,
      out_trade_no: order.outTradeNo,
      transaction_id: order.transactionId,
      out_refund_no: outRefundNo,
      refund_id: `50300${Date.now()}`,
      refund_status: 'SUCCESS',
      success_time: new Date().toISOString(),
      user_received_account: '支付用户零钱',
      amount: { total: 10_000, refund: amountFen, payer_total: 10_000, payer_refund: amountFen },
      ...extra,
    };
  }
  const notify = (n: { headers: Record<string, string>; raw: string }) => call(world.api.url, 'POST', '/api/pay/refund-notify', { headers: n.headers, raw: n.raw });
  const asRefund = { eventType: 'REFUND.SUCCESS', originalType: 'refund' };

  it('refuses forged, stale and tampered refund notifications (recorded, and why) and applies the genuine one', async () => {
    const order = await paidOrder('rf-verify');
    const { outRefundNo } = (await refund(order.id, 2000)).body;
    const resource = refundResource(order, outRefundNo, 2000);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const strangerKey = join(world.dataDir, 'refund-stranger.pem');
    writeFileSync(strangerKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const before = await services().models.Notification.countDocuments({ kind: 'refund', outcome: 'REFUSED' });
    const day = new Date().toISOString().slice(0, 10);
    const countedBefore = (await services().models.NotificationRefusals.findById(`refund:${day}`).lean())?.total ?? 0;
    expect((await notify(forgeNotification(world, resource, { ...asRefund, signWith: strangerKey }))).status).toBe(401);
    expect((await notify(forgeNotification(world, resource, { ...asRefund, timestamp: Math.floor(Date.now() / 1000) - 400 }))).status).toBe(401);
    const tampered = forgeNotification(world, resource, asRefund);
    expect((await notify({ headers: tampered.headers, raw: tampered.raw.replace('REFUND.SUCCESS', 'REFUND.CLOSED') })).status).toBe(401);
    // Signed correctly, but for another merchant.
    expect((await notify(forgeNotification(world, refundResource(order, outRefundNo, 2000, { mchid: '1900000000' }), asRefund))).status).toBe(400);

    expect(await stored(order.id)).toMatchObject({ status: 'PAID', refundedFen: 0, refundsInFlight: 1 });
    const refused = await services().models.Notification.find({ kind: 'refund', outcome: 'REFUSED' }).sort({ receivedAt: 1 }).lean();
    // The three unsigned ones are counted (and at most one of them kept as a sample); the signed one is kept.
    expect((await services().models.NotificationRefusals.findById(`refund:${day}`).lean())?.total).toBe(countedBefore + 3);
    expect(refused.length - before).toBeGreaterThanOrEqual(1);
    expect(refused.length - before).toBeLessThanOrEqual(2);
    expect(refused.map((n) => n.reason)).toEqual(expect.arrayContaining([expect.stringContaining('mchid')]));
    // The one refused after decryption is shown on the order, with its reason.
    expect((await detail(order.id)).notifications).toEqual(expect.arrayContaining([expect.objectContaining({ outcome: 'REFUSED', outRefundNo, reason: expect.stringContaining('mchid') })]));

    expect((await notify(forgeNotification(world, resource, asRefund))).status).toBe(204);
    expect(await stored(order.id)).toMatchObject({ status: 'PAID', refundedFen: 2000, refundsInFlight: 0 });
  });

  it('applies duplicate refund notifications (sequential and concurrent) once', async () => {
    const order = await paidOrder('rf-dupes');
    const { outRefundNo } = (await refund(order.id, 1000)).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    const delivered = await world.sandbox.control.waitForNotification({ outRefundNo }, (n) => n.status === 'delivered');
    await world.sandbox.control.redeliver(delivered.id);
    await Promise.all([1, 2, 3].map(() => world.sandbox.control.redeliver(delivered.id)));
    const recorded = await eventually(async () => {
      const all = await services().models.Notification.find({ outRefundNo }).lean();
      return all.length >= 5 && all;
    });
    expect(recorded.map((n) => n.outcome).sort()).toEqual(['APPLIED', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE']);
    const after = await stored(order.id);
    expect(after).toMatchObject({ status: 'PAID', refundedFen: 1000, refundCommittedFen: 1000, refundsInFlight: 0 });
    expect(after.events.filter((e) => e.code === 'REFUND_SUCCEEDED' && (e.data as { outRefundNo?: string }).outRefundNo === outRefundNo)).toHaveLength(1);
    expect(after.outbox.filter((m) => m.key === `REFUNDED:${outRefundNo}`)).toHaveLength(1);
  });

  it('a SUCCESS reported for a refund that ended CLOSED (and was issued again) is an anomaly, never silently dropped', async () => {
    const order = await paidOrder('rf-late-success');
    const { outRefundNo } = (await refund(order.id, 2000)).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'CLOSED');
    await eventually(async () => (await stored(order.id)).refundCommittedFen === 0);
    const again = await api('POST', `/api/admin/refunds/${outRefundNo}/reissue`);
    expect(again.status).toBe(201);
    expect((await notify(forgeNotification(world, refundResource(order, outRefundNo, 2000), asRefund))).status).toBe(204);
    const anomaly = await services().models.Anomaly.findOne({ key: `REFUND_SUCCESS_AFTER_CLOSED:${outRefundNo}` }).lean();
    expect(anomaly).toMatchObject({ kind: 'REFUND_ABNORMAL', status: 'OPEN', amountFen: 2000, detail: expect.stringContaining(again.body.outRefundNo) });
    // Nothing is counted from it: the order holds the re-issued refund only.
    expect(await stored(order.id)).toMatchObject({ refundedFen: 0, refundCommittedFen: 2000, refundsInFlight: 1 });
    // The owner can close it once sorted out.
    expect((await api('POST', `/api/admin/anomalies/${anomaly!._id}/resolve`, { body: { note: 'checked at WeChat' } })).status).toBe(200);
  });

  it('a refund whose end was recorded but not counted on the order (a crash between) is counted once by the refund job', async () => {
    const order = await paidOrder('rf-count-crash');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { outRefundNo } = (await refund(order.id, 2500)).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    // The process moved the refund to SUCCESS, then died before the order's update.
    await services().models.Refund.updateOne({ outRefundNo }, { $set: { status: 'SUCCESS', settledAt: new Date(Date.now() - 120_000), countPending: true }, $unset: { nextSyncAt: 1 } });
    expect(await stored(order.id)).toMatchObject({ refundedFen: 0, refundsInFlight: 1 });

    await runRefundSync(services(), new Date());
    await runRefundSync(services(), new Date());
    const after = await stored(order.id);
    expect(after).toMatchObject({ status: 'PAID', refundedFen: 2500, refundCommittedFen: 2500, refundsInFlight: 0, refundsCounted: [outRefundNo] });
    expect(after.outbox.filter((m) => m.key === `REFUNDED:${outRefundNo}`)).toHaveLength(1);
    expect(after.events.filter((e) => e.code === 'REFUND_SUCCEEDED')).toHaveLength(1);
    expect((await services().models.Refund.findOne({ outRefundNo }).lean())?.countPending).toBeUndefined();
  });

  it('the refund job finds a refund whose notification was lost', async () => {
    const order = await paidOrder('rf-lost');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { outRefundNo } = (await refund(order.id, 10_000)).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    await world.sandbox.control.waitForNotification({ outRefundNo });
    expect((await stored(order.id)).status).toBe('REFUNDING');
    // Not due yet: refunds are left alone for a while after they were sent.
    expect(await runRefundSync(services(), new Date())).toBe(0);
    expect(await runRefundSync(services(), new Date(Date.now() + 3_600_000))).toBeGreaterThanOrEqual(1);
    expect(await stored(order.id)).toMatchObject({ status: 'REFUNDED', refundedFen: 10_000 });
  });

  it('an ABNORMAL refund is shown for action and keeps its amount reserved until WeChat settles it', async () => {
    const order = await paidOrder('rf-abnormal');
    const { outRefundNo } = (await refund(order.id, 4000)).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'ABNORMAL');
    const anomaly = await eventually(async () => {
      const open = (await api('GET', '/api/admin/anomalies')).body.items as any[];
      return open.find((a) => a.kind === 'REFUND_ABNORMAL' && a.orderId === order.id);
    });
    expect(anomaly).toMatchObject({ status: 'OPEN', amountFen: 4000 });
    const shown = await detail(order.id);
    expect(shown).toMatchObject({ status: 'PAID', refundableFen: 6000 });
    expect(shown.refunds[0]).toMatchObject({ outRefundNo, status: 'ABNORMAL' });
    expect(shown.anomalies).toEqual([expect.objectContaining({ id: anomaly.id, kind: 'REFUND_ABNORMAL' })]);

    // Staff may not close it; the owner cannot while WeChat still has it ABNORMAL.
    expect((await call(world.api.url, 'POST', `/api/admin/anomalies/${anomaly.id}/resolve`, { token: staff, body: { note: 'done' } })).status).toBe(403);
    const early = await api('POST', `/api/admin/anomalies/${anomaly.id}/resolve`, { body: { note: 'done' } });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('REFUND_STILL_ABNORMAL');

    // Sorted out at WeChat (money sent to another account): the order settles and the anomaly closes itself.
    await world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    const settled = await eventually(async () => {
      const o = await detail(order.id);
      return o.refundedFen === 4000 && o;
    });
    expect(settled).toMatchObject({ status: 'PAID', refundedFen: 4000, refundableFen: 6000 });
    expect((await stored(order.id)).refundsInFlight).toBe(0);
    expect(settled.anomalies[0].status).toBe('RESOLVED');
    expect((await api('GET', '/api/admin/anomalies')).body.items.find((a: any) => a.id === anomaly.id)).toBeUndefined();
  });
});

describe('refunds beside fulfilment', () => {
  const ship = (orderId: string, trackingNo: string) => api('POST', `/api/admin/orders/${orderId}/ship`, { body: { expressCompany: 'SF', trackingNo } });

  it('a partial refund in flight leaves a PAID order shippable and completable; a refund of everything does not', async () => {
    const order = await paidOrder('rf-ship-partial');
    const part = await refund(order.id, 3990, { reason: 'one cup broken' });
    expect(part.status).toBe(201);
    const shipped = await ship(order.id, 'SF-PARTIAL');
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('SHIPPED');
    // Still in flight, the order completes too.
    const received = await call(world.api.url, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: order.token });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'COMPLETED', refundedFen: 0, refunds: [expect.objectContaining({ amountFen: 3990, status: 'PROCESSING' })] });
    await world.sandbox.control.settleRefund(part.body.outRefundNo, 'SUCCESS');
    await eventually(async () => (await stored(order.id)).refundedFen === 3990);
    expect(await stored(order.id)).toMatchObject({ status: 'COMPLETED', refundsInFlight: 0 });

    const whole = await paidOrder('rf-ship-whole');
    expect((await refund(whole.id, 10_000)).status).toBe(201);
    expect((await stored(whole.id)).status).toBe('REFUNDING');
    const refused = await ship(whole.id, 'SF-WHOLE');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_NOT_SHIPPABLE');
    expect((await stored(whole.id)).shipping).toBeUndefined();
  });
});

describe('re-issuing a failed refund', () => {
  const reissue = (outRefundNo: string, token = owner) => call(world.api.url, 'POST', `/api/admin/refunds/${outRefundNo}/reissue`, { token });

  it('a full refund WeChat closes puts the order back; issued again (twice, racing) it is one new refund', async () => {
    const order = await paidOrder('rf-reissue');
    const failed = (await refund(order.id, 10_000, { reason: 'wrong size' })).body.outRefundNo as string;
    expect((await stored(order.id)).status).toBe('REFUNDING');
    // Not failed (yet): nothing to re-issue.
    const early = await reissue(failed);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ORDER_NOT_REFUNDABLE');

    await world.sandbox.control.settleRefund(failed, 'CLOSED');
    const back = await eventually(async () => {
      const o = await detail(order.id);
      return o.status === 'PAID' && o;
    });
    expect(back).toMatchObject({ refundedFen: 0, refundableFen: 10_000 });
    expect(back.events.at(-1)).toMatchObject({ status: 'PAID', code: 'REFUND_FAILED', data: { amountFen: 10_000, outRefundNo: failed } });

    expect((await reissue(failed, staff)).status).toBe(403);
    expect((await reissue('R-unknown')).status).toBe(404);
    const racing = await Promise.all([reissue(failed), reissue(failed), reissue(failed)]);
    expect(racing.map((r) => r.status)).toEqual([201, 201, 201]);
    const again = await reissue(failed);
    expect(again.status).toBe(201);
    const fresh = again.body.outRefundNo as string;
    expect(fresh).not.toBe(failed);
    expect(racing.every((r) => r.body.outRefundNo === fresh)).toBe(true);
    expect(again.body).toMatchObject({ amountFen: 10_000, reason: 'wrong size', reissueOf: failed, status: 'PROCESSING' });
    const audit = (await call(world.api.url, 'GET', `/api/admin/audit?orderId=${order.id}`, { token: owner })).body.items;
    expect(audit.filter((a: any) => a.action === 'order.refund').map((a: any) => a.data)).toEqual([
      { amountFen: 10_000, outRefundNo: fresh, reason: 'wrong size', reissueOf: failed },
      { amountFen: 10_000, outRefundNo: failed, reason: 'wrong size' },
    ]);
    // WeChat saw the failed refund and one new one: never two.
    expect((await wechatRefunds(order.outTradeNo)).map((r) => r.out_refund_no).sort()).toEqual([failed, fresh].sort());
    expect(await stored(order.id)).toMatchObject({ status: 'REFUNDING', refundCommittedFen: 10_000, refundsInFlight: 1 });
    expect((await detail(order.id)).refunds.find((r: any) => r.outRefundNo === failed)).toMatchObject({ status: 'CLOSED', reissuedAs: fresh });

    await world.sandbox.control.settleRefund(fresh, 'SUCCESS');
    await eventually(async () => (await stored(order.id)).status === 'REFUNDED');
    expect(await stored(order.id)).toMatchObject({ refundedFen: 10_000, refundsInFlight: 0 });
    // Still the same answer afterwards, and nothing new at WeChat.
    expect((await reissue(failed)).body.outRefundNo).toBe(fresh);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(2);
  });

  it('an ABNORMAL refund is issued again only once WeChat says it ended CLOSED', async () => {
    const order = await paidOrder('rf-reissue-abnormal');
    const stuck = (await refund(order.id, 4000)).body.outRefundNo as string;
    await world.sandbox.control.settleRefund(stuck, 'ABNORMAL');
    await eventually(async () => (await services().models.Refund.findOne({ outRefundNo: stuck }).lean())?.status === 'ABNORMAL');
    const refused = await reissue(stuck);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REFUND_STILL_ABNORMAL');
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
    expect((await detail(order.id)).refundableFen).toBe(6000);

    // Closed at WeChat, and its notification lost: the re-issue asks WeChat, applies the end, then refunds again.
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    await world.sandbox.control.settleRefund(stuck, 'CLOSED');
    expect((await services().models.Refund.findOne({ outRefundNo: stuck }).lean())?.status).toBe('ABNORMAL');
    const again = await reissue(stuck);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ amountFen: 4000, reissueOf: stuck });
    expect((await services().models.Refund.findOne({ outRefundNo: stuck }).lean())).toMatchObject({ status: 'CLOSED', reissuedAs: again.body.outRefundNo });
    expect(await stored(order.id)).toMatchObject({ status: 'PAID', refundCommittedFen: 4000, refundsInFlight: 1 });
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(2);
  });
});
