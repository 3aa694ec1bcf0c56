// A pay racing the order's close (the shopper's cancel, the expiry job): no shopper is ever handed a prepay_id
// that can still be paid once the order is closed. The sandbox's `slow` fault holds a call at WeChat before it is
// carried out, so the close overtakes a prepay (or a pay's own close) already on its way.
import { describe, expect, it } from 'vitest';
import { call, createProduct, eventually, shopperToken } from './harness';
import { worldPerFile } from './world-per-file';

const suite = worldPerFile();

const services = () => suite.world.api.instance.services;
const payCall = (token: string, orderId: string) => call(suite.world.api.url, 'POST', `/api/orders/${orderId}/pay`, { token });
const cancel = (token: string, orderId: string) => call(suite.world.api.url, 'POST', `/api/orders/${orderId}/cancel`, { token });

async function placeOrder(user: string, quantity = 1) {
  const token = await shopperToken(suite.world, user);
  const product = await createProduct(suite.world, suite.admin, { priceFen: 2599, stock: 10 });
  const order = await call(suite.world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity }] } });
  expect(order.status).toBe(201);
  return { token, product, order: order.body as { id: string; outTradeNo: string } };
}

/** Resolves once the sandbox holds a call under the fault scoped to this trade (the call has reached WeChat). */
async function heldAtWechat(outTradeNo: string, times = 1): Promise<void> {
  await eventually(async () => (await suite.world.sandbox.control.faults()).some((f) => f.kind === 'slow' && f.out_trade_no === outTradeNo && f.fired >= times));
}

/** The order is CLOSED once, its stock is all back, and nothing was taken that must be refunded. */
async function expectClosedCleanly(orderId: string, product: { id: string; skus: { id: string }[] }) {
  await services().drain();
  const order = (await services().models.Order.findById(orderId).lean())!;
  expect(order.status).toBe('CLOSED');
  expect(order.closingUntil).toBeUndefined();
  expect(order.events.filter((e) => e.status === 'CLOSED')).toHaveLength(1);
  const sku = (await services().models.Sku.findById(product.skus[0]!.id).lean())!;
  expect(sku.stock).toBe(10);
  expect(sku.reservations).toHaveLength(0);
  expect((await call(suite.world.api.url, 'GET', `/api/products/${product.id}`)).body.stock).toBe(10);
  expect(await services().models.Anomaly.countDocuments({ orderId })).toBe(0);
  expect(await services().models.Refund.countDocuments({ orderId })).toBe(0);
}

describe('a pay racing the close of its order', () => {
  it('race A: the cancel closes while the prepay is held at WeChat: pay answers 409 without the prepay_id, and the trade it created is closed', async () => {
    const { token, product, order } = await placeOrder('race-a', 2);
    await suite.world.sandbox.control.setFault({ kind: 'slow', outTradeNo: order.outTradeNo, endpoints: ['prepay'], ms: 1_000, count: 1 });
    const paying = payCall(token, order.id);
    await heldAtWechat(order.outTradeNo);
    // The attempt exists (CREATED), WeChat has no trade yet: the cancel's close finds none and the cancel completes.
    const cancelled = await cancel(token, order.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CLOSED');
    expect((await suite.world.sandbox.control.trades()).some((t) => t.out_trade_no === order.outTradeNo)).toBe(false);

    // Then the prepay creates the trade at WeChat; its record is refused, and the shopper gets no prepay_id.
    const paid = await paying;
    expect(paid.status).toBe(409);
    expect(paid.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect(JSON.stringify(paid.body)).not.toContain('prepay_id');
    const trade = await suite.world.sandbox.control.trade(order.outTradeNo);
    expect(trade.transaction.trade_state).toBe('CLOSED');
    // Nobody holds the prepay_id, and even with it the trade cannot be paid at the cashier.
    await expect(suite.world.sandbox.control.pay(trade.prepay_id!, 'SUCCESS')).rejects.toThrow();
    const attempts = await services().models.PaymentAttempt.find({ orderId: order.id }).lean();
    expect(attempts.map((a) => [a.outTradeNo, a.status, a.prepayId])).toEqual([[order.outTradeNo, 'CLOSED', undefined]]);
    await expectClosedCleanly(order.id, product);

    // Paying again answers 409 as for any closed order.
    const again = await payCall(token, order.id);
    expect([again.status, again.body.error.message]).toEqual([409, 'This order is closed']);
  });

  it('race A, the other order of the writes: the prepay_id is recorded before the cancel marks the attempt closed, so the cancel closes the trade it finds after all', async () => {
    const { token, product, order } = await placeOrder('race-a-recorded');
    // The prepay is held a little; the cancel's query after its close (which finds no trade) is held longer.
    await suite.world.sandbox.control.setFault({ kind: 'slow', outTradeNo: order.outTradeNo, endpoints: ['prepay'], ms: 400, count: 1 });
    await suite.world.sandbox.control.setFault({ kind: 'slow', outTradeNo: order.outTradeNo, endpoints: ['query'], ms: 1_200, count: 1 });
    const paying = payCall(token, order.id);
    await heldAtWechat(order.outTradeNo);
    const cancelling = cancel(token, order.id);
    // The prepay lands and is recorded while the cancel waits for WeChat's answer: this pay had its prepay_id
    // before the order was closed...
    const paid = await paying;
    expect(paid.status).toBe(200);
    const prepayId = String(paid.body.package).replace('prepay_id=', '');
    const cancelled = await cancelling;
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CLOSED');
    // ...but the cancel saw the attempt move under it and closed the trade at WeChat again: it cannot be paid.
    expect((await suite.world.sandbox.control.trade(order.outTradeNo)).transaction.trade_state).toBe('CLOSED');
    await expect(suite.world.sandbox.control.pay(prepayId, 'SUCCESS')).rejects.toThrow();
    expect((await services().models.PaymentAttempt.findOne({ outTradeNo: order.outTradeNo }).lean())?.status).toBe('CLOSED');
    expect(suite.world.wechatPayCalls(`/out-trade-no/${order.outTradeNo}/close`)).toBe(2);
    await expectClosedCleanly(order.id, product);
  });

  it('race B: while a close holds its claim, pay answers 409 and no new attempt is pointed at or prepaid', async () => {
    const { token, product, order } = await placeOrder('race-b');
    expect((await payCall(token, order.id)).status).toBe(200);
    // Two hours on, WeChat no longer takes this prepay_id: the next pay closes the attempt and starts another.
    await services().models.PaymentAttempt.updateOne({ outTradeNo: order.outTradeNo }, { $set: { prepayExpiresAt: new Date(Date.now() - 1_000) } });
    // Every close of the first attempt is held at WeChat: the pay's, then the cancel's.
    await suite.world.sandbox.control.setFault({ kind: 'slow', outTradeNo: order.outTradeNo, endpoints: ['close'], ms: 800 });
    const paying = payCall(token, order.id);
    await heldAtWechat(order.outTradeNo);
    // The cancel claims the order and reads its attempts (only the first) while the pay waits for its close.
    const cancelling = cancel(token, order.id);
    await eventually(async () => (await services().models.Order.findById(order.id).lean())?.closingUntil);

    // A pay that reads the order under the claim answers at once.
    const during = await payCall(token, order.id);
    expect(during.status).toBe(409);
    expect(during.body.error).toMatchObject({ code: 'ORDER_NOT_PAYABLE', message: 'This order is being closed' });

    // The pay that read the order before the claim cannot point it at a new attempt the cancel never saw.
    const [paid, cancelled] = await Promise.all([paying, cancelling]);
    expect(paid.status).toBe(409);
    expect(paid.body.error).toMatchObject({ code: 'ORDER_NOT_PAYABLE', message: 'This order is being closed' });
    expect(cancelled.body.status).toBe('CLOSED');
    const closed = (await services().models.Order.findById(order.id).lean())!;
    expect([closed.attemptSeq, closed.outTradeNo]).toEqual([1, order.outTradeNo]);
    // The second attempt may have been written (it is, before the pointer moves): never prepaid, nothing at WeChat.
    const attempts = await services().models.PaymentAttempt.find({ orderId: order.id }).sort({ createdAt: 1 }).lean();
    expect(attempts[0]!.status).toBe('CLOSED');
    for (const later of attempts.slice(1)) {
      expect(later.status).toBe('CREATED');
      expect(later.prepayId).toBeUndefined();
    }
    const atWechat = new Set((await suite.world.sandbox.control.trades()).map((t) => t.out_trade_no));
    expect(atWechat.has(order.outTradeNo)).toBe(true);
    expect(attempts.slice(1).filter((a) => atWechat.has(a.outTradeNo))).toEqual([]);
    await expectClosedCleanly(order.id, product);
  });

  it('the ordinary pay still records its prepay_id and hands the same one out again, with no new attempt', async () => {
    const { token, order } = await placeOrder('race-none');
    const first = await payCall(token, order.id);
    expect(first.status).toBe(200);
    const again = await Promise.all([payCall(token, order.id), payCall(token, order.id)]);
    expect(again.map((r) => [r.status, r.body.package])).toEqual([
      [200, first.body.package],
      [200, first.body.package],
    ]);
    const attempts = await services().models.PaymentAttempt.find({ orderId: order.id }).lean();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'PREPAID', prepayId: String(first.body.package).replace('prepay_id=', '') });
    expect((await suite.world.sandbox.control.trade(order.outTradeNo)).transaction.trade_state).toBe('NOTPAY');
  });

  it('concurrent first pays of many orders, some of them cancelled under the prepay: each pay records its own outcome', async () => {
    const placed = await Promise.all(Array.from({ length: 6 }, (_, i) => placeOrder(`race-many-${i}`)));
    for (const { order } of placed) await suite.world.sandbox.control.setFault({ kind: 'slow', outTradeNo: order.outTradeNo, endpoints: ['prepay'], ms: 1_000, count: 1 });
    const paying = placed.map(({ token, order }) => payCall(token, order.id));
    for (const { order } of placed) await heldAtWechat(order.outTradeNo);
    // Every other order is cancelled while its prepay is held; the prepays come back close together, so their
    // records may share a batch in which some are refused and some not.
    const cancelled = placed.filter((_, i) => i % 2 === 0);
    for (const { token, order } of cancelled) expect((await cancel(token, order.id)).body.status).toBe('CLOSED');
    const answers = await Promise.all(paying);
    for (const [i, { order }] of placed.entries()) {
      const trade = await suite.world.sandbox.control.trade(order.outTradeNo);
      const attempt = (await services().models.PaymentAttempt.findOne({ outTradeNo: order.outTradeNo }).lean())!;
      if (i % 2 === 0) {
        expect(answers[i]!.status).toBe(409);
        expect(trade.transaction.trade_state).toBe('CLOSED');
        expect(attempt.status).toBe('CLOSED');
      } else {
        expect(answers[i]!.status).toBe(200);
        expect(answers[i]!.body.package).toBe(`prepay_id=${trade.prepay_id}`);
        expect(attempt).toMatchObject({ status: 'PREPAID', prepayId: trade.prepay_id });
        expect(trade.transaction.trade_state).toBe('NOTPAY');
      }
    }
  });
});
