// After the parcel: the shopper confirms receipt (SHIPPED → COMPLETED, own orders only), WeChat's settlement and
// the auto-complete job end orders the same way once, the order's outbox holds the shopper's messages written
// with each change, orders blocked by an approved refund-only request are never shipped, and readable order
// numbers are unique under concurrent orders and searchable in the console.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutoComplete } from '../src/modules/shipping/auto-complete-job';
import { completeOrder } from '../src/modules/shipping/complete-order';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld({ env: { AUTO_COMPLETE_DAYS: '10' } });
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const services = () => world.api.instance.services;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(world.api.url, method, path, { token: admin, ...options });
const stored = async (id: string) => (await services().models.Order.findById(id).lean())!;
const DAY_MS = 24 * 3600_000;

async function paidOrder(user: string, priceFen = 4990) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { priceFen, stock: 5 });
  const placed = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
  const pay = await call(world.api.url, 'POST', `/api/orders/${placed.id}/pay`, { token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  await eventually(async () => (await stored(placed.id)).status === 'PAID');
  return { id: placed.id as string, orderNo: placed.orderNo as string, token };
}

async function shippedOrder(user: string) {
  const order = await paidOrder(user);
  const shipped = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { expressCompany: '顺丰速运', trackingNo: `SF${user.length}${Date.now()}` } });
  expect(shipped.status).toBe(200);
  return { ...order, trackingNo: shipped.body.shipment.trackingNo as string };
}

describe('confirm receipt', () => {
  it('completes a shipped order once: 200 COMPLETED, again 200 the same; the shopper sees shipment and completion', async () => {
    const order = await shippedOrder('rc-confirm');
    const before = (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token: order.token })).body;
    expect(before).toMatchObject({ status: 'SHIPPED', orderNo: order.orderNo, shipment: { expressCompany: '顺丰速运', trackingNo: order.trackingNo, shippedAt: expect.any(String) } });
    // The sandbox's mini program is under WeChat's trade management and the order has a transaction.
    expect(before.confirmInWechat).toBe(true);

    const confirmed = await call(world.api.url, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: order.token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(String) });
    const again = await call(world.api.url, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: order.token });
    expect(again.status).toBe(200);
    expect(again.body.completedAt).toBe(confirmed.body.completedAt);
    const doc = await stored(order.id);
    expect(doc.events.map((e) => [e.status, e.code])).toEqual([
      ['PENDING_PAYMENT', 'PLACED'],
      ['PAID', 'PAID'],
      ['SHIPPED', 'SHIPPED'],
      ['COMPLETED', 'COMPLETED'],
    ]);
    expect(doc.events.at(-1)!.data).toEqual({ via: 'SHOPPER' });
  });

  it('409 ORDER_STATE for an order not shipped, 404 for another shopper’s order or none; nothing changes', async () => {
    const paid = await paidOrder('rc-paid');
    const early = await call(world.api.url, 'POST', `/api/orders/${paid.id}/confirm-receipt`, { token: paid.token });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ORDER_STATE');
    expect((await stored(paid.id)).status).toBe('PAID');

    const shipped = await shippedOrder('rc-owner');
    const stranger = await shopperToken(world, 'rc-stranger');
    const theirs = await call(world.api.url, 'POST', `/api/orders/${shipped.id}/confirm-receipt`, { token: stranger });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await call(world.api.url, 'POST', `/api/orders/${new Types.ObjectId()}/confirm-receipt`, { token: stranger })).status).toBe(404);
    expect((await call(world.api.url, 'POST', '/api/orders/not-an-id/confirm-receipt', { token: stranger })).status).toBe(404);
    expect((await call(world.api.url, 'POST', `/api/orders/${shipped.id}/confirm-receipt`)).status).toBe(401);
    expect((await stored(shipped.id)).status).toBe('SHIPPED');
  });

  it('WeChat’s settlement completes by transaction id (a PAID order too), racing the shopper: one completion', async () => {
    const order = await shippedOrder('rc-race');
    const { transactionId } = await stored(order.id);
    const [a, b, c] = await Promise.all([
      completeOrder(services(), { transactionId: transactionId!, via: 'WECHAT' }),
      call(world.api.url, 'POST', `/api/orders/${order.id}/confirm-receipt`, { token: order.token }),
      completeOrder(services(), { orderId: order.id, via: 'AUTO' }),
    ]);
    // Whoever won, the others saw it done: the shopper's answer is the completed order either way.
    expect(b.status).toBe(200);
    expect(b.body.status).toBe('COMPLETED');
    expect([a.outcome, c.outcome].every((o) => o === 'COMPLETED' || o === 'ALREADY')).toBe(true);
    expect([a.outcome, c.outcome].filter((o) => o === 'COMPLETED').length).toBeLessThanOrEqual(1);
    expect((await stored(order.id)).events.filter((e) => e.code === 'COMPLETED')).toHaveLength(1);

    // Handed over outside this shop (never shipped here): WeChat's word completes it; the shopper's button does not.
    const paid = await paidOrder('rc-wechat-paid');
    expect((await completeOrder(services(), { orderId: paid.id, via: 'SHOPPER' })).outcome).toBe('NOT_COMPLETABLE');
    const tx = (await stored(paid.id)).transactionId!;
    expect((await completeOrder(services(), { transactionId: tx, via: 'WECHAT' })).outcome).toBe('COMPLETED');
    expect((await completeOrder(services(), { transactionId: tx, via: 'WECHAT' })).outcome).toBe('ALREADY');
    expect((await completeOrder(services(), { transactionId: 'no-such-transaction', via: 'WECHAT' })).outcome).toBe('NOT_FOUND');
  });
});

describe('the auto-complete job', () => {
  it(`completes orders shipped AUTO_COMPLETE_DAYS ago, and only those`, async () => {
    const old = await shippedOrder('rc-auto-old');
    const recent = await shippedOrder('rc-auto-recent');
    const now = new Date();
    await services().models.Order.updateOne({ _id: old.id }, { $set: { 'shipping.shippedAt': new Date(now.getTime() - 10 * DAY_MS - 1000) } });
    await services().models.Order.updateOne({ _id: recent.id }, { $set: { 'shipping.shippedAt': new Date(now.getTime() - 10 * DAY_MS + 60_000) } });
    expect(await runAutoComplete(services(), now)).toBeGreaterThanOrEqual(1);
    expect(await stored(old.id)).toMatchObject({ status: 'COMPLETED', completedAt: now });
    expect((await stored(old.id)).events.at(-1)).toMatchObject({ code: 'COMPLETED', data: { via: 'AUTO' } });
    expect((await stored(recent.id)).status).toBe('SHIPPED');
    // Run again (another instance, the next minute): nothing more.
    expect(await runAutoComplete(services(), now)).toBe(0);
    expect((await stored(old.id)).events.filter((e) => e.code === 'COMPLETED')).toHaveLength(1);
  });
});

describe('the outbox and blocked shipping', () => {
  it('PAID and OWNER_ORDER are written with the payment, SHIPPED with the shipment, each once', async () => {
    const order = await shippedOrder('rc-outbox');
    const doc = await stored(order.id);
    expect(doc.outbox.map((m) => [m.key, m.event, m.data])).toEqual([
      ['PAID', 'PAID', { amountFen: 4990 }],
      ['OWNER_ORDER', 'OWNER_ORDER', { amountFen: 4990 }],
      ['SHIPPED', 'SHIPPED', { expressCompany: '顺丰速运', trackingNo: order.trackingNo }],
    ]);
    // The same parcel shipped again (a double click) writes nothing more.
    expect((await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { expressCompany: '顺丰速运', trackingNo: order.trackingNo } })).status).toBe(200);
    expect((await stored(order.id)).outbox).toHaveLength(3);
  });

  it('an order blocked by an approved refund-only request is not shipped: 409 ORDER_NOT_SHIPPABLE', async () => {
    const order = await paidOrder('rc-blocked');
    await services().models.Order.updateOne({ _id: order.id }, { $set: { shipBlocked: true } });
    const refused = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { expressCompany: 'SF', trackingNo: 'SF-BLOCKED' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_NOT_SHIPPABLE');
    expect(await stored(order.id)).toMatchObject({ status: 'PAID' });
    expect((await stored(order.id)).outbox.map((m) => m.key)).toEqual(['PAID', 'OWNER_ORDER']);
    expect((await api('GET', `/api/admin/orders/${order.id}`)).body.shipBlocked).toBe(true);
  });
});

describe('readable order numbers', () => {
  it('20 concurrent orders get 20 distinct numbers of the Beijing day, found whole or in part by the console', async () => {
    const product = await createProduct(world, admin, { priceFen: 100, stock: 100 });
    // Four shoppers with five unpaid orders each (MAX_PENDING_ORDERS).
    const tokens = await Promise.all(['rc-no-1', 'rc-no-2', 'rc-no-3', 'rc-no-4'].map((u) => shopperToken(world, u)));
    const placed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(world.api.url, 'POST', '/api/orders', { token: tokens[i % 4], body: { items: [{ productId: product.id, quantity: 1 }] } })),
    );
    expect(placed.map((p) => p.status)).toEqual(Array(20).fill(201));
    const numbers = placed.map((p) => p.body.orderNo as string);
    expect(new Set(numbers).size).toBe(20);
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(2, 10).replaceAll('-', '');
    for (const no of numbers) expect(no).toMatch(new RegExp(`^${day}\\d{4,}$`));

    const one = placed[7]!.body;
    const mine = await call(world.api.url, 'GET', `/api/orders/${one.id}`, { token: tokens[7 % 4] });
    expect(mine.body.orderNo).toBe(one.orderNo);
    const whole = (await api('GET', `/api/admin/orders?q=${one.orderNo}`)).body;
    expect(whole.items.map((o: any) => o.id)).toEqual([one.id]);
    expect(whole.items[0].orderNo).toBe(one.orderNo);
    // The last digits a shopper reads out find it too; the day's prefix finds all of today's.
    const tail = (await api('GET', `/api/admin/orders?q=${one.orderNo.slice(-5)}`)).body;
    expect(tail.items.map((o: any) => o.id)).toContain(one.id);
    const today = (await api('GET', `/api/admin/orders?q=${day}&pageSize=100`)).body;
    expect(today.total).toBeGreaterThanOrEqual(20);
    // Only digits search numbers, as literal text: a pattern finds nothing.
    expect((await api('GET', `/api/admin/orders?q=${encodeURIComponent('.*')}`)).body.total).toBe(0);
  });
});
