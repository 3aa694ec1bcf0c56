import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AfterSale } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi, paidOrder } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminAfterSalesStore } from './admin-after-sales';
import { useAdminBindingStore } from './admin-binding';
import { useAdminOrdersStore } from './admin-orders';

let api: FakeAdminApi;

function request(id: string, type: AfterSale['type'], status: AfterSale['status'] = 'REQUESTED'): AfterSale {
  const at = '2026-11-30T04:00:00.000Z';
  return { id, orderId: 'order-1', orderNo: '2611300001', type, status, amountFen: 8800, reason: 'DAMAGED', images: ['/api/images/img1'], history: [{ at, status }], createdAt: at, updatedAt: at };
}

const posts = (pattern: RegExp) => api.handled.filter((r) => r.method === 'POST' && pattern.test(r.url)).length;

async function start(user: 'owner' | 'staff' = 'owner') {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login(user, `${user}-password`);
}

beforeEach(() => {
  api = new FakeAdminApi();
  api.orders.set('order-1', paidOrder('order-1', 25600));
  api.afterSales.set('as-1', request('as-1', 'RETURN_REFUND'));
  api.afterSales.set('as-2', request('as-2', 'REFUND_ONLY', 'REFUNDED'));
  fakeUni().responder = api.respond;
});

describe('the after-sale queue', () => {
  it('opens on what waits for the shop, counts it for the navigation, and lists every tab', async () => {
    await start('staff');
    const queue = useAdminAfterSalesStore();
    await queue.load();
    expect(queue.items.map((a) => a.id)).toEqual(['as-1']);
    expect(queue.requestedCount).toBe(1);
    await queue.pick('');
    expect(queue.items.map((a) => a.id)).toEqual(['as-2', 'as-1']);
    expect(queue.total).toBe(2);
    api.afterSales.set('as-3', request('as-3', 'REFUND_ONLY'));
    await queue.refreshCount();
    expect(queue.requestedCount).toBe(2);
  });

  it('approves once however often the button is pressed, and shows the request as the API has it', async () => {
    await start();
    const queue = useAdminAfterSalesStore();
    await queue.loadDetail('as-1');
    expect(queue.orders['order-1']?.totalFen).toBe(25600);
    const [a, b] = await Promise.all([queue.act('as-1', 'approve'), queue.act('as-1', 'approve')]);
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
    expect(posts(/\/after-sales\/as-1\/approve$/)).toBe(1);
    expect(queue.details['as-1']?.status).toBe('APPROVED');
  });

  it('refuses a reject without a note before asking the API, and says in Chinese when another admin acted first', async () => {
    await start();
    const queue = useAdminAfterSalesStore();
    await queue.loadDetail('as-1');
    expect(await queue.act('as-1', 'reject', '  ')).toEqual({ ok: false, error: '请填写拒绝理由（买家可见）' });
    expect(posts(/\/reject$/)).toBe(0);

    api.afterSales.get('as-1')!.status = 'CANCELLED'; // the shopper cancelled meanwhile
    const refused = await queue.act('as-1', 'receive');
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error).toMatch(/[\u4e00-\u9fff]/);
    expect(queue.details['as-1']?.status).toBe('CANCELLED');

    const rejected = await queue.act('as-2', 'reject', '已退款');
    expect(rejected.ok).toBe(false);
  });

  it('rejects with the note the shopper reads', async () => {
    await start();
    const queue = useAdminAfterSalesStore();
    const done = await queue.act('as-1', 'reject', ' 商品无质量问题 ');
    expect(done.ok && done.afterSale).toMatchObject({ status: 'REJECTED', adminNote: '商品无质量问题' });
  });
});

describe('an order’s messages and a failed refund issued again', () => {
  it('lists the messages, and re-issues a closed refund once despite a double press', async () => {
    await start();
    const order = api.orders.get('order-1')!;
    order.refunds.push({ outRefundNo: 'R1', amountFen: 5000, reason: '缺货', status: 'CLOSED', affectsOrder: true, createdAt: order.createdAt });
    api.messages.set('order-1', [{ id: 'm1', event: 'PAID', status: 'FAILED', attempts: 1, errcode: 43101 }]);
    const orders = useAdminOrdersStore();
    await orders.loadDetail('order-1');
    expect((await orders.loadMessages('order-1')).map((m) => m.errcode)).toEqual([43101]);

    const [a, b] = await Promise.all([orders.reissue('order-1', 'R1'), orders.reissue('order-1', 'R1')]);
    expect([a, b]).toEqual([true, false]);
    expect(posts(/\/refunds\/R1\/reissue$/)).toBe(1);
    expect(orders.details['order-1']?.refunds.map((r) => r.status)).toEqual(['CLOSED', 'PROCESSING']);
  });

  it('says why staff cannot re-issue', async () => {
    await start('staff');
    api.orders.get('order-1')!.refunds.push({ outRefundNo: 'R1', amountFen: 5000, reason: '缺货', status: 'CLOSED', affectsOrder: true, createdAt: '2026-11-30T04:00:00.000Z' });
    const orders = useAdminOrdersStore();
    expect(await orders.reissue('order-1', 'R1')).toBe(false);
    expect(orders.reissueErrors.R1).toBe('没有权限进行此操作');
  });
});

describe('binding the admin’s WeChat', () => {
  it('shows a code until bound, then the notify switch', async () => {
    await start();
    const binding = useAdminBindingStore();
    await binding.load();
    expect(binding.bound).toBe(false);
    await binding.newCode();
    expect(binding.code?.code).toMatch(/^\d{6}$/);
    api.binding.set('owner', { bound: true, notify: true });
    await binding.load();
    expect([binding.bound, binding.notify, binding.code]).toEqual([true, true, undefined]);
    await binding.toggleNotify(false);
    expect(binding.notify).toBe(false);
    expect(api.binding.get('owner')?.notify).toBe(false);
  });
});
