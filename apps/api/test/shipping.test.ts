// Shipping information reaches WeChat after the admin ships: retried with backoff through 5xx answers, skipped
// (and recorded) when the mini program is not under shipping management, given up after too many failures.
// The sandbox plays WeChat's 5xx answers (its http_5xx fault); a pass-through tap in front of it counts the calls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDoc } from '../src/modules/orders/model';
import { MAX_UPLOAD_ATTEMPTS, runShippingUpload, uploadRetryDelayMs } from '../src/modules/shipping/shipping-upload-job';
import { shippingInfoRequest } from '../src/modules/shipping/upload-shipping-info';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';
import { startOpenApiTap, type OpenApiTap } from './open-api-tap';

const UPLOAD = '/wxa/sec/order/upload_shipping_info';

let tap: OpenApiTap;
let world: World;
let admin: string;

beforeAll(async () => {
  tap = await startOpenApiTap(() => world.sandbox.url);
  world = await startWorld({ env: { WECHAT_API_BASE: tap.url } });
  admin = await adminToken(world);
});
afterAll(async () => {
  await world?.stop();
  await tap?.close();
});

const services = () => world.api.instance.services;
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

async function paidOrder(user: string) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { name: '乌龙茶', priceFen: 1999 });
  const placed = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 2 }] } });
  const pay = await call(world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token })).body.status === 'PAID');
  return { id: placed.body.id as string, orderNo: placed.body.orderNo as string, outTradeNo: placed.body.outTradeNo as string };
}

async function shippedOrder(user: string) {
  const placed = { body: await paidOrder(user) };
  const shipped = await call(world.api.url, 'POST', `/api/admin/orders/${placed.body.id}/ship`, { token: admin, body: { trackingNo: 'SF1234567890', expressCompany: 'SF' } });
  expect(shipped.status).toBe(200);
  return { id: placed.body.id as string, outTradeNo: placed.body.outTradeNo as string, openid: await world.sandbox.control.openid(user) };
}

const uploadOf = async (id: string) => (await services().models.Order.findById(id).lean<OrderDoc>())!.shipping!.upload!;
const detail = async (id: string) => (await call(world.api.url, 'GET', `/api/admin/orders/${id}`, { token: admin })).body;

afterEach(async () => world.sandbox.control.clearFaults());

describe('shipping information upload', () => {
  it('succeeds after WeChat answers 5xx twice, with backoff between attempts, and shows in the admin order detail', async () => {
    const order = await shippedOrder('ship-5xx');
    tap.reset();
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['upload_shipping_info'], count: 2, status: 502 });

    const t0 = new Date();
    expect(await runShippingUpload(services(), t0)).toBe(1);
    expect(await uploadOf(order.id)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('502') });
    // Not due again before the backoff.
    expect(await runShippingUpload(services(), later(t0, uploadRetryDelayMs(1) - 1_000))).toBe(0);
    const t1 = later(t0, uploadRetryDelayMs(1));
    expect(await runShippingUpload(services(), t1)).toBe(1);
    expect(await uploadOf(order.id)).toMatchObject({ status: 'PENDING', attempts: 2 });
    expect((await detail(order.id)).shippingUpload).toMatchObject({ status: 'PENDING', attempts: 2 });
    expect(await runShippingUpload(services(), later(t1, uploadRetryDelayMs(2)))).toBe(1);

    expect(await uploadOf(order.id)).toMatchObject({ status: 'DONE', attempts: 3 });
    expect((await uploadOf(order.id)).lastError).toBeUndefined();
    expect(tap.count(UPLOAD)).toBe(3);
    const atWechat = (await world.sandbox.control.trade(order.outTradeNo)).shipping as { uploads: number; last: Record<string, unknown> };
    expect(atWechat.uploads).toBe(1);
    expect(atWechat.last).toMatchObject({
      order_key: { order_number_type: 1, mchid: world.sandbox.identity.mchid, out_trade_no: order.outTradeNo },
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '乌龙茶*2' }],
      payer: { openid: order.openid },
    });
    expect(atWechat.last.upload_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect((await detail(order.id)).shippingUpload).toMatchObject({ status: 'DONE', attempts: 3 });
    // Nothing left to do: a later run does not upload again.
    expect(await runShippingUpload(services(), later(t1, 24 * 3600_000))).toBe(0);
  });

  it('records that the mini program is not under shipping management, and uploads nothing', async () => {
    const order = await shippedOrder('ship-unmanaged');
    await world.sandbox.control.settings({ trade_managed: false });
    tap.reset();
    // Hours later: the cached is_trade_managed answer has lapsed, so WeChat is asked again.
    expect(await runShippingUpload(services(), later(new Date(), 7 * 3600_000))).toBe(1);
    expect(await uploadOf(order.id)).toMatchObject({ status: 'SKIPPED_NOT_MANAGED', attempts: 1 });
    expect((await detail(order.id)).shippingUpload).toMatchObject({ status: 'SKIPPED_NOT_MANAGED' });
    expect(tap.count('/wxa/sec/order/is_trade_managed')).toBe(1);
    expect(tap.count(UPLOAD)).toBe(0);
    expect((await world.sandbox.control.trade(order.outTradeNo)).shipping).toBeUndefined();
    await world.sandbox.control.settings({ trade_managed: true });
  });

  it(`gives up after ${MAX_UPLOAD_ATTEMPTS} failed attempts and says why`, async () => {
    const order = await shippedOrder('ship-down');
    tap.reset();
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['upload_shipping_info'], status: 503 });
    // Past the cached "not managed" of the test before (WeChat is asked again, and now says managed).
    let now = later(new Date(), 14 * 3600_000);
    for (let i = 0; i < MAX_UPLOAD_ATTEMPTS; i++) {
      expect(await runShippingUpload(services(), now)).toBe(1);
      now = later(now, 7 * 3600_000);
    }
    expect(await uploadOf(order.id)).toMatchObject({ status: 'FAILED', attempts: MAX_UPLOAD_ATTEMPTS, lastError: expect.stringContaining('503') });
    expect(await runShippingUpload(services(), now)).toBe(0);
    expect(tap.count(UPLOAD)).toBe(MAX_UPLOAD_ATTEMPTS);
    // The failure is the upload's (shown with it in the console), not a step of the order: the timeline ends at SHIPPED.
    const events = (await services().models.Order.findById(order.id).lean<OrderDoc>())!.events;
    expect(events.map((e) => e.code)).toEqual(['PLACED', 'PAID', 'SHIPPED']);
  });

  it('describes virtual goods and self-pickup without a parcel', () => {
    const base = {
      _id: 'x',
      openid: 'o-1',
      outTradeNo: 'XD1',
      items: [{ name: '会员卡', quantity: 1 }],
      address: { phone: '13800001234' },
    } as unknown as OrderDoc;
    const virtual = shippingInfoRequest(services(), { ...base, shipping: { logisticsType: 3 } } as OrderDoc);
    expect(virtual).toMatchObject({ logistics_type: 3, shipping_list: [{ item_desc: '会员卡*1' }] });
    expect(virtual.shipping_list[0]).not.toHaveProperty('tracking_no');
    expect(shippingInfoRequest(services(), { ...base, shipping: { logisticsType: 4 } } as OrderDoc).logistics_type).toBe(4);
    const express = shippingInfoRequest(services(), { ...base, shipping: { trackingNo: 'SF1', expressCompany: 'SF' } } as OrderDoc);
    expect(express.shipping_list[0]).toMatchObject({ tracking_no: 'SF1', express_company: 'SF', contact: { receiver_contact: '138****1234' } });
  });
});

describe('correcting a tracking number', () => {
  const correct = (id: string, body: unknown, token = admin) => call(world.api.url, 'PATCH', `/api/admin/orders/${id}/shipment`, { token, body });
  const atWechat = async (outTradeNo: string) => (await world.sandbox.control.trade(outTradeNo)).shipping as { uploads: number; last: { shipping_list: Record<string, unknown>[] } } | undefined;

  it('re-uploads the corrected numbers to WeChat after the first upload is done, with a SHIPMENT_UPDATED entry', async () => {
    const order = await shippedOrder('ship-correct');
    await runShippingUpload(services(), new Date());
    expect(await uploadOf(order.id)).toMatchObject({ status: 'DONE' });

    const fixed = await correct(order.id, { expressCompany: 'YTO', trackingNo: 'YT9876543210' });
    expect(fixed.status).toBe(200);
    expect(fixed.body.shipment).toMatchObject({ expressCompany: 'YTO', trackingNo: 'YT9876543210' });
    expect(fixed.body.status).toBe('SHIPPED');
    expect(await uploadOf(order.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    // The same correction again (a double click) changes nothing more.
    expect((await correct(order.id, { expressCompany: 'YTO', trackingNo: 'YT9876543210' })).status).toBe(200);

    await runShippingUpload(services(), new Date());
    expect(await uploadOf(order.id)).toMatchObject({ status: 'DONE', attempts: 1 });
    const wechat = await atWechat(order.outTradeNo);
    expect(wechat?.uploads).toBe(2);
    expect(wechat?.last.shipping_list[0]).toMatchObject({ tracking_no: 'YT9876543210', express_company: 'YTO' });
    const stored = (await services().models.Order.findById(order.id).lean<OrderDoc>())!;
    expect(stored.events.map((e) => e.code)).toEqual(['PLACED', 'PAID', 'SHIPPED', 'SHIPMENT_UPDATED']);
    expect(stored.events.at(-1)).toMatchObject({ status: 'SHIPPED', data: { expressCompany: 'YTO', trackingNo: 'YT9876543210', before: { expressCompany: 'SF', trackingNo: 'SF1234567890' } } });
    const audit = await services().models.AuditLog.findOne({ orderId: order.id, action: 'order.shipment.update' }).lean();
    expect(audit).toBeTruthy();
  });

  it('sends the corrected numbers when the correction lands while the old upload is still pending or in flight', async () => {
    const order = await shippedOrder('ship-correct-pending');
    await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['upload_shipping_info'], count: 1, status: 502 });
    const t0 = new Date();
    await runShippingUpload(services(), t0);
    expect(await uploadOf(order.id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect((await correct(order.id, { expressCompany: 'SF', trackingNo: 'SF0000000001' })).status).toBe(200);
    // Due at once, not after the backoff of the failed attempt.
    await runShippingUpload(services(), new Date());
    expect(await uploadOf(order.id)).toMatchObject({ status: 'DONE', attempts: 1 });
    const wechat = await atWechat(order.outTradeNo);
    expect(wechat?.uploads).toBe(1);
    expect(wechat?.last.shipping_list[0]).toMatchObject({ tracking_no: 'SF0000000001' });

    // In flight: WeChat answers the upload of the old numbers only after the correction was stored.
    const other = await shippedOrder('ship-correct-inflight');
    tap.reset();
    tap.slow(UPLOAD, 1_500);
    try {
      const inFlight = runShippingUpload(services(), new Date());
      await eventually(async () => tap.count(UPLOAD) > 0 && (await uploadOf(other.id)).attempts === 1);
      expect((await correct(other.id, { expressCompany: 'SF', trackingNo: 'SF0000000002' })).status).toBe(200);
      await inFlight;
    } finally {
      tap.slow(UPLOAD, 0);
    }
    // The old upload's outcome did not mark the corrected numbers done: they are still queued, and go out next.
    expect(await uploadOf(other.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    await runShippingUpload(services(), new Date());
    expect(await uploadOf(other.id)).toMatchObject({ status: 'DONE' });
    const corrected = await atWechat(other.outTradeNo);
    expect(corrected?.uploads).toBe(2);
    expect(corrected?.last.shipping_list[0]).toMatchObject({ tracking_no: 'SF0000000002' });
  });

  it('refuses an order that is not SHIPPED, bad input and shoppers, and changes nothing', async () => {
    const paid = await paidOrder('ship-correct-paid');
    const refused = await correct(paid.id, { expressCompany: 'SF', trackingNo: 'SF1' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ORDER_STATE');
    const order = await shippedOrder('ship-correct-bad');
    expect((await correct(order.id, { expressCompany: 'SF', trackingNo: '' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await correct('000000000000000000000000', { expressCompany: 'SF', trackingNo: 'SF1' })).status).toBe(404);
    const shopper = await shopperToken(world, 'ship-correct-bad');
    expect((await correct(order.id, { expressCompany: 'SF', trackingNo: 'SF2' }, shopper)).status).toBe(403);
    const stored = (await services().models.Order.findById(order.id).lean<OrderDoc>())!;
    expect(stored.shipping?.trackingNo).toBe('SF1234567890');
    expect(stored.events.map((e) => e.code)).toEqual(['PLACED', 'PAID', 'SHIPPED']);
  });
});

describe('batch shipping', () => {
  const batch = (rows: unknown[]) => call(world.api.url, 'POST', '/api/admin/orders/ship-batch', { token: admin, body: { rows } });
  const row = (orderNo: string, trackingNo: string) => ({ orderNo, expressCompany: 'ZTO', trackingNo });

  it('ships the valid rows and reports unknown, not-shippable and duplicated rows without applying them', async () => {
    const a = await paidOrder('batch-a');
    const b = await paidOrder('batch-b');
    const dup = await paidOrder('batch-dup');
    const shipped = await shippedOrder('batch-shipped');
    const shippedNo = (await detail(shipped.id)).orderNo as string;
    const answer = await batch([row(a.orderNo, 'ZT1'), row('99999999999999', 'ZT2'), row(shippedNo, 'ZT3'), row(dup.orderNo, 'ZT4'), row(b.orderNo, 'ZT5'), row(dup.orderNo, 'ZT6')]);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { orderNo: a.orderNo, ok: true },
      { orderNo: '99999999999999', ok: false, code: 'NOT_FOUND' },
      { orderNo: shippedNo, ok: false, code: 'ORDER_NOT_SHIPPABLE' },
      { orderNo: dup.orderNo, ok: false, code: 'CONFLICT' },
      { orderNo: b.orderNo, ok: true },
      { orderNo: dup.orderNo, ok: false, code: 'CONFLICT' },
    ]);
    expect((await detail(a.id)).shipment).toMatchObject({ expressCompany: 'ZTO', trackingNo: 'ZT1' });
    expect((await detail(b.id)).shipment).toMatchObject({ trackingNo: 'ZT5' });
    expect((await detail(dup.id)).status).toBe('PAID');
    expect((await detail(shipped.id)).shipment).toMatchObject({ trackingNo: 'SF1234567890' });
  });

  it(`refuses an empty batch and one over 500 rows`, async () => {
    expect((await batch([])).body.error.code).toBe('VALIDATION_FAILED');
    const big = await batch(Array.from({ length: 501 }, (_, i) => row(String(i), 'T')));
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('gives one shipment, one SHIPPED message and one upload when two admins ship the same order at once', async () => {
    const order = await paidOrder('batch-race');
    const [single, inBatch] = await Promise.all([
      call(world.api.url, 'POST', `/api/admin/orders/${order.id}/ship`, { token: admin, body: { expressCompany: 'SF', trackingNo: 'SF-RACE-1' } }),
      batch([row(order.orderNo, 'ZT-RACE-2')]),
    ]);
    const wins = [single.status === 200, inBatch.body.results[0].ok === true];
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(single.status === 200 ? inBatch.body.results[0].code : single.body.error.code).toBe('ORDER_NOT_SHIPPABLE');
    const stored = (await services().models.Order.findById(order.id).lean<OrderDoc & { outbox: { event: string }[] }>())!;
    expect(stored.events.filter((e) => e.code === 'SHIPPED')).toHaveLength(1);
    expect(stored.outbox.filter((m) => m.event === 'SHIPPED')).toHaveLength(1);
    await runShippingUpload(services(), new Date());
    await runShippingUpload(services(), new Date());
    expect((await world.sandbox.control.trade(order.outTradeNo)).shipping).toMatchObject({ uploads: 1 });
  });
});
