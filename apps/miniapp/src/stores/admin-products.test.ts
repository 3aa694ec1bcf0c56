import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { stockFiguresOf } from '@/utils/admin-view';
import { productFormOf, useAdminProductsStore } from './admin-products';

let api: FakeAdminApi;

async function start() {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login('staff', 'staff-password');
  return useAdminProductsStore();
}

beforeEach(() => {
  api = new FakeAdminApi();
  fakeUni().responder = api.respond;
});

describe('products in the console', () => {
  it('creates a product with the price typed in yuan stored in fen', async () => {
    const products = await start();
    const form = { ...productFormOf(), name: ' 乌龙茶 ', priceYuan: '19.9', stock: '12', imageUrl: '' };
    const result = await products.create(form);
    expect(result.ok).toBe(true);
    const call = fakeUni().requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/admin/products'))!;
    expect(call.data).toEqual({ name: '乌龙茶', description: '', priceFen: 1990, stock: 12, onShelf: true });
    expect(products.items.map((p) => p.name)).toEqual(['乌龙茶']);
  });

  it('refuses a bad price before calling the API', async () => {
    const products = await start();
    const result = await products.create({ ...productFormOf(), name: 'x', priceYuan: '19.999', stock: '1' });
    expect(result).toMatchObject({ ok: false, errors: { priceYuan: expect.stringMatching(/格式/) } });
    expect(fakeUni().requests.filter((r) => r.method === 'POST' && r.url.endsWith('/products'))).toHaveLength(0);
  });

  it('edits only what changed; an emptied image URL removes it', async () => {
    const products = await start();
    const created = await products.create({ ...productFormOf(), name: '茶', priceYuan: '10', stock: '1', imageUrl: 'https://img.example/a.png' });
    if (!created.ok) throw new Error(created.error);
    const form = productFormOf(created.product);
    expect(form.priceYuan).toBe('10.00');
    form.priceYuan = '12.5';
    form.imageUrl = '';
    form.onShelf = false;
    const saved = await products.update(created.product, form);
    expect(saved.ok).toBe(true);
    const patch = fakeUni().requests.find((r) => r.method === 'PATCH')!;
    expect(patch.data).toEqual({ priceFen: 1250, imageUrl: null, onShelf: false });

    expect(await products.update(products.items[0]!, productFormOf(products.items[0]))).toMatchObject({ ok: false, error: '没有修改' });
  });

  it('adjusts stock relative to what is shown, with a reason, and shows the audit entry (before → after)', async () => {
    const products = await start();
    const created = await products.create({ ...productFormOf(), name: '茶', priceYuan: '10', stock: '12' });
    if (!created.ok) throw new Error(created.error);

    expect(await products.adjustStock(created.product, '+5', '')).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
    expect(await products.adjustStock(created.product, '-13', '损耗')).toMatchObject({ ok: false, errors: { change: expect.any(String) } });
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    const result = await products.adjustStock(created.product, '+5', ' 到货入库 ');
    expect(result.ok).toBe(true);
    const patch = fakeUni().requests.find((r) => r.method === 'PATCH')!;
    expect(patch.data).toEqual({ stock: 17, stockReason: '到货入库' });
    expect(products.items[0]!.stock).toBe(17);
    expect(products.audit[created.product.id]).toEqual([
      expect.objectContaining({ actor: 'staff', action: 'product.stock', detail: '到货入库', stockBefore: 12, stockAfter: 17 }),
    ]);
  });

  it('edits what is on hand: available follows (on hand − reserved), never below what unpaid orders hold', async () => {
    const products = await start();
    const created = await products.create({ ...productFormOf(), name: '茶', priceYuan: '10', stock: '10' });
    if (!created.ok) throw new Error(created.error);
    api.reserve(created.product.id, 3);
    await products.load();
    const tea = products.items[0]!;
    expect(stockFiguresOf(tea)).toEqual({ onHand: 10, reserved: 3, available: 7 });

    // Below the reserved units: refused here, nothing sent.
    expect(await products.adjustStock(tea, '2', '盘点')).toMatchObject({ ok: false, errors: { change: '未支付订单已预留 3 件，现货不能少于 3' } });
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    // "+5" is relative to on hand (10), not to available (7).
    const result = await products.adjustStock(tea, '+5', '到货');
    expect(fakeUni().requests.find((r) => r.method === 'PATCH')!.data).toEqual({ stock: 15, stockReason: '到货' });
    expect(result.ok && stockFiguresOf(result.product)).toEqual({ onHand: 15, reserved: 3, available: 12 });

    // More got reserved meanwhile: the API's 409 says so in the console's words, with the new figure.
    api.reserve(tea.id, 9);
    const stale = products.items[0]!;
    const refused = await products.adjustStock(stale, '11', '盘点');
    expect(refused).toMatchObject({ ok: false, error: '未支付订单已预留 12 件，现货不能少于 12' });
    expect(stockFiguresOf(products.items[0]!)).toEqual({ onHand: 15, reserved: 12, available: 3 });
  });

  it('takes an optional 每单限购 on create and edit (emptied: lifted)', async () => {
    const products = await start();
    const created = await products.create({ ...productFormOf(), name: '茶', priceYuan: '10', stock: '5', maxPerOrder: '2' });
    if (!created.ok) throw new Error(created.error);
    expect(fakeUni().requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/admin/products'))!.data).toMatchObject({ maxPerOrder: 2 });
    expect(productFormOf(created.product).maxPerOrder).toBe('2');

    expect(await products.update(created.product, { ...productFormOf(created.product), maxPerOrder: '100' })).toMatchObject({
      ok: false,
      errors: { maxPerOrder: '每单限购须为 1–99 的整数，不限购请留空' },
    });
    const lifted = await products.update(created.product, { ...productFormOf(created.product), maxPerOrder: '' });
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH').at(-1)!.data).toEqual({ maxPerOrder: null });
    expect(lifted.ok && lifted.product.maxPerOrder).toBeUndefined();
  });
});
