// Money and stock under abuse and bad luck: payments WeChat took that an order cannot keep, one shopper hoarding
// stock, absolute stock edits while units are reserved, the sweeper racing a slow order, refund notifications
// with the wrong amount. Through HTTP against the embedded database and the sandbox.
import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrder } from '../src/modules/orders/create-order';
import { runReservationSweeper } from '../src/modules/orders/reservation-sweeper-job';
import { reserveStock } from '../src/modules/orders/stock';
import { runOrderExpiry } from '../src/modules/payments/order-expiry-job';
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
const stockOf = async (productId: string) => (await call(world.api.url, 'GET', `/api/products/${productId}`)).body.stock as number;
const adminProduct = async (productId: string) =>
  ((await call(world.api.url, 'GET', '/api/admin/products', { token: admin })).body.items as { id: string }[]).find((p) => p.id === productId) as Record<string, unknown>;
const placeOrder = (token: string, productId: string, quantity = 1) =>
  call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId, quantity }] } });
const cancel = (token: string, orderId: string) => call(world.api.url, 'POST', `/api/orders/${orderId}/cancel`, { token });
const notify = (n: { headers: Record<string, string>; raw: string }) => call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });

/**
 * An order whose payment attempt exists here but whose prepay failed (WeChat answered 5xx): the sandbox has no
 * trade for it yet, so a paid trade of any amount can be put there under its out_trade_no, as WeChat would hold it.
 */
async function orderWithUnsentAttempt(user: string, priceFen = 1999, stock = 10) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { priceFen, stock });
  const order = (await placeOrder(token, product.id, 2)).body;
  await world.sandbox.control.setFault({ kind: 'http_5xx', outTradeNo: order.outTradeNo, endpoints: ['prepay'] });
  expect((await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token })).status).toBe(503);
  await world.sandbox.control.clearFaults();
  const openid = (await world.sandbox.control.loginCode(user)).openid;
  return { token, product, order, openid };
}

describe('8. a payment refused as an anomaly does not strand the order', () => {
  it('WeChat confirms the wrong amount: cancel closes the order (PAYMENT_REFUSED), the stock comes back, WeChat’s amount is refunded once', async () => {
    const { token, product, order, openid } = await orderWithUnsentAttempt('refused-amount');
    expect(await stockOf(product.id)).toBe(8);
    // WeChat took 1 fen for a 3,998-fen order (no notification: the cancel finds it by asking).
    const trade = await world.sandbox.control.insertTrade({ outTradeNo: order.outTradeNo, totalFen: 1, openid });

    const cancelled = await cancel(token, order.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' });
    expect(await stockOf(product.id)).toBe(10);
    await services().drain();

    const refunds = await services().models.Refund.find({ outTradeNo: order.outTradeNo }).lean();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ outRefundNo: `AR${trade.transaction_id}`, amountFen: 1, totalFen: 1, affectsOrder: false, requestedBy: 'system' });
    const atWechat = (await world.sandbox.control.trade(order.outTradeNo)).refunds;
    expect(atWechat.map((r) => [r.out_refund_no, r.amount.refund])).toEqual([[`AR${trade.transaction_id}`, 1]]);

    // The anomaly stays for the admin; the expiry job, a second cancel and the shopper's view all agree.
    const anomalies = (await call(world.api.url, 'GET', '/api/admin/anomalies', { token: admin })).body.items as { kind: string; orderId?: string }[];
    expect(anomalies).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'AMOUNT_MISMATCH', orderId: order.id, status: 'OPEN', amountFen: 1 })]));
    expect(await runOrderExpiry(services(), new Date(Date.now() + 3_600_000))).toBe(0);
    expect((await cancel(token, order.id)).body.status).toBe('CLOSED');
    expect((await call(world.api.url, 'GET', `/api/orders/${order.id}?sync=1`, { token })).body).toMatchObject({ status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' });
    // Asked again (a repeat of the payment), nothing is refunded twice.
    await services().drain();
    expect(await services().models.Refund.countDocuments({ outTradeNo: order.outTradeNo })).toBe(1);
  });

  it('the notification of a wrong amount closes the order by itself, and the expiry job never queries it again', async () => {
    const { token, product, order, openid } = await orderWithUnsentAttempt('refused-notified');
    await world.sandbox.control.insertTrade({ outTradeNo: order.outTradeNo, totalFen: 5, openid, notifyUrl: `${world.api.url}/api/pay/notify` });
    await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token })).body.status === 'CLOSED');
    expect(await stockOf(product.id)).toBe(10);
    // The notification's handler starts the refund after closing the order and giving its stock back: the close
    // can be seen before the refund is written.
    const refund = await eventually(() => services().models.Refund.findOne({ outTradeNo: order.outTradeNo }).lean());
    await services().drain();
    expect(refund).toMatchObject({ amountFen: 5 });
    const queries = world.wechatPayCalls(`/out-trade-no/${order.outTradeNo}`, 'GET');
    await runOrderExpiry(services(), new Date(Date.now() + 3_600_000));
    expect(world.wechatPayCalls(`/out-trade-no/${order.outTradeNo}`, 'GET')).toBe(queries);
  });

  it('a foreign mchid is never refunded from our account and leaves the order alone; a foreign appid on our own trade is ours', async () => {
    const foreign = await orderWithUnsentAttempt('foreign-mchid');
    const n = forgeNotification(world, transactionFor(world, foreign.order.outTradeNo, 3998, foreign.openid, { mchid: '1900000000' }));
    expect((await notify(n)).status).toBe(204);
    await services().drain();
    expect((await services().models.Order.findById(foreign.order.id).lean())?.status).toBe('PENDING_PAYMENT');
    expect(await services().models.Refund.countDocuments({ outTradeNo: foreign.order.outTradeNo })).toBe(0);
    expect(await services().models.Anomaly.findOne({ outTradeNo: foreign.order.outTradeNo }).lean()).toMatchObject({ kind: 'IDENTITY_MISMATCH', status: 'OPEN' });

    // An out_trade_no this shop never created, even under our mchid, is not ours to refund either.
    const stranger = forgeNotification(world, transactionFor(world, 'SOMEONE-ELSE-0001', 500, foreign.openid));
    expect((await notify(stranger)).status).toBe(204);
    await services().drain();
    expect(await services().models.Refund.countDocuments({ outTradeNo: 'SOMEONE-ELSE-0001' })).toBe(0);

    // Our mchid and our out_trade_no, another appid: the money is in our account for our trade.
    const ours = await orderWithUnsentAttempt('foreign-appid');
    const tx = transactionFor(world, ours.order.outTradeNo, 3998, ours.openid, { appid: 'wx_someone_else' });
    expect((await notify(forgeNotification(world, tx))).status).toBe(204);
    await services().drain();
    expect(await services().models.Order.findById(ours.order.id).lean()).toMatchObject({ status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' });
    expect(await stockOf(ours.product.id)).toBe(10);
    expect(await services().models.Refund.findOne({ outTradeNo: ours.order.outTradeNo }).lean()).toMatchObject({ outRefundNo: `AR${tx.transaction_id}`, amountFen: 3998 });
  });
});

describe('9. one shopper cannot hoard the stock', () => {
  it('the 6th unpaid order answers 409 TOO_MANY_PENDING_ORDERS; a cancel frees a place', async () => {
    const token = await shopperToken(world, 'hoarder');
    const product = await createProduct(world, admin, { stock: 1000 });
    const placed = [];
    for (let i = 0; i < 5; i++) {
      const res = await placeOrder(token, product.id, 99);
      expect(res.status).toBe(201);
      placed.push(res.body.id as string);
    }
    const sixth = await placeOrder(token, product.id, 99);
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe('TOO_MANY_PENDING_ORDERS');
    expect(await stockOf(product.id)).toBe(1000 - 5 * 99);
    expect((await cancel(token, placed[0]!)).body.status).toBe('CLOSED');
    expect((await placeOrder(token, product.id, 99)).status).toBe(201);
    // Another shopper is not affected.
    expect((await placeOrder(await shopperToken(world, 'not-a-hoarder'), product.id, 1)).status).toBe(201);
  });

  it('20 concurrent orders by one shopper: exactly 5 are placed', async () => {
    const token = await shopperToken(world, 'concurrent-hoarder');
    const product = await createProduct(world, admin, { stock: 1000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => placeOrder(token, product.id, 10)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'TOO_MANY_PENDING_ORDERS')).toBe(true);
    expect(await stockOf(product.id)).toBe(950);
  });

  it('a place left taken by a crash is given back by the sweeper', async () => {
    const token = await shopperToken(world, 'crashed-hoarder');
    const product = await createProduct(world, admin, { stock: 100 });
    for (let i = 0; i < 5; i++) expect((await placeOrder(token, product.id)).status).toBe(201);
    // A crash between an order leaving PENDING_PAYMENT and its place being given back; another before its order was written.
    const orders = await services().models.Order.find({ openid: (await world.sandbox.control.loginCode('crashed-hoarder')).openid }).lean();
    await services().models.Order.collection.updateOne({ _id: orders[0]!._id }, { $set: { status: 'CLOSED' } });
    await services().models.Order.collection.deleteOne({ _id: orders[1]!._id });
    expect((await placeOrder(token, product.id)).status).toBe(409);
    await runReservationSweeper(services(), new Date(Date.now() + 3_600_000));
    expect((await placeOrder(token, product.id)).status).toBe(201);
    expect((await placeOrder(token, product.id)).status).toBe(201);
    expect((await placeOrder(token, product.id)).status).toBe(409);
  });

  it('a product may limit how many go in one order (maxPerOrder, set by the admin): 409 LIMIT_PER_ORDER_EXCEEDED', async () => {
    const token = await shopperToken(world, 'limited');
    const product = await createProduct(world, admin, { stock: 100 });
    const set = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { maxPerOrder: 2 } });
    expect(set.status).toBe(200);
    expect(set.body.maxPerOrder).toBe(2);
    expect((await call(world.api.url, 'GET', `/api/products/${product.id}`)).body.maxPerOrder).toBe(2);
    const tooMany = await placeOrder(token, product.id, 3);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('LIMIT_PER_ORDER_EXCEEDED');
    expect(tooMany.body.error.details).toEqual({ productId: product.id, name: product.name, maxPerOrder: 2, quantity: 3 });
    expect(await stockOf(product.id)).toBe(100);
    expect((await placeOrder(token, product.id, 2)).status).toBe(201);
    // Lifted again.
    expect((await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { maxPerOrder: null } })).body.maxPerOrder).toBeUndefined();
    expect((await placeOrder(token, product.id, 3)).status).toBe(201);
  });

  it('placing orders is rate-limited per shopper (429 TOO_MANY_ATTEMPTS), across instances', async () => {
    const token = await shopperToken(world, 'churner');
    const product = await createProduct(world, admin, { stock: 1000 });
    const other = await world.startAnotherInstance();
    for (let i = 0; i < 20; i++) {
      const res = await call(i % 2 ? other.url : world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
      expect(res.status, `order ${i + 1}`).toBe(201);
      expect((await cancel(token, res.body.id)).status).toBe(200);
    }
    const refused = await placeOrder(token, product.id);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await stockOf(product.id)).toBe(1000);
  });
});

describe('10. an absolute stock edit never counts reserved units twice', () => {
  it('recount then cancel: on-hand 10 with 3 reserved, the admin sets 10, the order is cancelled, stock is 10', async () => {
    const token = await shopperToken(world, 'recount');
    const product = await createProduct(world, admin, { stock: 10 });
    const order = (await placeOrder(token, product.id, 3)).body;
    expect(await stockOf(product.id)).toBe(7);

    const recount = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { stock: 10, stockReason: 'recount' } });
    expect(recount.status).toBe(200);
    expect(await stockOf(product.id)).toBe(7);
    expect((await cancel(token, order.id)).body.status).toBe('CLOSED');
    expect(await stockOf(product.id)).toBe(10);
    // What the console shows: available, reserved and on hand.
    expect(recount.body).toMatchObject({ stock: 7, reservedStock: 3, onHandStock: 10 });
    expect(await adminProduct(product.id)).toMatchObject({ stock: 10, reservedStock: 0, onHandStock: 10 });
    const audit = await services().models.AuditLog.findOne({ productId: product.id, action: 'product.stock' }).lean();
    expect(audit).toMatchObject({ stockBefore: 10, stockAfter: 10, detail: 'recount' });
  });

  it('refuses an on-hand figure below what is reserved with 409, and changes nothing', async () => {
    const token = await shopperToken(world, 'under-reserved');
    const product = await createProduct(world, admin, { stock: 10 });
    expect((await placeOrder(token, product.id, 4)).status).toBe(201);
    const res = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { stock: 3, stockReason: 'breakage' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('STOCK_BELOW_RESERVED');
    expect(await adminProduct(product.id)).toMatchObject({ stock: 6, reservedStock: 4, onHandStock: 10 });
    const cut = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { stock: 4, stockReason: 'breakage' } });
    expect(cut.body).toMatchObject({ stock: 0, reservedStock: 4, onHandStock: 4 });
  });

  it('stock edits racing orders and cancels: on-hand always equals the last edit', async () => {
    const token = await shopperToken(world, 'racing-edits');
    const product = await createProduct(world, admin, { stock: 50 });
    const orders = await Promise.all([1, 2, 3].map(() => placeOrder(token, product.id, 2)));
    await Promise.all([
      ...orders.map((o) => cancel(token, o.body.id)),
      call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { stock: 40, stockReason: 'recount' } }),
      placeOrder(token, product.id, 5),
    ]);
    const after = await adminProduct(product.id);
    expect(after.onHandStock).toBe(40);
    expect(after.stock).toBe(40 - (after.reservedStock as number));
  });
});

describe('11. the sweeper racing a slow createOrder loses no stock', () => {
  it('reserve item 1, the sweeper removes the order, item 2 is not lost', async () => {
    const a = await createProduct(world, admin, { stock: 10 });
    const b = await createProduct(world, admin, { stock: 10 });
    const user = await services().models.User.findOne({ openid: (await world.sandbox.control.loginCode('slow-order')).openid }).lean();
    const userId = user ? String(user._id) : String(new Types.ObjectId());
    let swept = 0;
    const attempt = createOrder(
      {
        models: services().models,
        orderTtlSeconds: 900,
        maxPendingOrders: 5,
        // The process stalls after each reservation; meanwhile the sweeper, an hour later, takes the order for dead.
        afterReserve: async () => {
          swept += await runReservationSweeper(services(), new Date(Date.now() + 3_600_000));
        },
      },
      { userId, openid: 'o-slow' },
      { items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 3 }] },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(swept).toBeGreaterThanOrEqual(1);
    await runReservationSweeper(services(), new Date(Date.now() + 3_600_000));
    expect(await stockOf(a.id)).toBe(10);
    expect(await stockOf(b.id)).toBe(10);
    const held = await services().models.Sku.find({ productId: { $in: [a.id, b.id] } }).lean();
    expect(held.flatMap((sku) => sku.reservations)).toHaveLength(0);
  });

  it('releases a reservation whose order does not exist (a crash between reserving and giving it back)', async () => {
    const product = await createProduct(world, admin, { stock: 7 });
    expect(await reserveStock(services().models, new Types.ObjectId(product.id as string), new Types.ObjectId(), 4)).toBe(true);
    expect(await stockOf(product.id)).toBe(3);
    // Too fresh to judge: an order being created right now looks the same for a moment.
    await runReservationSweeper(services());
    expect(await stockOf(product.id)).toBe(3);
    await runReservationSweeper(services(), new Date(Date.now() + 3_600_000));
    expect(await stockOf(product.id)).toBe(7);
  });

  it('the sweeper’s queries have indexes', async () => {
    const orderIndexes = (await services().models.Order.listIndexes()).map((i) => JSON.stringify(i.key));
    expect(orderIndexes).toEqual(expect.arrayContaining([JSON.stringify({ stage: 1, createdAt: 1 }), JSON.stringify({ stockSettled: 1, stage: 1, status: 1 })]));
    const skuIndexes = (await services().models.Sku.listIndexes()).map((i) => JSON.stringify(i.key));
    expect(skuIndexes).toEqual(expect.arrayContaining([JSON.stringify({ 'reservations.at': 1 })]));
  });
});

describe('12. refund amounts are checked on every path', () => {
  async function paidOrder(user: string, priceFen = 10_000) {
    const token = await shopperToken(world, user);
    const product = await createProduct(world, admin, { priceFen, stock: 5 });
    const order = (await placeOrder(token, product.id)).body;
    const pay = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token });
    await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
    return eventually(async () => {
      const o = (await call(world.api.url, 'GET', `/api/admin/orders/${order.id}`, { token: admin })).body;
      return o.status === 'PAID' && (o as { id: string; outTradeNo: string; transactionId: string });
    });
  }
  const refundResource = (order: { outTradeNo: string; transactionId: string }, outRefundNo: string, amountFen: number) => ({
    mchid: world.sandbox.apiEnv.WECHATPAY_MCHID,
    out_trade_no: order.outTradeNo,
    transaction_id: order.transactionId,
    out_refund_no: outRefundNo,
    refund_id: `50300${Date.now()}`,
    refund_status: 'SUCCESS',
    success_time: new Date().toISOString(),
    user_received_account: '支付用户零钱',
    amount: { total: 10_000, refund: amountFen, payer_total: 10_000, payer_refund: amountFen },
  });

  it('a refund notification with the wrong amount is an anomaly for the admin and is not applied', async () => {
    const order = await paidOrder('rf-wrong-amount');
    const started = await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: admin, body: { amountFen: 3000, reason: 'broken' } });
    const { outRefundNo } = started.body;
    const n = forgeNotification(world, refundResource(order, outRefundNo, 30_000), { eventType: 'REFUND.SUCCESS', originalType: 'refund' });
    expect((await call(world.api.url, 'POST', '/api/pay/refund-notify', { headers: n.headers, raw: n.raw })).status).toBe(204);
    expect(await services().models.Refund.findOne({ outRefundNo }).lean()).toMatchObject({ status: 'PROCESSING' });
    expect(await services().models.Order.findById(order.id).lean()).toMatchObject({ status: 'PAID', refundedFen: 0, refundsInFlight: 1 });
    const anomalies = (await call(world.api.url, 'GET', '/api/admin/anomalies', { token: admin })).body.items;
    expect(anomalies).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'REFUND_AMOUNT_MISMATCH', orderId: order.id, status: 'OPEN', amountFen: 30_000 })]));
  });

  it('the refund job checks the amount WeChat reports too', async () => {
    const order = await paidOrder('rf-wrong-amount-job');
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: order.outTradeNo });
    const { outRefundNo } = (await call(world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: admin, body: { amountFen: 3000, reason: 'broken' } })).body;
    await world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    // Our record says 3,001 fen while WeChat refunded 3,000 (a record changed since, a bug, a second system).
    await services().models.Refund.updateOne({ outRefundNo }, { $set: { amountFen: 3001 } });
    expect(await runRefundSync(services(), new Date(Date.now() + 3_600_000))).toBeGreaterThanOrEqual(1);
    expect(await services().models.Refund.findOne({ outRefundNo }).lean()).toMatchObject({ status: 'PROCESSING' });
    expect(await services().models.Order.findById(order.id).lean()).toMatchObject({ status: 'PAID', refundedFen: 0, refundsInFlight: 1 });
    expect(await services().models.Anomaly.findOne({ kind: 'REFUND_AMOUNT_MISMATCH', orderId: order.id }).lean()).toMatchObject({ status: 'OPEN', amountFen: 3000 });
  });
});

describe('a product’s stock is its SKUs’', () => {
  it('orders and cancels of a product without specs, one after another and all at once: the views show the SKU’s stock, and the product stores none', async () => {
    const product = await createProduct(world, admin, { priceFen: 1234, stock: 100 });
    const shown = async () => (await call(world.api.url, 'GET', `/api/products/${product.id}`)).body as { stock: number; priceFen: number };
    const listed = async () => ((await call(world.api.url, 'GET', '/api/products?pageSize=100')).body.items as { id: string; stock: number }[]).find((p) => p.id === product.id)!;
    const skuStock = async () => (await services().models.Sku.find({ productId: product.id }, { stock: 1 }).lean()).reduce((sum, s) => sum + s.stock, 0);
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => shopperToken(world, `summary-${i}`)));
    const first = await placeOrder(tokens[0]!, product.id, 3);
    expect(first.status).toBe(201);
    expect(await shown()).toMatchObject({ stock: 97, priceFen: 1234 });
    // All at once, with cancels among them.
    const placed = await Promise.all(tokens.flatMap((t) => [placeOrder(t, product.id, 2), placeOrder(t, product.id, 1)]));
    expect(placed.every((r) => r.status === 201)).toBe(true);
    await Promise.all([
      ...placed.slice(0, 6).map((r, i) => cancel(tokens[Math.floor(i / 2)]!, r.body.id as string)),
      ...tokens.map((t) => placeOrder(t, product.id, 1)),
    ]);
    const left = await skuStock();
    expect(left).toBe(100 - 3 - 8 * 3 + (2 + 1) * 3 - 8);
    expect(await shown()).toMatchObject({ stock: left, priceFen: 1234 });
    expect((await listed()).stock).toBe(left);
    // No order wrote the product: it keeps its lowest price, and no stock to fall behind the SKU's.
    const stored = await services().models.Product.findById(product.id).lean();
    expect(stored).toMatchObject({ priceFen: 1234, summarySeq: 0 });
    expect(stored?.stock).toBeUndefined();
  });
});
