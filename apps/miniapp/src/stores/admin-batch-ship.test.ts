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
    expect((await batch.preview()).map((r) => [r.expressCompany, r.trackingNo, r.problem])).toEqual([
      ['顺丰速运', 'SF1', undefined],
      ['顺丰速运', 'SF2', undefined],
      ['顺丰速运', 'SF3', undefined],
    ]);
    expect(await batch.apply()).toBe(true);
    const call = fakeUni().requests.find((r) => r.url.endsWith('/ship-batch'))!;
    expect((call.data as { rows: unknown[] }).rows).toHaveLength(3);
    expect(batch.results.map(batchResultText)).toEqual(['已发货', '已发货', '已发货']);
    expect(['order-1', 'order-2', 'order-3'].map((id) => api.orders.get(id)!.status)).toEqual(['SHIPPED', 'SHIPPED', 'SHIPPED']);
    // Shipped now: picked no more, and flagged if they come again (an imported sheet, say).
    expect(batch.candidates).toEqual([]);
    batch.text = '2026113000001 顺丰速运 SF1';
    expect((await batch.preview()).map((r) => r.problem)).toEqual(['不是待发货的订单']);
  });

  it('flagged rows are not sent; what the API refuses comes back per row', async () => {
    const batch = useAdminBatchShipStore();
    await batch.start();
    batch.text = '2026113000001 顺丰速运 SF1\n2026113000004 顺丰速运 SF4\n2026113000002 顺丰速运 SF2\n2026113000002 顺丰速运 SF2b';
    expect((await batch.preview()).map((r) => r.problem)).toEqual([undefined, '不是待发货的订单', '订单号重复', '订单号重复']);
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
    await batch.preview();
    api.override(/\/ship-batch$/, 'network-error');
    expect(await batch.apply()).toBe(false);
    expect(batch.failure).toMatch(/[\u4e00-\u9fa5]/);
    expect(batch.rows).toHaveLength(1);
  });

  it('pages the 待发货 orders to pick from, and a preview reads the pages not read yet before flagging an order', async () => {
    for (let n = 10; n < 260; n++) api.orders.set(`order-${n}`, { ...paidOrder(`order-${n}`), orderNo: `2026113${String(n).padStart(6, '0')}` });
    const batch = useAdminBatchShipStore();
    await batch.start();
    expect(batch.candidates).toHaveLength(100);
    expect(batch.candidatesTotal).toBe(253);
    expect(batch.hasMoreCandidates).toBe(true);
    await batch.loadMore();
    expect(batch.candidates).toHaveLength(200);
    // The last page's order is 待发货 too: the preview reads it before judging.
    const last = api.orders.get('order-259')!.orderNo!;
    expect(batch.candidates.some((o) => o.orderNo === last)).toBe(false);
    batch.text = `${last} 顺丰速运 SF1\n2099010100001 顺丰速运 SF2`;
    expect((await batch.preview()).map((r) => r.problem)).toEqual([undefined, '不是待发货的订单']);
    expect(batch.candidates).toHaveLength(253);
    expect(batch.hasMoreCandidates).toBe(false);
    // Rows carry no openid (only an order's detail does).
    expect(batch.candidates.every((o) => !('openid' in o))).toBe(true);
  });

  it('an imported sheet joins the lines as pasted ones, with the lines it left out; a refused sheet says why', async () => {
    const uploads: { filePath: string; authorization?: string }[] = [];
    fakeUni().uploader = (filePath, authorization) => {
      uploads.push({ filePath, authorization });
      if (filePath === 'blob:bad') return { status: 400, data: { error: { code: 'IMPORT_COLUMNS_MISSING', message: 'No header', details: { missing: ['快递单号'] } } } };
      return {
        status: 200,
        data: {
          rows: [
            { line: 2, orderNo: '2026113000002', expressCompany: '中通快递', trackingNo: 'ZT2' },
            { line: 3, orderNo: '2026113000004', expressCompany: '中通快递', trackingNo: 'ZT4' },
          ],
          problems: [{ line: 5, code: 'VALIDATION_FAILED' }],
        },
      };
    };
    const batch = useAdminBatchShipStore();
    await batch.start();
    batch.text = '2026113000001 顺丰速运 SF1';
    expect(await batch.importFile('blob:sheet')).toBe(true);
    expect(uploads[0]).toMatchObject({ filePath: 'blob:sheet', authorization: expect.stringMatching(/^Bearer /) });
    expect(batch.text).toBe('2026113000001 顺丰速运 SF1\n2026113000002 中通快递 ZT2\n2026113000004 中通快递 ZT4');
    expect(batch.rows.map((r) => [r.orderNo, r.problem])).toEqual([
      ['2026113000001', undefined],
      ['2026113000002', undefined],
      ['2026113000004', '不是待发货的订单'],
    ]);
    expect(batch.importNote).toBe('已从表格读入 2 单；表格第 5 行缺少订单号、快递公司或单号（或内容过长），未读入');

    expect(await batch.importFile('blob:bad')).toBe(false);
    expect(batch.importError).toBe('表格缺少「快递单号」列：表头应有 订单号、快递公司、快递单号');
    expect(batch.rows).toHaveLength(3);
  });
});
