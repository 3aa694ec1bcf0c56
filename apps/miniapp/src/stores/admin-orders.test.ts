import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni, type FakeRequest } from '../../test/fake-uni';
import { FakeAdminApi, paidOrder } from './admin.fake';
import { useAdminStore } from './admin';
import { refundKeyIsSpent, useAdminOrdersStore } from './admin-orders';
import { ApiError } from '@/api/request';

let api: FakeAdminApi;

async function start(user: 'owner' | 'staff' = 'owner') {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: (o: { url: string }) => void }).reLaunch = () => undefined;
  await useAdminStore().login(user, `${user}-password`);
  const orders = useAdminOrdersStore();
  await orders.loadDetail('order-1');
  return orders;
}

const refundCalls = (): FakeRequest[] => fakeUni().requests.filter((r) => r.method === 'POST' && r.url.endsWith('/refunds'));

beforeEach(() => {
  api = new FakeAdminApi();
  api.orders.set('order-1', paidOrder('order-1', 10_000));
  fakeUni().responder = api.respond;
});

describe('refunds from the console', () => {
  it('sends the amount typed in yuan as exact fen, with an Idempotency-Key, and shows REFUNDING', async () => {
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_000);
    expect(draft.amountYuan).toBe('100.00'); // the full refundable amount by default
    draft.amountYuan = '0.29'; // 0.29 * 100 is 28.999999999999996 in floating point
    draft.reason = '缺货';

    const started = await orders.submitRefund('order-1');
    expect(started).toMatchObject({ status: 'PROCESSING' });
    const [call] = refundCalls();
    expect(call!.data).toEqual({ amountFen: 29, reason: '缺货' });
    expect(call!.header['Idempotency-Key']).toMatch(/^xd-[0-9a-f]{32}$/);
    expect(orders.details['order-1']!.status).toBe('REFUNDING');
    // The form is done with: the next refund is a new form with a new key.
    expect(orders.refundDrafts['order-1']).toBeUndefined();
    const next = orders.refundDraft('order-1', orders.details['order-1']!.refundableFen);
    expect(next.idempotencyKey).not.toBe(call!.header['Idempotency-Key']);
    expect(next.amountYuan).toBe('99.71');
  });

  it('a double click sends one request', async () => {
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_000);
    draft.reason = '买家申请';
    const [a, b] = await Promise.all([orders.submitRefund('order-1'), orders.submitRefund('order-1')]);
    expect(refundCalls()).toHaveLength(1);
    expect(a).toEqual(b);
    expect(api.orders.get('order-1')!.refunds).toHaveLength(1);
  });

  it('a retry after a lost answer sends the same key, and the API answers with the one refund it started', async () => {
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_000);
    draft.amountYuan = '30';
    draft.reason = '破损';
    // The API starts the refund, but the answer never arrives.
    api.override(/\/refunds$/, 'network-error', { after: true });
    expect(await orders.submitRefund('order-1')).toBeUndefined();
    expect(orders.refundDrafts['order-1']!.failure).toBeTruthy();

    // Closing the form keeps it (its outcome is unknown); reopening gives the same form, same key.
    orders.discardRefundDraft('order-1');
    const again = orders.refundDraft('order-1', 7_000);
    expect(again.amountYuan).toBe('30');
    const retried = await orders.submitRefund('order-1');

    const [first, second] = refundCalls();
    expect(second!.header['Idempotency-Key']).toBe(first!.header['Idempotency-Key']);
    expect(second!.data).toEqual(first!.data);
    expect(retried?.outRefundNo).toBe(api.orders.get('order-1')!.refunds[0]!.outRefundNo);
    // Refunded once: 30 yuan, not 60.
    expect(api.orders.get('order-1')!.refunds).toHaveLength(1);
    expect(api.orders.get('order-1')!.refundableFen).toBe(7_000);
  });

  it('keeps the key after a 5xx, and takes a new one once the key is spent (WeChat refused it for good)', async () => {
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_000);
    draft.reason = 'r';
    const key = draft.idempotencyKey;
    api.override(/\/refunds$/, { status: 503, data: { error: { code: 'WECHAT_UNAVAILABLE', message: 'WeChat Pay is busy' } } });
    await orders.submitRefund('order-1');
    expect(orders.refundDrafts['order-1']!.idempotencyKey).toBe(key);
    expect(orders.refundDrafts['order-1']!.failure).toBe('微信服务暂时不可用，请稍后重试');

    api.override(/\/refunds$/, { status: 502, data: { error: { code: 'WECHAT_REJECTED', message: 'WeChat Pay refused refund R1: NOT_ENOUGH' } } });
    await orders.submitRefund('order-1');
    expect(orders.refundDrafts['order-1']!.idempotencyKey).not.toBe(key);
    expect(orders.refundDrafts['order-1']!.failure).toContain('NOT_ENOUGH');
  });

  it('checks the form before sending: amount format, at most what is refundable, a reason', async () => {
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_000);
    draft.amountYuan = '100.01';
    draft.reason = '';
    expect(await orders.submitRefund('order-1')).toBeUndefined();
    expect(draft.errors.amountYuan).toBe('不能超过 ¥100.00');
    expect(draft.errors.reason).toBeTruthy();
    draft.amountYuan = '1.005';
    draft.reason = 'x';
    await orders.submitRefund('order-1');
    expect(draft.errors.amountYuan).toMatch(/格式/);
    expect(refundCalls()).toHaveLength(0);
  });

  it('with a shipping fee: a partial amount leaves the fee unless 含运费 is ticked, and the whole amount takes it', async () => {
    // ¥98 of items and a ¥10 fee.
    api.orders.set('order-1', paidOrder('order-1', 10_800, 1_000));
    const orders = await start();
    const draft = orders.refundDraft('order-1', 10_800);
    draft.reason = '缺货';
    draft.amountYuan = '100';
    expect(await orders.submitRefund('order-1')).toBeUndefined();
    expect(draft.errors.amountYuan).toBe('部分退款不含运费，最多可退 ¥98.00；全额退款 ¥108.00 含运费，或勾选「含运费」');
    expect(refundCalls()).toHaveLength(0);

    draft.includeShippingFee = true;
    expect(await orders.submitRefund('order-1')).toMatchObject({ status: 'PROCESSING' });
    expect(refundCalls()[0]!.data).toEqual({ amountFen: 10_000, reason: '缺货', includeShippingFee: true });
    // What is left is ¥8 and all of it is the fee's: only the whole of it may go, and untouched it says so.
    expect(orders.details['order-1']).toMatchObject({ refundableFen: 800, partialRefundMaxFen: 0 });
    const rest = orders.refundDraft('order-1', 800);
    rest.reason = '补退运费';
    expect(await orders.submitRefund('order-1')).toMatchObject({ status: 'PROCESSING' });
    expect(refundCalls()[1]!.data).toEqual({ amountFen: 800, reason: '补退运费' });
  });

  it("shows the API's REFUND_EXCEEDS_ITEMS in Chinese when the order changed since it was read", async () => {
    api.orders.set('order-1', paidOrder('order-1', 10_800, 1_000));
    const orders = await start();
    // Another console refunded ¥50 meanwhile: ¥48 of items is left.
    Object.assign(api.orders.get('order-1')!, { refundableFen: 5_800, partialRefundMaxFen: 4_800 });
    const draft = orders.refundDraft('order-1', 10_800);
    draft.amountYuan = '50';
    draft.reason = '缺货';
    expect(await orders.submitRefund('order-1')).toBeUndefined();
    expect(orders.refundDrafts['order-1']!.failure).toBe('部分退款不含运费，最多可退 ¥48.00；全额退款含运费');
    // A 4xx started nothing; the order is shown as it now is.
    expect(api.orders.get('order-1')!.refunds).toHaveLength(0);
    expect(orders.details['order-1']).toMatchObject({ refundableFen: 5_800, partialRefundMaxFen: 4_800 });
  });

  it("shows the API's refusal when a staff member tries anyway", async () => {
    const orders = await start('staff');
    const draft = orders.refundDraft('order-1', 10_000);
    draft.reason = 'x';
    expect(await orders.submitRefund('order-1')).toBeUndefined();
    expect(orders.refundDrafts['order-1']!.failure).toBe('没有权限进行此操作');
    expect(api.orders.get('order-1')!.refunds).toHaveLength(0);
  });

  it('spends a key only on a final answer', () => {
    expect(refundKeyIsSpent(new ApiError('http', 502, 'WECHAT_REJECTED', ''))).toBe(true);
    expect(refundKeyIsSpent(new ApiError('http', 409, 'IDEMPOTENCY_KEY_REUSED', ''))).toBe(true);
    expect(refundKeyIsSpent(new ApiError('network', 0, 'NETWORK_ERROR', ''))).toBe(false);
    expect(refundKeyIsSpent(new ApiError('http', 503, 'WECHAT_UNAVAILABLE', ''))).toBe(false);
    expect(refundKeyIsSpent(new ApiError('http', 409, 'REFUND_EXCEEDS_PAID', ''))).toBe(false);
  });
});

describe('shipping and the list', () => {
  it('ships a paid order with tracking number, company and logistics type, then shows it SHIPPED', async () => {
    const orders = await start('staff');
    const draft = orders.shipDraft('order-1');
    expect(await orders.submitShip('order-1')).toBe(false);
    expect(draft.errors.trackingNo).toBeTruthy();
    draft.trackingNo = ' SF123 ';
    draft.expressCompany = '顺丰速运';
    draft.logisticsType = 3;
    expect(await orders.submitShip('order-1')).toBe(true);
    const call = fakeUni().requests.find((r) => r.url.endsWith('/ship'))!;
    expect(call.data).toEqual({ trackingNo: 'SF123', expressCompany: '顺丰速运', logisticsType: 3 });
    expect(orders.details['order-1']!.status).toBe('SHIPPED');
  });

  it('checks the ship form for the confirmation without sending anything', async () => {
    const orders = await start('staff');
    const draft = orders.shipDraft('order-1');
    expect(orders.checkShip('order-1')).toBe(false);
    expect(draft.errors.trackingNo).toBeTruthy();
    draft.trackingNo = 'SF123';
    draft.expressCompany = '顺丰速运';
    expect(orders.checkShip('order-1')).toBe(true);
    expect(draft.errors).toEqual({});
    expect(fakeUni().requests.some((r) => r.url.endsWith('/ship'))).toBe(false);
  });

  it('sends filters and the page, leaving out empty ones', async () => {
    const orders = await start();
    await orders.search({ status: 'PAID', q: ' T1 ', from: '2026-05-01', to: '' });
    const call = fakeUni().requests.filter((r) => r.url.includes('/api/admin/orders?')).at(-1)!;
    expect(call.url).toBe('http://127.0.0.1:3000/api/admin/orders?status=PAID&q=T1&from=2026-05-01&page=1&pageSize=20');
    expect(orders.listStatus).toBe('ready');
    expect(orders.total).toBe(1);
  });
});

describe('the work tabs', () => {
  it('counts 待发货, 待收货 and 售后中, and a tab lists only its orders', async () => {
    api.orders.set('order-2', { ...paidOrder('order-2', 500), status: 'SHIPPED' });
    api.orders.set('order-3', { ...paidOrder('order-3', 700), status: 'REFUNDING' });
    api.orders.set('order-4', { ...paidOrder('order-4', 900), shipBlocked: true });
    const orders = await start();
    await orders.search({ tab: 'TO_SHIP' });
    await orders.loadTabCounts();
    expect(orders.tabCounts).toEqual({ toShip: 1, toReceive: 1, afterSale: 1 });
    const call = fakeUni().requests.filter((r) => r.url.includes('/api/admin/orders?')).at(-1)!;
    expect(call.url).toBe('http://127.0.0.1:3000/api/admin/orders?tab=TO_SHIP&page=1&pageSize=20');
    expect(orders.items.map((o) => o.id)).toEqual(['order-1']);
    await orders.search({ tab: 'TO_RECEIVE' });
    expect(orders.items.map((o) => o.id)).toEqual(['order-2']);
  });

  it('a failed count keeps the list', async () => {
    const orders = await start();
    await orders.loadTabCounts();
    api.override(/\/api\/admin\/orders\/counts$/, { status: 500, data: { error: { code: 'INTERNAL', message: 'x' } } });
    await orders.search({ tab: '' });
    await orders.loadTabCounts();
    expect(orders.tabCounts).toEqual({ toShip: 1, toReceive: 0, afterSale: 0 }); // the last counts stay
    expect(orders.listStatus).toBe('ready');
    expect(orders.items).toHaveLength(1);
  });
});

describe('tracking-number correction', () => {
  const shipped = () => ({ ...paidOrder('order-1', 500), status: 'SHIPPED' as const, shipping: { expressCompany: '顺丰速运', trackingNo: 'SF1', shippedAt: '2026-11-30T01:00:00.000Z' } });

  it('sends the trimmed numbers and shows the order as the API has it', async () => {
    api.orders.set('order-1', shipped());
    const orders = await start();
    expect(await orders.correctTracking('order-1', { expressCompany: ' 中通快递 ', trackingNo: ' ZT9 ' })).toBeUndefined();
    const call = fakeUni().requests.find((r) => r.method === 'PATCH')!;
    expect(call.url).toBe('http://127.0.0.1:3000/api/admin/orders/order-1/shipment');
    expect(call.data).toEqual({ expressCompany: '中通快递', trackingNo: 'ZT9' });
    expect(orders.details['order-1']!.shipping).toMatchObject({ expressCompany: '中通快递', trackingNo: 'ZT9' });
  });

  it('an empty number is refused in Chinese before anything is sent', async () => {
    api.orders.set('order-1', shipped());
    const orders = await start();
    expect(await orders.correctTracking('order-1', { expressCompany: '中通快递', trackingNo: ' ' })).toBe('请输入快递单号');
    expect(fakeUni().requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it("the API's refusals come back in Chinese", async () => {
    const orders = await start(); // order-1 is PAID: nothing to correct
    expect(await orders.correctTracking('order-1', { expressCompany: '中通快递', trackingNo: 'ZT9' })).toBe('订单状态已变化，请刷新后重试');
    api.orders.set('order-1', shipped());
    api.override(/\/shipment$/, { status: 409, data: { error: { code: 'CONFLICT', message: 'corrected at the same moment' } } });
    expect(await orders.correctTracking('order-1', { expressCompany: '中通快递', trackingNo: 'ZT9' })).toBe('数据刚被修改，请刷新后重试');
  });

  it('a double press sends one request', async () => {
    api.orders.set('order-1', shipped());
    const orders = await start();
    const form = { expressCompany: '中通快递', trackingNo: 'ZT9' };
    await Promise.all([orders.correctTracking('order-1', form), orders.correctTracking('order-1', form)]);
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });
});

describe("an order's audit", () => {
  it('reads what admins did to the order, by order', async () => {
    const orders = await start();
    api.audit.push(
      { id: 'e1', at: '2026-05-20T05:00:00.000Z', actor: 'owner', action: 'order.ship', detail: 'SF1', orderId: 'order-1' },
      { id: 'e2', at: '2026-05-20T05:00:00.000Z', actor: 'owner', action: 'order.ship', detail: 'SF2', orderId: 'order-2' },
    );
    expect((await orders.loadAudit('order-1')).map((e) => e.id)).toEqual(['e1']);
    expect(orders.audits['order-1']).toHaveLength(1);
    expect(fakeUni().requests.at(-1)!.url).toContain('/api/admin/audit?orderId=order-1&pageSize=50');
  });
});

describe('the refund started from the console', () => {
  it('is remembered by order until a new refund form is opened', async () => {
    const orders = await start();
    orders.refundDraft('order-1', 10_000).reason = '缺货';
    const started = await orders.submitRefund('order-1');
    expect(orders.startedRefunds['order-1']).toEqual(started);
    orders.refundDraft('order-1', 0);
    expect(orders.startedRefunds['order-1']).toBeUndefined();
  });
});
