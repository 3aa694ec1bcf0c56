// The payment core against the sandbox: prepay, requestPayment signatures, notifications applied exactly once
// whatever WeChat does, active queries, expiry racing payment, and several instances behaving as one.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyRequestPayment } from '@xiaodian/wechatpay';
import { runOrderExpiry } from '../src/modules/payments/order-expiry-job';
import { runPaymentSync } from '../src/modules/payments/payment-sync-job';
import { runRefundSync } from '../src/modules/refunds/refund-sync-job';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';
import { forgeNotification, transactionFor } from './wechat-forge';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());
afterEach(async () => {
  await world.sandbox.control.clearFaults();
  await world.api.instance.services.drain();
});

const services = () => world.api.instance.services;

async function placeOrder(user: string, quantity = 1, priceFen = 1999) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { priceFen, stock: 10 });
  const order = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity }] } });
  expect(order.status).toBe(201);
  return { token, product, order: order.body, openid: (await world.sandbox.control.loginCode(user)).openid };
}

async function pay(token: string, orderId: string) {
  const res = await call(world.api.url, 'POST', `/api/orders/${orderId}/pay`, { token });
  expect(res.status).toBe(200);
  return { params: res.body, prepayId: String(res.body.package).replace('prepay_id=', '') };
}

const orderStatus = async (token: string, id: string, sync = false) =>
  (await call(world.api.url, 'GET', `/api/orders/${id}${sync ? '?sync=1' : ''}`, { token })).body;

const notificationsOf = (outTradeNo: string) => services().models.Notification.find({ outTradeNo }).lean();
/** Today's count of unauthenticated refusals by reason (they are counted, and only sampled into Notification). */
const refusalsToday = async (kind: 'payment' | 'refund' = 'payment'): Promise<Record<string, number>> =>
  ((await services().models.NotificationRefusals.findById(`${kind}:${new Date().toISOString().slice(0, 10)}`).lean())?.reasons as unknown as Record<string, number>) ?? {};

describe('prepay and requestPayment', () => {
  it('signs requestPayment with RSA over appId, timeStamp, nonceStr and the prepay_id package', async () => {
    const { token, order } = await placeOrder('payer-1');
    const { params } = await pay(token, order.id);
    expect(params).toMatchObject({ appId: world.sandbox.apiEnv.WECHAT_APPID, signType: 'RSA' });
    expect(params.package).toMatch(/^prepay_id=/);
    expect(params.timeStamp).toMatch(/^\d{10}$/);
    expect(params.nonceStr.length).toBeLessThanOrEqual(32);
    const merchantPublic = createPublicKey(readFileSync(world.sandbox.apiEnv.WECHATPAY_PRIVATE_KEY!, 'utf8'));
    expect(verifyRequestPayment(params, merchantPublic)).toBe(true);
    expect(verifyRequestPayment({ ...params, package: 'prepay_id=other' }, merchantPublic)).toBe(false);
  });

  it('reuses the prepay_id when paying again, and prepays with the order expiry and notify URL', async () => {
    const { token, order } = await placeOrder('payer-2');
    const first = await pay(token, order.id);
    const second = await pay(token, order.id);
    expect(second.prepayId).toBe(first.prepayId);
    const attempts = await services().models.PaymentAttempt.find({ orderId: order.id }).lean();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.timeExpire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(new Date(attempts[0]!.timeExpire).getTime()).toBe(Math.floor(new Date(order.expiresAt).getTime() / 1000) * 1000);
    const trade = (await world.sandbox.control.trades()).find((t) => t.out_trade_no === order.outTradeNo)!;
    expect(trade.notify_url).toBe(`${world.api.url}/api/pay/notify`);
    expect(trade.amount.total).toBe(1999);
  });

  it('gives concurrent pay calls one attempt and one prepay_id', async () => {
    const { token, order } = await placeOrder('payer-concurrent');
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.package)).size).toBe(1);
    const attempts = await services().models.PaymentAttempt.find({ orderId: order.id }).lean();
    expect(attempts).toHaveLength(1);
    expect((await services().models.Order.findById(order.id).lean())?.outTradeNo).toBe(attempts[0]!.outTradeNo);
  });

  it('retries a 5xx from WeChat with the same parameters', async () => {
    const { token, order } = await placeOrder('payer-5xx');
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['prepay'], count: 2 });
    const { prepayId } = await pay(token, order.id);
    expect(prepayId).toBeTruthy();
  });

  it('answers 503 when WeChat stays unavailable, and nothing is charged', async () => {
    const { token, order } = await placeOrder('payer-down');
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['prepay'] });
    const res = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('WECHAT_UNAVAILABLE');
    await world.sandbox.control.clearFaults();
    expect((await pay(token, order.id)).prepayId).toBeTruthy();
  });
});

describe('payment notifications', () => {
  it('marks the order PAID once the sandbox cashier confirms', async () => {
    const { token, order, product } = await placeOrder('happy', 2);
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    const paid = await eventually(async () => {
      const o = await orderStatus(token, order.id);
      return o.status === 'PAID' && o;
    });
    expect(paid.transactionId).toBeTruthy();
    expect(paid.paidAt).toBeTruthy();
    await services().drain();
    expect((await services().models.Sku.findById(product.skus[0].id).lean())?.stock).toBe(8);
    expect((await services().models.Sku.findById(product.skus[0].id).lean())?.reservations).toHaveLength(0);
  });

  it('applies duplicate and concurrent duplicate notifications once', async () => {
    const { token, order } = await placeOrder('dupes');
    await world.sandbox.control.setFault({ kind: 'concurrent_duplicates', outTradeNo: order.outTradeNo, count: 5 });
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    await eventually(async () => (await notificationsOf(order.outTradeNo)).length >= 5);
    const outcomes = (await notificationsOf(order.outTradeNo)).map((n) => n.outcome);
    expect(outcomes.filter((o) => o === 'APPLIED')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'APPLIED' && o !== 'DUPLICATE')).toHaveLength(0);
    const events = (await services().models.Order.findById(order.id).lean())!.events.filter((e) => e.status === 'PAID');
    expect(events).toHaveLength(1);
  });

  it('refuses forged, stale, wrong-serial and probe signatures, and accepts the redelivery', async () => {
    const { token, order, openid } = await placeOrder('forgery');
    await pay(token, order.id);
    const tx = transactionFor(world, order.outTradeNo, 1999, openid);
    const notify = (n: { headers: Record<string, string>; raw: string }) => call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
    const countedBefore = await refusalsToday();

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const strangerKey = join(world.dataDir, 'stranger.pem');
    writeFileSync(strangerKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const forged = await notify(forgeNotification(world, tx, { signWith: strangerKey }));
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ code: 'FAIL' });

    const stale = await notify(forgeNotification(world, tx, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(stale.status).toBe(401);
    const wrongSerial = await notify(forgeNotification(world, tx, { serial: 'PUB_KEY_ID_NOT_OURS' }));
    expect(wrongSerial.status).toBe(401);

    const probe = forgeNotification(world, tx);
    probe.headers['Wechatpay-Signature'] = 'WECHATPAY/SIGNTEST/' + probe.headers['Wechatpay-Signature'];
    expect((await notify(probe)).status).toBe(401);

    const tampered = forgeNotification(world, tx);
    const reworded = await notify({ headers: tampered.headers, raw: tampered.raw.replace('"summary":"支付成功"', '"summary":"支付失败"') });
    expect(reworded.status).toBe(401);
    expect((await orderStatus(token, order.id)).status).toBe('PENDING_PAYMENT');

    // WeChat's good redelivery is applied.
    expect((await notify(forgeNotification(world, tx))).status).toBe(204);
    expect((await orderStatus(token, order.id)).status).toBe('PAID');
    // Unsigned, so counted (not stored one by one): two bad signatures (a stranger's key, a reworded body).
    const counted = await refusalsToday();
    const more = (reason: string) => (counted[reason] ?? 0) - (countedBefore[reason] ?? 0);
    expect({ BAD_SIGNATURE: more('BAD_SIGNATURE'), STALE_TIMESTAMP: more('STALE_TIMESTAMP'), UNKNOWN_SERIAL: more('UNKNOWN_SERIAL'), SIGNTEST_PROBE: more('SIGNTEST_PROBE') }).toEqual({
      BAD_SIGNATURE: 2,
      STALE_TIMESTAMP: 1,
      UNKNOWN_SERIAL: 1,
      SIGNTEST_PROBE: 1,
    });
  });

  it('survives the sandbox probe and tampered signatures on real deliveries', async () => {
    const { token, order } = await placeOrder('probe-delivery');
    await world.sandbox.control.setFault({ kind: 'signtest', outTradeNo: order.outTradeNo, count: 1 });
    await world.sandbox.control.setFault({ kind: 'tamper_signature', outTradeNo: order.outTradeNo, count: 1 });
    const countedBefore = await refusalsToday();
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    await eventually(async () => (await orderStatus(token, order.id)).status === 'PAID', 10_000);
    const recorded = (await notificationsOf(order.outTradeNo)).length;
    const counted = await refusalsToday();
    // The refused deliveries were counted (unsigned: not stored one by one), at least the probe.
    expect((counted.SIGNTEST_PROBE ?? 0) - (countedBefore.SIGNTEST_PROBE ?? 0)).toBeGreaterThanOrEqual(1);
    expect(recorded).toBeGreaterThanOrEqual(1);
  });

  it('records an amount mismatch for an admin, never marks the order paid: it closes and the money WeChat took is refunded', async () => {
    const { token, order, openid } = await placeOrder('mismatch');
    await pay(token, order.id);
    const tx = transactionFor(world, order.outTradeNo, 1, openid);
    const n = forgeNotification(world, tx);
    const res = await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
    expect(res.status).toBe(204);
    expect(await orderStatus(token, order.id)).toMatchObject({ status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' });
    const anomaly = await services().models.Anomaly.findOne({ outTradeNo: order.outTradeNo }).lean();
    expect(anomaly).toMatchObject({ kind: 'AMOUNT_MISMATCH', status: 'OPEN', amountFen: 1 });
    expect(await services().models.Refund.findOne({ outTradeNo: order.outTradeNo }).lean()).toMatchObject({ outRefundNo: `AR${tx.transaction_id}`, amountFen: 1 });
  });

  it('records a payment for another appid or mchid as an anomaly; only our own trade (our mchid) is refunded', async () => {
    const { token, order, openid } = await placeOrder('identity');
    await pay(token, order.id);
    const foreign = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid, { mchid: '1900000000' }));
    expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: foreign.headers, raw: foreign.raw })).status).toBe(204);
    expect((await orderStatus(token, order.id)).status).toBe('PENDING_PAYMENT');
    const n = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid, { appid: 'wx_someone_else' }));
    expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw })).status).toBe(204);
    expect((await orderStatus(token, order.id)).status).toBe('CLOSED');
    expect(await services().models.Anomaly.countDocuments({ outTradeNo: order.outTradeNo, kind: 'IDENTITY_MISMATCH' })).toBe(2);
    await services().drain();
    expect(await services().models.Refund.countDocuments({ outTradeNo: order.outTradeNo })).toBe(1);
  });

  it('applies out-of-order notifications: the one WeChat holds back arrives after a later payment\'s, and each applies once', async () => {
    const a = await placeOrder('ooo-a');
    const b = await placeOrder('ooo-b');
    // out_of_order holds a's notification back (here 1.5 s): b, paid after a, is notified first.
    await world.sandbox.control.setFault({ kind: 'out_of_order', outTradeNo: a.order.outTradeNo, ms: 1_500 });
    const pa = await pay(a.token, a.order.id);
    const pb = await pay(b.token, b.order.id);
    await world.sandbox.control.pay(pa.prepayId, 'SUCCESS');
    await world.sandbox.control.pay(pb.prepayId, 'SUCCESS');
    await eventually(async () => (await orderStatus(b.token, b.order.id)).status === 'PAID', 5_000);
    // The fault did something: nothing has arrived for a yet, and a is not paid as far as the API knows.
    expect(await notificationsOf(a.order.outTradeNo)).toHaveLength(0);
    expect((await orderStatus(a.token, a.order.id)).status).toBe('PENDING_PAYMENT');
    await eventually(async () => (await orderStatus(a.token, a.order.id)).status === 'PAID', 10_000);
    // Received in the reverse order of payment, each applied exactly once.
    const received = await services()
      .models.Notification.find({ kind: 'payment', outTradeNo: { $in: [a.order.outTradeNo, b.order.outTradeNo] } })
      .sort({ receivedAt: 1, _id: 1 })
      .lean();
    expect(received.map((n) => [n.outTradeNo, n.outcome])).toEqual([
      [b.order.outTradeNo, 'APPLIED'],
      [a.order.outTradeNo, 'APPLIED'],
    ]);
  });
});

describe('no payment is ever lost', () => {
  it('finds a lost notification through ?sync=1 (rate-limited per order)', async () => {
    const { token, order } = await placeOrder('lost-sync');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    expect((await orderStatus(token, order.id)).status).toBe('PENDING_PAYMENT');
    const synced = await orderStatus(token, order.id, true);
    expect(synced.status).toBe('PAID');
    expect(synced.transactionId).toBeTruthy();
  });

  it('asks WeChat at most once per 2 s per order on ?sync=1', async () => {
    const { token, order } = await placeOrder('throttle');
    await pay(token, order.id);
    const before = world.wechatPayCalls(`/out-trade-no/${order.outTradeNo}`, 'GET');
    await Promise.all(Array.from({ length: 5 }, () => orderStatus(token, order.id, true)));
    expect(world.wechatPayCalls(`/out-trade-no/${order.outTradeNo}`, 'GET') - before).toBe(1);
  });

  it('finds a lost notification with nobody polling: the payment-sync job', async () => {
    const { token, order } = await placeOrder('lost-job');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    // Not yet due: the job leaves fresh attempts alone for about a minute.
    expect(await runPaymentSync(services(), new Date())).toBe(0);
    expect(await runPaymentSync(services(), new Date(Date.now() + 61_000))).toBeGreaterThanOrEqual(1);
    expect((await orderStatus(token, order.id)).status).toBe('PAID');
  });

  it('expiry racing a payment: WeChat says paid, so the order becomes PAID instead of CLOSED', async () => {
    const { token, order, product } = await placeOrder('race-expiry');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { prepayId } = await pay(token, order.id);
    await world.sandbox.control.pay(prepayId, 'SUCCESS');
    await runOrderExpiry(services(), new Date(Date.now() + 901_000));
    const after = await orderStatus(token, order.id);
    expect(after.status).toBe('PAID');
    await services().drain();
    expect((await services().models.Sku.findById(product.skus[0].id).lean())?.stock).toBe(9);
  });

  it('expires an unpaid order: closed at WeChat, CLOSED here, stock back once', async () => {
    const { token, order, product } = await placeOrder('expire', 3);
    const { prepayId } = await pay(token, order.id);
    const due = new Date(Date.now() + 901_000);
    const [n1, n2] = await Promise.all([runOrderExpiry(services(), due), runOrderExpiry(services(), due)]);
    expect(n1 + n2).toBe(1);
    expect((await orderStatus(token, order.id)).status).toBe('CLOSED');
    expect((await services().models.Sku.findById(product.skus[0].id).lean())?.stock).toBe(10);
    expect((await world.sandbox.control.trade(order.outTradeNo)).transaction.trade_state).toBe('CLOSED');
    // The shopper can no longer pay the closed trade.
    const late = await world.sandbox.control.pay(prepayId, 'SUCCESS').catch((e: Error) => e);
    expect(late).toBeInstanceOf(Error);
  });

  it('never closes an order under a payment being applied: an attempt already PAID makes the cancel finish the payment', async () => {
    const { token, order } = await placeOrder('cancel-under-payment');
    const { prepayId } = await pay(token, order.id);
    // The shopper paid; the notification is still on its way. Applying it moves the attempt first, then the
    // order: this is the moment between the two writes (or what a process that died there leaves).
    await world.sandbox.control.pay(prepayId, 'SUCCESS', { notify: false });
    await services().models.PaymentAttempt.updateOne({ outTradeNo: order.outTradeNo }, { $set: { status: 'PAID' } });
    const cancel = await call(world.api.url, 'POST', `/api/orders/${order.id}/cancel`, { token });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await orderStatus(token, order.id)).status).toBe('PAID');
    expect((await world.sandbox.control.trade(order.outTradeNo)).transaction.trade_state).toBe('SUCCESS');
    expect(await services().models.Anomaly.countDocuments({ orderId: order.id })).toBe(0);
    // The expiry job, meeting the same state, does the same.
    const second = await placeOrder('expire-under-payment');
    const paid = await pay(second.token, second.order.id);
    await world.sandbox.control.pay(paid.prepayId, 'SUCCESS', { notify: false });
    await services().models.PaymentAttempt.updateOne({ outTradeNo: second.order.outTradeNo }, { $set: { status: 'PAID' } });
    await runOrderExpiry(services(), new Date(Date.now() + 3600_000));
    expect((await orderStatus(second.token, second.order.id)).status).toBe('PAID');
    expect(await services().models.Anomaly.countDocuments({ orderId: second.order.id })).toBe(0);
  });

  it('finishes an automatic refund whose process died after recording the anomaly', async () => {
    const { token, order, openid } = await placeOrder('refund-after-crash');
    await pay(token, order.id);
    await call(world.api.url, 'POST', `/api/orders/${order.id}/cancel`, { token });
    const tx = transactionFor(world, order.outTradeNo, 1999, openid);
    // What the crash left: the anomaly says "refunding", but no refund was ever written.
    await services().models.Anomaly.create({
      kind: 'PAID_AFTER_CLOSE',
      key: `PAID_AFTER_CLOSE:${tx.transaction_id}`,
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      transactionId: tx.transaction_id,
      amountFen: 1999,
      detail: 'recorded just before a crash',
      status: 'AUTO_REFUND',
      createdAt: new Date(),
    });
    const n = forgeNotification(world, tx);
    expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw })).status).toBe(204);
    await services().drain();
    expect(await services().models.Refund.countDocuments({ transactionId: tx.transaction_id })).toBe(1);
  });

  it('refunds automatically a payment that arrives for a closed order, once', async () => {
    const { token, order, openid } = await placeOrder('paid-after-close');
    await pay(token, order.id);
    expect((await call(world.api.url, 'POST', `/api/orders/${order.id}/cancel`, { token })).body.status).toBe('CLOSED');
    // WeChat insists it was paid (e.g. the shopper paid in the instant before the close).
    const tx = transactionFor(world, order.outTradeNo, 1999, openid);
    for (let i = 0; i < 3; i++) {
      const n = forgeNotification(world, tx);
      expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw })).status).toBe(204);
    }
    await services().drain();
    expect((await orderStatus(token, order.id)).status).toBe('CLOSED');
    // The timeline keeps the shopper's cancel and nothing else: the payment after it is no step of the order.
    const closed = (await services().models.Order.findById(order.id).lean())!;
    expect(closed.events.map((e) => [e.status, e.code])).toEqual([
      ['PENDING_PAYMENT', 'PLACED'],
      ['CLOSED', 'CANCELLED'],
    ]);
    expect(closed.outbox).toEqual([]);
    const refunds = await services().models.Refund.find({ outTradeNo: order.outTradeNo }).lean();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amountFen: 1999, affectsOrder: false, requestedBy: 'system' });
    const anomaly = await services().models.Anomaly.findOne({ outTradeNo: order.outTradeNo }).lean();
    expect(anomaly?.kind).toBe('PAID_AFTER_CLOSE');
  });
});

describe('several instances behave as one', () => {
  it('applies concurrent notifications across two instances once and shares jobs safely', async () => {
    const second = await world.startAnotherInstance();
    const { token, order, openid } = await placeOrder('two-instances');
    await pay(token, order.id);
    const tx = transactionFor(world, order.outTradeNo, 1999, openid);
    const sends = Array.from({ length: 10 }, (_, i) => {
      const n = forgeNotification(world, tx);
      return call(i % 2 ? second.url : world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
    });
    expect((await Promise.all(sends)).every((r) => r.status === 204)).toBe(true);
    const outcomes = (await notificationsOf(order.outTradeNo)).map((n) => n.outcome);
    expect(outcomes.filter((o) => o === 'APPLIED')).toHaveLength(1);

    const other = await placeOrder('two-instances-job');
    await pay(other.token, other.order.id);
    const due = new Date(Date.now() + 61_000);
    const before = world.wechatPayCalls(`/out-trade-no/${other.order.outTradeNo}`, 'GET');
    const [x, y] = await Promise.all([runPaymentSync(services(), due), runPaymentSync(second.instance.services, due)]);
    expect(x + y).toBeGreaterThanOrEqual(1);
    // The attempt was queried once, by whichever instance claimed it.
    expect(world.wechatPayCalls(`/out-trade-no/${other.order.outTradeNo}`, 'GET') - before).toBe(1);
  });

  it('retries automatic refunds in the refund job when WeChat was down', async () => {
    const { token, order, openid } = await placeOrder('refund-retry');
    await pay(token, order.id);
    await call(world.api.url, 'POST', `/api/orders/${order.id}/cancel`, { token });
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['refund'] });
    const n = forgeNotification(world, transactionFor(world, order.outTradeNo, 1999, openid));
    await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
    await services().drain();
    expect((await services().models.Refund.findOne({ outTradeNo: order.outTradeNo }).lean())?.status).toBe('PENDING');
    await world.sandbox.control.clearFaults();
    await runRefundSync(services(), new Date(Date.now() + 3_600_000));
    expect((await services().models.Refund.findOne({ outTradeNo: order.outTradeNo }).lean())?.status).not.toBe('PENDING');
  });
});
