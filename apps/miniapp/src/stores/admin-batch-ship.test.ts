import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi, paidOrder } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminBatchShipStore } from './admin-batch-ship';
import { batchResultText } from '@/utils/batch-ship';

let api: FakeAdminApi;

beforeEach(async () => {
  api = new FakeAdminApi();
  for (const n of [1, 2, 3]) api.orders.set(`order-${n}`, { ...paidOrder(`order-${n}`), orderNo: `202611300000${n}` });
  api.orders.set('order-4', { ...paidOrder('order-4'), orderNo: '2026113000004', status: 'SHIPPED' });
  fakeUni().responder = api.respond;
  setActivePinia(createPinia());
  await useAdminStore().login('owner', 'owner-password');
});

describe('batch shipping', () => {
  it('ships three picked orders in one request and says each result in Chinese', async () => {
    const batch = useAdminBatchShipStore();
    await batch.start();
    expect(batch.candidates.map((o) => o.orderNo).sort()).toEqual(['2026113000001', '2026113000002', '2026113000003']);
    const [a, b, c] = batch.candidates;
    batch.pick(a!);
    batch.text += '顺丰速运 SF1';
    batch.pick(b!); // the company of the line before comes along
    batch.text += 'SF2';
    batch.pick(c!);
    batch.text += 'SF3';
    expect(batch.preview().map((r) => [r.expressCompany, r.trackingNo, r.problem])).toEqual([
      ['顺丰速运', 'SF1', undefined],
      ['顺丰速运', 'SF2', undefined],
      ['顺丰速运', 'SF3', undefined],
    ]);
    expect(await batch.apply()).toBe(true);
    const call = fakeUni().requests.find((r) => r.url.endsWith('/ship-batch'))!;
    expect((call.data as { rows: unknown[] }).rows).toHaveLength(3);
    expect(batch.results.map(batchResultText)).toEqual(['已发货', '已发货', '已发货']);
    expect(['order-1', 'order-2', 'order-3'].map((id) => api.orders.get(id)!.status)).toEqual(['SHIPPED', 'SHIPPED', 'SHIPPED']);
  });

  it('flagged rows are not sent; what the API refuses comes back per row', async () => {
    const batch = useAdminBatchShipStore();
    await batch.start();
    batch.text = '2026113000001 顺丰速运 SF1\n2026113000004 顺丰速运 SF4\n2026113000002 顺丰速运 SF2\n2026113000002 顺丰速运 SF2b';
    expect(batch.preview().map((r) => r.problem)).toEqual([undefined, '不是待发货的订单', '订单号重复', '订单号重复']);
    // Someone ships order 1 meanwhile: the API refuses that row, and nothing else was sent.
    api.orders.get('order-1')!.status = 'SHIPPED';
    expect(await batch.apply()).toBe(true);
    expect((fakeUni().requests.find((r) => r.url.endsWith('/ship-batch'))!.data as { rows: unknown[] }).rows).toHaveLength(1);
    expect(batch.results.map(batchResultText)).toEqual(['订单当前不能发货（已发货、未支付或售后中）']);
  });

  it('no answer is said in Chinese and the preview stays for a retry', async () => {
    const batch = useAdminBatchShipStore();
    await batch.start();
    batch.text = '2026113000001 顺丰速运 SF1';
    batch.preview();
    api.override(/\/ship-batch$/, 'network-error');
    expect(await batch.apply()).toBe(false);
    expect(batch.failure).toMatch(/[\u4e00-\u9fa5]/);
    expect(batch.rows).toHaveLength(1);
  });
});
