// The shipping fee in refunds, through HTTP against the sandbox: a refund of everything that remains takes the
// fee with it; a partial refund takes only the items' part unless the owner includes the fee (409
// REFUND_EXCEEDS_ITEMS otherwise, with nothing changed); shoppers' after-sale requests follow the same rule and
// cannot include it; racing partial refunds cannot together cut into the fee; orders from before fees have none.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let owner: string;
let templateId: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
  // 8 元 anywhere, for the products of this file only (not the store's default).
  const t = await call(world.api.url, 'POST', '/api/admin/shipping-templates', {
    token: owner,
    body: { name: '运费 8 元', mode: 'FLAT', rules: [{ provinces: [], firstFen: 800 }] },
  });
  expect(t.status).toBe(201);
  templateId = t.body.id;
});
afterAll(async () => world?.stop());
afterEach(async () => world.api.instance.services.drain());

const services = () => world.api.instance.services;
const admin = (method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: owner, ...(body === undefined ? {} : { body }) });

interface Paid {
  id: string;
  token: string;
  outTradeNo: string;
}

/** A paid order of one item at 100 元 plus the 8 元 fee (10 800 fen), paid through the sandbox. */
async function paidOrder(user: string): Promise<Paid> {
  const token = await shopperToken(world, user);
  const product = await admin('POST', '/api/admin/products', { name: '手冲壶', priceFen: 10_000, stock: 5, shippingTemplateId: templateId });
  expect(product.status).toBe(201);
  const order = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.body.id, quantity: 1 }], address: ADDRESS } })).body;
  expect(order).toMatchObject({ itemsFen: 10_000, shippingFeeFen: 800, totalFen: 10_800 });
  const pay = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token });
  expect(pay.status).toBe(200);
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const paid = await eventually(async () => {
    const o = (await admin('GET', `/api/admin/orders/${order.id}`)).body;
    return o.status === 'PAID' && o;
  });
  return { id: order.id, token, outTradeNo: paid.outTradeNo };
}

const refund = (order: Paid, amountFen: number, includeShippingFee?: boolean) =>
  admin('POST', `/api/admin/orders/${order.id}/refunds`, { amountFen, reason: '退款', ...(includeShippingFee === undefined ? {} : { includeShippingFee }) });
const ask = (order: Paid, amountFen: number) =>
  call(world.api.url, 'POST', `/api/orders/${order.id}/after-sales`, { token: order.token, body: { type: 'REFUND_ONLY', reason: 'DAMAGED', amountFen } });
const stored = async (order: Paid) => (await services().models.Order.findById(order.id).lean())!;
const wechatRefunds = async (order: Paid) => (await world.sandbox.control.trade(order.outTradeNo)).refunds;
const room = async (order: Paid) => {
  const shop = (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token: order.token })).body;
  const console = (await admin('GET', `/api/admin/orders/${order.id}`)).body;
  expect({ refundableFen: shop.refundableFen, partialRefundMaxFen: shop.partialRefundMaxFen }).toEqual({
    refundableFen: console.refundableFen,
    partialRefundMaxFen: console.partialRefundMaxFen,
  });
  return { refundableFen: shop.refundableFen as number, partialRefundMaxFen: shop.partialRefundMaxFen as number };
};

describe('admin refunds and the fee', () => {
  it('a refund of the whole order takes the fee: WeChat refunds items and fee together', async () => {
    const order = await paidOrder('fee-whole');
    expect(await room(order)).toEqual({ refundableFen: 10_800, partialRefundMaxFen: 10_000 });
    const res = await refund(order, 10_800);
    expect(res.status).toBe(201);
    expect((await wechatRefunds(order)).map((r) => r.amount.refund)).toEqual([10_800]);
    expect(await stored(order)).toMatchObject({ status: 'REFUNDING', refundCommittedFen: 10_800 });
    expect(await room(order)).toEqual({ refundableFen: 0, partialRefundMaxFen: 0 });
  });

  it('a partial refund over the items’ part is 409 REFUND_EXCEEDS_ITEMS with the figures, and changes nothing', async () => {
    const order = await paidOrder('fee-partial-over');
    const res = await refund(order, 10_001);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ITEMS', details: { maxFen: 10_000, shippingFeeFen: 800 } });
    expect(await stored(order)).toMatchObject({ status: 'PAID', refundCommittedFen: 0, refundsInFlight: 0 });
    expect((await stored(order)).refundNos ?? []).toEqual([]);
    expect(await wechatRefunds(order)).toHaveLength(0);
    expect(await services().models.Refund.countDocuments({ orderId: order.id })).toBe(0);
    // includeShippingFee: false is the same as leaving it out.
    expect((await refund(order, 10_001, false)).body.error.code).toBe('REFUND_EXCEEDS_ITEMS');
  });

  it('the same partial refund with includeShippingFee is taken (201), and the order stays PAID', async () => {
    const order = await paidOrder('fee-partial-include');
    const res = await refund(order, 10_500, true);
    expect(res.status).toBe(201);
    expect((await wechatRefunds(order)).map((r) => r.amount.refund)).toEqual([10_500]);
    expect(await stored(order)).toMatchObject({ status: 'PAID', refundCommittedFen: 10_500 });
    expect(await room(order)).toEqual({ refundableFen: 300, partialRefundMaxFen: 0 });
    // What is left is less than the fee: only the whole rest (or an included part of it) may go.
    expect((await refund(order, 100)).body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ITEMS', details: { maxFen: 0, shippingFeeFen: 800 } });
    expect((await refund(order, 300)).status).toBe(201);
  });

  it('partial refunds up to the items’ part, then the fee only as the whole rest', async () => {
    const order = await paidOrder('fee-steps');
    expect((await refund(order, 6_000)).status).toBe(201);
    expect(await room(order)).toEqual({ refundableFen: 4_800, partialRefundMaxFen: 4_000 });
    expect((await refund(order, 4_001)).body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ITEMS', details: { maxFen: 4_000, shippingFeeFen: 800 } });
    expect((await refund(order, 4_000)).status).toBe(201);
    expect(await room(order)).toEqual({ refundableFen: 800, partialRefundMaxFen: 0 });
    expect((await refund(order, 500)).body.error.code).toBe('REFUND_EXCEEDS_ITEMS');
    expect((await refund(order, 801)).body.error.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await refund(order, 800)).status).toBe(201);
    expect(await stored(order)).toMatchObject({ status: 'REFUNDING', refundCommittedFen: 10_800 });
    expect((await wechatRefunds(order)).map((r) => r.amount.refund)).toEqual([6_000, 4_000, 800]);
  });

  it('racing partial refunds cannot together cut into the fee', async () => {
    const order = await paidOrder('fee-race');
    // Four refunds of 2 600 fen at once: all four fit in what was paid (10 400 of 10 800 fen), but only three fit
    // beside the 800 fen fee.
    const answers = await Promise.all(Array.from({ length: 4 }, () => refund(order, 2_600)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).toBe('REFUND_EXCEEDS_ITEMS');
    expect(await stored(order)).toMatchObject({ status: 'PAID', refundCommittedFen: 7_800 });
    expect(await wechatRefunds(order)).toHaveLength(3);
    expect(await room(order)).toEqual({ refundableFen: 3_000, partialRefundMaxFen: 2_200 });
  });

  it('an order from before fees (no shippingFeeFen) has none: any part may be refunded', async () => {
    const order = await paidOrder('fee-old');
    await services().models.Order.updateOne({ _id: order.id }, { $unset: { shippingFeeFen: 1 } });
    expect(await room(order)).toEqual({ refundableFen: 10_800, partialRefundMaxFen: 10_800 });
    expect((await refund(order, 10_500)).status).toBe(201);
  });
});

describe('after-sale requests and the fee', () => {
  it('a partial request over the items’ part is 409 REFUND_EXCEEDS_ITEMS and opens nothing; the items’ part and the whole are taken', async () => {
    const order = await paidOrder('fee-as-partial');
    const over = await ask(order, 10_001);
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ITEMS', details: { maxFen: 10_000, shippingFeeFen: 800 } });
    expect((await stored(order)).openAfterSaleId).toBeUndefined();
    expect(await services().models.AfterSale.countDocuments({ orderId: order.id })).toBe(0);
    // A shopper cannot include the fee: the field is not theirs (refused as unknown or ignored, never honoured).
    const sneaky = await call(world.api.url, 'POST', `/api/orders/${order.id}/after-sales`, {
      token: order.token,
      body: { type: 'REFUND_ONLY', reason: 'DAMAGED', amountFen: 10_001, includeShippingFee: true },
    });
    expect(sneaky.status).toBeGreaterThanOrEqual(400);
    expect(await services().models.AfterSale.countDocuments({ orderId: order.id })).toBe(0);

    const items = await ask(order, 10_000);
    expect(items.status).toBe(201);

    const whole = await paidOrder('fee-as-whole');
    const all = await ask(whole, 10_800);
    expect(all.status).toBe(201);
    const approved = await admin('POST', `/api/admin/after-sales/${all.body.id}/approve`, {});
    expect(approved.body.status).toBe('REFUNDING');
    expect((await wechatRefunds(whole)).map((r) => r.amount.refund)).toEqual([10_800]);
  });

  it('approving re-checks: a request that became a partial amount over the items’ part is refused and stays REQUESTED', async () => {
    const order = await paidOrder('fee-as-approve');
    const asked = await ask(order, 10_000);
    expect(asked.status).toBe(201);
    // Meanwhile the owner refunds 5 元 of the fee: the items' part still refundable is now 9 500 fen.
    expect((await refund(order, 500, true)).status).toBe(201);
    const approved = await admin('POST', `/api/admin/after-sales/${asked.body.id}/approve`, {});
    expect(approved.status).toBe(409);
    expect(approved.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_ITEMS', details: { maxFen: 9_500, shippingFeeFen: 800 } });
    expect((await services().models.AfterSale.findById(asked.body.id).lean())!.status).toBe('REQUESTED');
    expect((await wechatRefunds(order)).map((r) => r.amount.refund)).toEqual([500]);
  });

  it('a request racing a partial refund cannot together with it cut into the fee', async () => {
    const order = await paidOrder('fee-as-race');
    const [asked, refunded] = await Promise.all([ask(order, 5_200), refund(order, 5_200)]);
    // Both fit alone, and together in what was paid, but not in the 10 000 fen items' part. The refund is taken; the
    // request either loses at its own compare-and-set, or (a request reserves no money) is refused on approval.
    expect(refunded.status).toBe(201);
    if (asked.status === 201) {
      const approved = await admin('POST', `/api/admin/after-sales/${asked.body.id}/approve`, {});
      expect(approved.status).toBe(409);
      expect(approved.body.error.code).toBe('REFUND_EXCEEDS_ITEMS');
    } else {
      expect(asked.status).toBe(409);
      expect(asked.body.error.code).toBe('REFUND_EXCEEDS_ITEMS');
    }
    expect((await wechatRefunds(order)).map((r) => r.amount.refund)).toEqual([5_200]);
    const o = await stored(order);
    expect(o.paidFen! - o.refundCommittedFen!).toBeGreaterThanOrEqual(800);
  });
});
