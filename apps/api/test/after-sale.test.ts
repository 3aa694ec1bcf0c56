// After-sale requests through HTTP against the sandbox: refund only (before shipping, the whole amount blocks shipping,
// a partial one does not), return and refund, reject, cancel, the 409s (open request, above the refundable amount,
// unpaid order, return before shipping, past the window), another shopper's 404s, photos, and the races: approve
// twice, two admins, approve against the shopper's cancel — each ends in at most one refund at WeChat. The request follows its refund to REFUNDED.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { afterSaleRefundKey } from '../src/modules/aftersales/start-after-sale-refund';
import { runAfterSaleRefunds, STALE_AFTER_MS } from '../src/modules/aftersales/after-sale-refund-job';
import { refundNoFor } from '../src/modules/refunds/refund-order';
import { runRefundSync } from '../src/modules/refunds/refund-sync-job';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let owner: string;
let clerk: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
  expect((await call(world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'as-clerk', password: 'clerk-password' } })).status).toBe(201);
  clerk = (await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'as-clerk', password: 'clerk-password' } })).body.token;
});
afterAll(async () => world?.stop());
afterEach(async () => world.api.instance.services.drain());

const services = () => world.api.instance.services;
const admin = (method: string, path: string, body?: unknown, token = owner) => call(world.api.url, method, path, { token, ...(body === undefined ? {} : { body }) });
const stored = async (orderId: string) => (await services().models.Order.findById(orderId).lean())!;
const wechatRefunds = async (outTradeNo: string) => (await world.sandbox.control.trade(outTradeNo)).refunds;

interface Paid {
  id: string;
  token: string;
  outTradeNo: string;
}

/** A paid order of one item at `priceFen`, paid through the sandbox. */
async function paidOrder(user: string, priceFen = 10_000): Promise<Paid> {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, owner, { priceFen, stock: 5 });
  const order = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
  const pay = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token });
  expect(pay.status).toBe(200);
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const paid = await eventually(async () => {
    const o = (await admin('GET', `/api/admin/orders/${order.id}`)).body;
    return o.status === 'PAID' && o;
  });
  return { id: order.id, token, outTradeNo: paid.outTradeNo };
}

async function shippedOrder(user: string, priceFen = 10_000): Promise<Paid> {
  const order = await paidOrder(user, priceFen);
  const shipped = await admin('POST', `/api/admin/orders/${order.id}/ship`, { trackingNo: 'SF100200300', expressCompany: '顺丰速运' });
  expect(shipped.status).toBe(200);
  return order;
}

const ask = (order: Paid, body: Record<string, unknown>) => call(world.api.url, 'POST', `/api/orders/${order.id}/after-sales`, { token: order.token, body: { reason: 'DAMAGED', ...body } });
const shopper = (order: Paid, method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: order.token, ...(body === undefined ? {} : { body }) });

async function settleAtWechat(outRefundNo: string, outcome: 'SUCCESS' | 'CLOSED' = 'SUCCESS') {
  await world.sandbox.control.settleRefund(outRefundNo, outcome);
}

describe('refund only', () => {
  it('before shipping: requested, approved (the refund starts, shipping is blocked), REFUNDED when WeChat settles', async () => {
    const order = await paidOrder('as-refund-only');
    const created = await ask(order, { type: 'REFUND_ONLY', amountFen: 10_000, description: '不想要了，还没发货' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ orderId: order.id, type: 'REFUND_ONLY', status: 'REQUESTED', amountFen: 10_000, reason: 'DAMAGED', description: '不想要了，还没发货', images: [] });
    expect(created.body.history).toEqual([{ at: expect.any(String), status: 'REQUESTED' }]);
    const id = created.body.id as string;

    // The order took the request in the same update as the owner's message and the timeline entry.
    const taken = await stored(order.id);
    expect(String(taken.openAfterSaleId)).toBe(id);
    expect(taken.outbox.filter((m: any) => m.event === 'OWNER_AFTERSALE')).toEqual([
      expect.objectContaining({ key: `OWNER_AFTERSALE:${id}`, data: { afterSaleId: id, type: 'REFUND_ONLY', amountFen: 10_000 } }),
    ]);
    expect(taken.events.filter((e: any) => e.code === 'AFTER_SALE_REQUESTED')).toHaveLength(1);

    expect((await shopper(order, 'GET', `/api/orders/${order.id}/after-sales`)).body.items.map((a: any) => a.id)).toEqual([id]);
    expect((await shopper(order, 'GET', `/api/after-sales/${id}`)).body.status).toBe('REQUESTED');
    const queue = await admin('GET', '/api/admin/after-sales?status=REQUESTED');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((a: any) => a.id)).toContain(id);
    expect(queue.body.total).toBeGreaterThanOrEqual(1);
    expect((await admin('GET', '/api/admin/after-sales/summary')).body.requested).toBeGreaterThanOrEqual(1);

    // Staff may decide too (approving is the admin's act, not the owner's alone).
    const approved = await admin('POST', `/api/admin/after-sales/${id}/approve`, { note: '同意退款' }, clerk);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'REFUNDING', adminNote: '同意退款', outRefundNo: refundNoFor(taken._id, afterSaleRefundKey(id)) });
    const atWechat = await wechatRefunds(order.outTradeNo);
    expect(atWechat).toHaveLength(1);
    expect(atWechat[0]).toMatchObject({ out_refund_no: approved.body.outRefundNo, amount: expect.objectContaining({ refund: 10_000 }) });
    expect((await stored(order.id)).shipBlocked).toBe(true);

    // Shipping is refused now, and the shopper can no longer cancel.
    const ship = await admin('POST', `/api/admin/orders/${order.id}/ship`, { trackingNo: 'SF1', expressCompany: '顺丰速运' });
    expect(ship.status).toBe(409);
    expect(ship.body.error.code).toBe('ORDER_NOT_SHIPPABLE');
    const cancel = await shopper(order, 'POST', `/api/after-sales/${id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('AFTER_SALE_STATE');

    await settleAtWechat(approved.body.outRefundNo);
    const done = await eventually(async () => {
      const a = (await shopper(order, 'GET', `/api/after-sales/${id}`)).body;
      return a.status === 'REFUNDED' && a;
    });
    expect(done.history.map((h: any) => h.status)).toEqual(['REQUESTED', 'REFUNDING', 'REFUNDED']);
    expect(done.history[1].note).toBe('同意退款');
    const after = await stored(order.id);
    expect(after.openAfterSaleId).toBeUndefined();
    expect(after.refundedFen).toBe(10_000);
    expect(after.status).toBe('REFUNDED');
    expect(after.events.filter((e: any) => e.code === 'AFTER_SALE_APPROVED')).toHaveLength(1);
    const audit = await services().models.AuditLog.find({ action: 'after-sale.approve', orderId: after._id }).lean();
    expect(audit).toEqual([expect.objectContaining({ actor: 'as-clerk' })]);
    // The audit read carries the decision's facts as fields (the console words them).
    const read = (await admin('GET', `/api/admin/audit?orderId=${order.id}`)).body.items.filter((a: any) => a.action === 'after-sale.approve');
    expect(read.map((a: any) => a.data)).toEqual([{ afterSaleId: id, type: 'REFUND_ONLY', amountFen: 10_000, status: 'REFUNDING', note: '同意退款' }]);
  });

  it('a partial refund-only approved before shipping leaves the rest of the order to ship', async () => {
    const order = await paidOrder('as-partial-before-ship', 9000);
    const created = await ask(order, { type: 'REFUND_ONLY', amountFen: 2500, reason: 'MISSING_PARTS' });
    expect(created.status).toBe(201);
    const approved = await admin('POST', `/api/admin/after-sales/${created.body.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('REFUNDING');
    const read = (await admin('GET', `/api/admin/orders/${order.id}`)).body;
    expect(read.shipBlocked).toBeUndefined();
    expect(read.events.filter((e: any) => e.code === 'AFTER_SALE_APPROVED')).toEqual([
      expect.objectContaining({ status: 'PAID', data: expect.objectContaining({ type: 'REFUND_ONLY', amountFen: 2500 }) }),
    ]);

    const ship = await admin('POST', `/api/admin/orders/${order.id}/ship`, { trackingNo: 'SF2500', expressCompany: '顺丰速运' });
    expect(ship.status).toBe(200);
    expect(ship.body.status).toBe('SHIPPED');
    await settleAtWechat(approved.body.outRefundNo);
    await eventually(async () => (await shopper(order, 'GET', `/api/after-sales/${created.body.id}`)).body.status === 'REFUNDED');
    const after = await stored(order.id);
    expect(after.status).toBe('SHIPPED');
    expect(after.refundedFen).toBe(2500);
  });

  it('a partial refund after shipping leaves the order SHIPPED; a second request may follow the first', async () => {
    const order = await shippedOrder('as-partial', 8000);
    const first = await ask(order, { type: 'REFUND_ONLY', amountFen: 3000, reason: 'MISSING_PARTS' });
    expect(first.status).toBe(201);
    const second = await ask(order, { type: 'REFUND_ONLY', amountFen: 1000 });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('AFTER_SALE_OPEN');
    const approved = await admin('POST', `/api/admin/after-sales/${first.body.id}/approve`, {});
    expect(approved.body.status).toBe('REFUNDING');
    expect((await stored(order.id)).shipBlocked).toBeUndefined();
    await settleAtWechat(approved.body.outRefundNo);
    await eventually(async () => (await shopper(order, 'GET', `/api/after-sales/${first.body.id}`)).body.status === 'REFUNDED');
    expect((await stored(order.id)).status).toBe('SHIPPED');

    // 5000 fen are left to refund: more is refused, that much is accepted.
    const tooMuch = await ask(order, { type: 'REFUND_ONLY', amountFen: 5001 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('REFUND_EXCEEDS_PAID');
    expect((await ask(order, { type: 'REFUND_ONLY', amountFen: 5000 })).status).toBe(201);
  });
});

describe('return and refund', () => {
  it('approve → the shopper sends the goods back → received → REFUNDED; every step on the request and the order', async () => {
    const order = await shippedOrder('as-return');
    expect((await ask(order, { type: 'RETURN_REFUND', amountFen: 4000, reason: 'QUALITY' })).status).toBe(201);
    const id = (await shopper(order, 'GET', `/api/orders/${order.id}/after-sales`)).body.items[0].id as string;

    // Nothing to receive before approval; no tracking number before approval either.
    expect((await admin('POST', `/api/admin/after-sales/${id}/receive`)).body.error.code).toBe('AFTER_SALE_STATE');
    expect((await shopper(order, 'POST', `/api/after-sales/${id}/return`, { expressCompany: '中通快递', trackingNo: 'ZT1' })).status).toBe(409);

    const approved = await admin('POST', `/api/admin/after-sales/${id}/approve`, { note: '请寄回' });
    expect(approved.body).toMatchObject({ status: 'APPROVED', adminNote: '请寄回' });
    expect(approved.body.outRefundNo).toBeUndefined();
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(0);

    expect((await shopper(order, 'POST', `/api/after-sales/${id}/return`, { expressCompany: '', trackingNo: 'ZT1' })).status).toBe(400);
    const returning = await shopper(order, 'POST', `/api/after-sales/${id}/return`, { expressCompany: '中通快递', trackingNo: 'ZT778899' });
    expect(returning.status).toBe(200);
    expect(returning.body).toMatchObject({ status: 'RETURNING', returnShipment: { expressCompany: '中通快递', trackingNo: 'ZT778899' } });

    const received = await admin('POST', `/api/admin/after-sales/${id}/receive`);
    expect(received.body.status).toBe('REFUNDING');
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
    await settleAtWechat(received.body.outRefundNo);
    const done = await eventually(async () => {
      const a = (await shopper(order, 'GET', `/api/after-sales/${id}`)).body;
      return a.status === 'REFUNDED' && a;
    });
    expect(done.history.map((h: any) => h.status)).toEqual(['REQUESTED', 'APPROVED', 'RETURNING', 'REFUNDING', 'REFUNDED']);
    const codes = (await stored(order.id)).events.map((e: any) => e.code).filter((c: string) => c?.startsWith('AFTER_SALE'));
    expect(codes).toEqual(['AFTER_SALE_REQUESTED', 'AFTER_SALE_APPROVED', 'AFTER_SALE_RETURNED', 'AFTER_SALE_RECEIVED']);
  });

  it('is refused before shipping (nothing to return)', async () => {
    const order = await paidOrder('as-return-early');
    const res = await ask(order, { type: 'RETURN_REFUND', amountFen: 100 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_STATE');
    expect(await services().models.AfterSale.countDocuments({ orderId: order.id })).toBe(0);
  });
});

describe('reject and cancel', () => {
  it('a rejected request shows the note and frees the order for a new request; a cancelled one too', async () => {
    const order = await shippedOrder('as-reject');
    const first = (await ask(order, { type: 'REFUND_ONLY', amountFen: 500 })).body;
    expect((await admin('POST', `/api/admin/after-sales/${first.id}/reject`, {})).status).toBe(400); // a note is required
    const rejected = await admin('POST', `/api/admin/after-sales/${first.id}/reject`, { note: '照片看不出破损' });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', adminNote: '照片看不出破损' });
    expect(rejected.body.history.at(-1)).toMatchObject({ status: 'REJECTED', note: '照片看不出破损' });
    expect((await stored(order.id)).openAfterSaleId).toBeUndefined();
    // Approving a rejected request is a 409; rejecting it again answers it as it is.
    expect((await admin('POST', `/api/admin/after-sales/${first.id}/approve`, {})).body.error.code).toBe('AFTER_SALE_STATE');
    expect((await admin('POST', `/api/admin/after-sales/${first.id}/reject`, { note: 'again' })).body.status).toBe('REJECTED');

    const second = (await ask(order, { type: 'RETURN_REFUND', amountFen: 500 })).body;
    const cancelled = await shopper(order, 'POST', `/api/after-sales/${second.id}/cancel`);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await shopper(order, 'POST', `/api/after-sales/${second.id}/cancel`)).body.status).toBe('CANCELLED');
    expect((await stored(order.id)).openAfterSaleId).toBeUndefined();
    expect((await ask(order, { type: 'REFUND_ONLY', amountFen: 500 })).status).toBe(201);
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(0);
  });
});

describe('refusals', () => {
  it('unpaid orders, bad input and another shopper’s orders and requests', async () => {
    const token = await shopperToken(world, 'as-unpaid');
    const product = await createProduct(world, owner, { priceFen: 500 });
    const unpaid = (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })).body;
    const res = await call(world.api.url, 'POST', `/api/orders/${unpaid.id}/after-sales`, { token, body: { type: 'REFUND_ONLY', amountFen: 100, reason: 'OTHER' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORDER_NOT_REFUNDABLE');

    const order = await paidOrder('as-owner-of');
    for (const bad of [
      { type: 'EXCHANGE', amountFen: 100 },
      { type: 'REFUND_ONLY', amountFen: 0 },
      { type: 'REFUND_ONLY', amountFen: 10.5 },
      { type: 'REFUND_ONLY', amountFen: 100, reason: 'because' },
      { type: 'REFUND_ONLY', amountFen: 100, description: 'x'.repeat(201) },
    ]) {
      expect((await ask(order, bad)).status).toBe(400);
    }
    const above = await ask(order, { type: 'REFUND_ONLY', amountFen: 10_001 });
    expect(above.status).toBe(409);
    expect(above.body.error.code).toBe('REFUND_EXCEEDS_PAID');

    const mine = (await ask(order, { type: 'REFUND_ONLY', amountFen: 100 })).body;
    const other = await shopperToken(world, 'as-someone-else');
    const as = (method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: other, ...(body === undefined ? {} : { body }) });
    expect((await as('POST', `/api/orders/${order.id}/after-sales`, { type: 'REFUND_ONLY', amountFen: 100, reason: 'OTHER' })).status).toBe(404);
    expect((await as('GET', `/api/orders/${order.id}/after-sales`)).status).toBe(404);
    expect((await as('GET', `/api/after-sales/${mine.id}`)).status).toBe(404);
    expect((await as('POST', `/api/after-sales/${mine.id}/cancel`)).status).toBe(404);
    expect((await as('POST', `/api/after-sales/${mine.id}/return`, { expressCompany: 'SF', trackingNo: '1' })).status).toBe(404);
    expect((await shopper(order, 'GET', '/api/after-sales/not-an-id')).status).toBe(404);
    // Shoppers are not admins, and admins need a token.
    expect((await call(world.api.url, 'POST', `/api/admin/after-sales/${mine.id}/approve`, { token: order.token, body: {} })).status).toBe(403);
    expect((await call(world.api.url, 'GET', '/api/admin/after-sales')).status).toBe(401);
    expect((await shopper(order, 'GET', `/api/after-sales/${mine.id}`)).body.status).toBe('REQUESTED');
  });

  it('a completed order accepts requests for AFTER_SALE_DAYS after completion, not later', async () => {
    const order = await shippedOrder('as-window');
    const confirmed = await shopper(order, 'POST', `/api/orders/${order.id}/confirm-receipt`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('COMPLETED');
    // Eight days on: the order was completed before the seven-day window began.
    await services().models.Order.updateOne({ _id: order.id }, { $set: { completedAt: new Date(Date.now() - 8 * 24 * 3600 * 1000) } });
    const late = await ask(order, { type: 'REFUND_ONLY', amountFen: 100 });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('AFTER_SALE_EXPIRED');
    await services().models.Order.updateOne({ _id: order.id }, { $set: { completedAt: new Date(Date.now() - 6 * 24 * 3600 * 1000) } });
    expect((await ask(order, { type: 'RETURN_REFUND', amountFen: 100 })).status).toBe(201);
  });
});

describe('photos', () => {
  it('up to 6 of the shopper’s uploads, kept as after-sale images; anything else is refused', async () => {
    const order = await shippedOrder('as-photos');
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c83' } }).png().toBuffer();
    const uploads: string[] = [];
    for (let i = 0; i < 2; i++) {
      const form = new FormData();
      form.append('file', new Blob([png], { type: 'image/png' }), 'broken.png');
      const res = await fetch(`${world.api.url}/api/images`, { method: 'POST', headers: { authorization: `Bearer ${order.token}` }, body: form });
      expect(res.status).toBe(201);
      uploads.push(((await res.json()) as { id: string }).id);
    }
    expect((await ask(order, { type: 'REFUND_ONLY', amountFen: 100, images: Array(7).fill(uploads[0]) })).status).toBe(400);
    const notAnImage = await ask(order, { type: 'REFUND_ONLY', amountFen: 100, images: ['0123456789abcdef01234567'] });
    expect(notAnImage.status).toBe(400);
    expect(await services().models.AfterSale.countDocuments({ orderId: order.id })).toBe(0);
    expect((await stored(order.id)).openAfterSaleId).toBeUndefined();

    const created = await ask(order, { type: 'REFUND_ONLY', amountFen: 100, images: [uploads[0], `/api/images/${uploads[1]}/thumb`] });
    expect(created.status).toBe(201);
    expect(created.body.images).toEqual([`/api/images/${uploads[0]}`, `/api/images/${uploads[1]}`]);
    const images = await services().models.Image.find({ _id: { $in: uploads } }).lean();
    for (const image of images) expect(image.attachedTo).toContain('after-sale');
  });
});

describe('races', () => {
  it('two admins approving at once start one refund; both answer with the request', async () => {
    const order = await paidOrder('as-race-approve');
    const id = (await ask(order, { type: 'REFUND_ONLY', amountFen: 2500 })).body.id;
    const answers = await Promise.all([admin('POST', `/api/admin/after-sales/${id}/approve`, {}), admin('POST', `/api/admin/after-sales/${id}/approve`, {}, clerk), admin('POST', `/api/admin/after-sales/${id}/approve`, {})]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.status).toBe('REFUNDING');
    }
    await services().drain();
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
    expect(await services().models.Refund.countDocuments({ orderId: order.id })).toBe(1);
    expect((await stored(order.id)).refundCommittedFen).toBe(2500);
  });

  it('approve against the shopper’s cancel: exactly one wins, and a refund exists only if the approval won', async () => {
    for (let round = 0; round < 3; round++) {
      const order = await paidOrder(`as-race-cancel-${round}`);
      const id = (await ask(order, { type: 'REFUND_ONLY', amountFen: 1000 })).body.id;
      const [approve, cancel] = await Promise.all([admin('POST', `/api/admin/after-sales/${id}/approve`, {}), shopper(order, 'POST', `/api/after-sales/${id}/cancel`)]);
      const final = (await shopper(order, 'GET', `/api/after-sales/${id}`)).body;
      const refunds = await wechatRefunds(order.outTradeNo);
      if (final.status === 'CANCELLED') {
        expect(cancel.status).toBe(200);
        expect(approve.status).toBe(409);
        expect(refunds).toHaveLength(0);
        expect((await stored(order.id)).openAfterSaleId).toBeUndefined();
      } else {
        expect(final.status).toBe('REFUNDING');
        expect(approve.status).toBe(200);
        expect(cancel.status).toBe(409);
        expect(refunds).toHaveLength(1);
      }
    }
  });

  it('a request moved to REFUNDING whose refund never started (a crash) is finished by the job, once', async () => {
    const order = await shippedOrder('as-crash');
    const id = (await ask(order, { type: 'REFUND_ONLY', amountFen: 1500 })).body.id;
    // What a crash right after the approval's compare-and-set leaves: REFUNDING, no refund.
    const { moveAfterSale } = await import('../src/modules/aftersales/move-after-sale');
    expect(await moveAfterSale(services().models, { id, from: 'REQUESTED', to: 'REFUNDING', set: { decidedBy: 'owner' } })).not.toBeNull();
    expect(await runAfterSaleRefunds(services(), new Date())).toBe(0); // too fresh: the approving request may still be at it
    const later = new Date(Date.now() + STALE_AFTER_MS + 1000);
    expect(await runAfterSaleRefunds(services(), later)).toBe(1);
    expect(await runAfterSaleRefunds(services(), new Date(later.getTime() + STALE_AFTER_MS + 1000))).toBe(0);
    const request = (await shopper(order, 'GET', `/api/after-sales/${id}`)).body;
    expect(request.outRefundNo).toBeTruthy();
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
  });
});

describe('a failed refund', () => {
  it('leaves the request REFUNDING with the problem shown; the re-issued refund becomes its refund and ends it', async () => {
    const order = await shippedOrder('as-reissue');
    const id = (await ask(order, { type: 'REFUND_ONLY', amountFen: 2000 })).body.id;
    const first = (await admin('POST', `/api/admin/after-sales/${id}/approve`, {})).body.outRefundNo as string;
    await settleAtWechat(first, 'CLOSED');
    const stuck = await eventually(async () => {
      const a = (await admin('GET', `/api/admin/after-sales/${id}`)).body;
      return a.refundProblem === 'CLOSED' && a;
    });
    expect(stuck).toMatchObject({ status: 'REFUNDING', outRefundNo: first });
    // Still not the shopper's to cancel: the shop owes the money.
    expect((await shopper(order, 'POST', `/api/after-sales/${id}/cancel`)).status).toBe(409);

    const reissued = await admin('POST', `/api/admin/refunds/${first}/reissue`);
    expect(reissued.status).toBe(201);
    const second = reissued.body.outRefundNo as string;
    expect(second).not.toBe(first);
    const following = (await admin('GET', `/api/admin/after-sales/${id}`)).body;
    expect(following).toMatchObject({ status: 'REFUNDING', outRefundNo: second });
    expect(following.refundProblem).toBeUndefined();

    await settleAtWechat(second);
    const done = await eventually(async () => {
      const a = (await shopper(order, 'GET', `/api/after-sales/${id}`)).body;
      return a.status === 'REFUNDED' && a;
    });
    expect(done.outRefundNo).toBe(second);
    expect((await stored(order.id)).openAfterSaleId).toBeUndefined();
    expect((await wechatRefunds(order.outTradeNo)).map((r: any) => r.status).sort()).toEqual(['CLOSED', 'SUCCESS']);
  });
});

describe('WeChat short of funds when the request is approved', () => {
  it('the refund waits (PENDING) and the refund job sends it later; the request follows it to REFUNDED', async () => {
    const order = await paidOrder('as-not-enough');
    const id = (await ask(order, { type: 'REFUND_ONLY', amountFen: 1200 })).body.id;
    await world.sandbox.control.setFault({ kind: 'not_enough', outTradeNo: order.outTradeNo, count: 3 });
    const approved = await admin('POST', `/api/admin/after-sales/${id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'REFUNDING', outRefundNo: expect.any(String) });
    expect(approved.body.refundProblem).toBeUndefined();
    expect((await services().models.Refund.findOne({ outRefundNo: approved.body.outRefundNo }).lean())!.status).toBe('PENDING');
    // WeChat Pay's code leads the stored failure, so the console can explain it (余额不足) in Chinese.
    const waiting = (await admin('GET', `/api/admin/orders/${order.id}`)).body.refunds.find((r: any) => r.outRefundNo === approved.body.outRefundNo);
    expect(waiting).toMatchObject({ status: 'PENDING', lastError: expect.stringMatching(/^NOT_ENOUGH: /) });
    // Nothing for the after-sale job to do: the refund exists and is the refunds room's to send.
    expect(await runAfterSaleRefunds(services(), new Date(Date.now() + STALE_AFTER_MS + 1000))).toBe(0);

    await world.sandbox.control.clearFaults();
    await runRefundSync(services(), new Date(Date.now() + 24 * 3600 * 1000));
    expect(await wechatRefunds(order.outTradeNo)).toHaveLength(1);
    await settleAtWechat(approved.body.outRefundNo);
    await eventually(async () => (await shopper(order, 'GET', `/api/after-sales/${id}`)).body.status === 'REFUNDED');
  });
});

describe('a crash between the order update and the request', () => {
  it('writes the request the order took a slot for from its timeline entry, and frees a slot an ended request still holds', async () => {
    const order = await shippedOrder('as-crash-request');
    const created = (await ask(order, { type: 'RETURN_REFUND', amountFen: 700, reason: 'WRONG_ITEM', description: '发错颜色' })).body;
    // What a crash right after the order's update leaves: the slot taken, no request document.
    await services().models.AfterSale.deleteOne({ _id: created.id });
    const again = await ask(order, { type: 'REFUND_ONLY', amountFen: 100 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('AFTER_SALE_OPEN');
    const listed = (await shopper(order, 'GET', `/api/orders/${order.id}/after-sales`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: created.id, status: 'REQUESTED', type: 'RETURN_REFUND', amountFen: 700, reason: 'WRONG_ITEM', description: '发错颜色' })]);

    // What a crash right after a cancel leaves: the request ended, the order still pointing at it.
    const { moveAfterSale } = await import('../src/modules/aftersales/move-after-sale');
    expect(await moveAfterSale(services().models, { id: created.id, to: 'CANCELLED' })).not.toBeNull();
    expect(String((await stored(order.id)).openAfterSaleId)).toBe(created.id);
    expect((await ask(order, { type: 'REFUND_ONLY', amountFen: 100 })).status).toBe(201);
  });
});
