import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { stockFiguresOf } from '@/utils/admin-view';
import type { Product } from '@xiaodian/shared';
import { useAdminProductEditorStore } from './admin-product-editor';
import { PRODUCTS_PAGE_SIZE, useAdminProductsStore } from './admin-products';

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

/** A product without specs, created through the editor as the console does. */
async function created(name: string, priceYuan: string, stock: string): Promise<Product> {
  const editor = useAdminProductEditorStore();
  await editor.open();
  editor.draft.name = name;
  editor.draft.rows[0]!.priceYuan = priceYuan;
  editor.draft.rows[0]!.stock = stock;
  const result = await editor.save();
  if (!result.ok) throw new Error(result.error);
  return result.product;
}

describe('products in the console', () => {
  it('lists by search and category; what the editor saves is put into the list', async () => {
    const products = await start();
    await created('乌龙茶', '19.9', '12');
    expect(products.items.map((p) => [p.name, p.priceFen, p.stock])).toEqual([['乌龙茶', 1990, 12]]);
    const tea = [...api.products.values()][0]!;
    tea.categoryId = 'c-tea';
    await created('茶杯', '30', '2');

    products.categoryId = 'c-tea';
    await products.load();
    expect(products.items.map((p) => p.name)).toEqual(['乌龙茶']);
    expect(new URL(fakeUni().requests.at(-1)!.url).searchParams.get('categoryId')).toBe('c-tea');
    products.categoryId = '';
    products.q = ' 杯 ';
    await products.load();
    expect(products.items.map((p) => p.name)).toEqual(['茶杯']);
  });

  it('pages the list, newest first; a new search or category starts again from the first page', async () => {
    const products = await start();
    for (let i = 1; i <= PRODUCTS_PAGE_SIZE + 3; i++) await created(`茶${i}`, '10', '1');
    await products.load();
    expect(products.total).toBe(PRODUCTS_PAGE_SIZE + 3);
    expect(products.pageCount()).toBe(2);
    expect(products.items).toHaveLength(PRODUCTS_PAGE_SIZE);
    expect(products.items[0]!.name).toBe(`茶${PRODUCTS_PAGE_SIZE + 3}`);
    await products.goToPage(2);
    expect(products.items.map((p) => p.name)).toEqual(['茶3', '茶2', '茶1']);
    const asked = new URL(fakeUni().requests.at(-1)!.url).searchParams;
    expect([asked.get('page'), asked.get('pageSize')]).toEqual(['2', String(PRODUCTS_PAGE_SIZE)]);
    await products.goToPage(9);
    expect(products.page).toBe(2);
    products.q = '茶1';
    await products.search();
    expect(products.page).toBe(1);
    expect(products.total).toBe(11); // 茶1 and 茶10 … 茶19
  });

  it('adjusts stock relative to what is shown, with a reason, and shows the audit entry (before → after)', async () => {
    const products = await start();
    const tea = await created('茶', '10', '12');

    expect(await products.adjustStock(tea, '+5', '')).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
    expect(await products.adjustStock(tea, '-13', '损耗')).toMatchObject({ ok: false, errors: { change: expect.any(String) } });
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    const result = await products.adjustStock(tea, '+5', ' 到货入库 ');
    expect(result.ok).toBe(true);
    const patch = fakeUni().requests.find((r) => r.method === 'PATCH')!;
    expect(patch.data).toEqual({ stock: 17, stockReason: '到货入库' });
    expect(products.items[0]!.stock).toBe(17);
    expect(products.audit[tea.id]).toEqual([
      expect.objectContaining({ actor: 'staff', action: 'product.stock', detail: '到货入库', stockBefore: 12, stockAfter: 17 }),
    ]);
  });

  it('edits what is on hand: available follows (on hand − reserved), never below what unpaid orders hold', async () => {
    const products = await start();
    api.reserve((await created('茶', '10', '10')).id, 3);
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
});
