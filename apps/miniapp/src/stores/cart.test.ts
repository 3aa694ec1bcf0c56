import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Product, Sku } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import { clampQuantity, maxQuantity, MAX_LINES } from '@/utils/cart';
import { STORAGE_KEYS } from '@/utils/storage';
import { itemsOf, lineKey, useCartStore } from './cart';

/** A product without specs: its one SKU is `<id>-sku`. */
const product = (id: string, stock: number, priceFen = 1000, extra: Partial<Product> = {}): Product => ({
  id,
  name: `商品${id}`,
  description: '',
  priceFen,
  stock,
  images: [],
  specs: [],
  skus: [{ id: `${id}-sku`, specs: {}, priceFen, stock }],
  ...extra,
});
const only = (p: Product): Sku => p.skus[0]!;

/** A T-shirt in 红色/蓝色 × M/L. */
function shirt(stock: Record<string, number> = {}, extra: Partial<Product> = {}): Product {
  const skus: Sku[] = [];
  for (const [color, c] of [['红色', 'r'], ['蓝色', 'b']] as const) {
    for (const size of ['M', 'L']) {
      const id = `${c}${size}`;
      skus.push({ id, specs: { 颜色: color, 尺寸: size }, priceFen: size === 'L' ? 4500 : 3900, stock: stock[id] ?? 5, imageUrl: `/api/images/${c}/medium` });
    }
  }
  return {
    id: 'shirt',
    name: 'T 恤',
    description: '',
    priceFen: 3900,
    stock: skus.reduce((n, s) => n + s.stock, 0),
    imageUrl: '/api/images/shirt/medium',
    images: ['/api/images/shirt'],
    specs: [
      { name: '颜色', values: ['红色', '蓝色'] },
      { name: '尺寸', values: ['M', 'L'] },
    ],
    skus,
    ...extra,
  };
}
const skuOf = (p: Product, id: string): Sku => p.skus.find((s) => s.id === id)!;

describe('cart bounds', () => {
  it('never allows more than the stock, nor more than 99', () => {
    expect(maxQuantity(3)).toBe(3);
    expect(maxQuantity(0)).toBe(0);
    expect(maxQuantity(500)).toBe(99);
    expect(clampQuantity(5, 3)).toBe(3);
    expect(clampQuantity(0, 3)).toBe(1);
    expect(clampQuantity(-4, 3)).toBe(1);
    expect(clampQuantity(2.7, 3)).toBe(2);
    expect(clampQuantity(Number.NaN, 3)).toBe(1);
    expect(clampQuantity(1, 0)).toBe(0);
  });
});

describe('cart store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('holds several products and adds up their total in fen', () => {
    const cart = useCartStore();
    const a = product('a', 5, 4990);
    const b = product('b', 5, 12900);
    cart.add(a, only(a), 2);
    cart.add(b, only(b));
    expect(cart.lines.map((l) => [l.productId, l.skuId, l.quantity])).toEqual([
      ['a', 'a-sku', 2],
      ['b', 'b-sku', 1],
    ]);
    expect(cart.count).toBe(3);
    expect(cart.totalFen).toBe(2 * 4990 + 12900);
    expect(cart.orderItems).toEqual([
      { productId: 'a', skuId: 'a-sku', quantity: 2 },
      { productId: 'b', skuId: 'b-sku', quantity: 1 },
    ]);
  });

  it('keeps the same product in two sizes as two lines, each with its specs, price, image and stock', () => {
    const cart = useCartStore();
    const p = shirt({ rM: 2 });
    cart.add(p, skuOf(p, 'rM'), 1);
    cart.add(p, skuOf(p, 'bL'), 2);
    cart.add(p, skuOf(p, 'rM'), 1);
    expect(cart.lines).toEqual([
      { productId: 'shirt', skuId: 'rM', name: 'T 恤', specs: { 颜色: '红色', 尺寸: 'M' }, priceFen: 3900, stock: 2, imageUrl: '/api/images/r/medium', quantity: 2 },
      { productId: 'shirt', skuId: 'bL', name: 'T 恤', specs: { 颜色: '蓝色', 尺寸: 'L' }, priceFen: 4500, stock: 5, imageUrl: '/api/images/b/medium', quantity: 2 },
    ]);
    expect(cart.totalFen).toBe(2 * 3900 + 2 * 4500);
    expect(cart.orderItems).toEqual([
      { productId: 'shirt', skuId: 'rM', quantity: 2 },
      { productId: 'shirt', skuId: 'bL', quantity: 2 },
    ]);
    // The red M is at its stock; the blue L is not.
    expect(cart.add(p, skuOf(p, 'rM'))).toEqual({ ok: false, reason: 'at_limit' });
    expect(cart.add(p, skuOf(p, 'bL')).ok).toBe(true);
    expect(cart.productQuantity('shirt')).toBe(5);
  });

  it('bounds a product’s SKUs together by its 每单限购', () => {
    const cart = useCartStore();
    const p = shirt({}, { maxPerOrder: 3 });
    expect(cart.add(p, skuOf(p, 'rM'), 2)).toEqual({ ok: true, quantity: 2, capped: false });
    expect(cart.add(p, skuOf(p, 'bM'), 5)).toEqual({ ok: true, quantity: 1, capped: true });
    expect(cart.add(p, skuOf(p, 'bL'))).toEqual({ ok: false, reason: 'order_limit', limit: 3 });
    expect(cart.lines).toHaveLength(2);
    const red = cart.find('shirt', 'rM')!;
    expect(cart.lineMax(red)).toBe(2);
    expect(cart.setQuantity(lineKey(red), 3)).toBe(2);
    expect(cart.setQuantity(lineKey(red), 1)).toBe(1);
    expect(cart.lineMax(cart.find('shirt', 'bM')!)).toBe(2);
  });

  it('caps additions at the stock and says so', () => {
    const cart = useCartStore();
    const a = product('a', 3);
    expect(cart.add(a, only(a), 2)).toEqual({ ok: true, quantity: 2, capped: false });
    expect(cart.add(a, only(a), 5)).toEqual({ ok: true, quantity: 3, capped: true });
    expect(cart.add(a, only(a))).toEqual({ ok: false, reason: 'at_limit' });
    expect(cart.find('a', 'a-sku')!.quantity).toBe(3);
  });

  it('refuses sold-out SKUs', () => {
    const cart = useCartStore();
    const z = product('z', 0);
    expect(cart.add(z, only(z))).toEqual({ ok: false, reason: 'sold_out' });
    const p = shirt({ rL: 0 });
    expect(cart.add(p, skuOf(p, 'rL'))).toEqual({ ok: false, reason: 'sold_out' });
    expect(cart.lines).toHaveLength(0);
  });

  it('keeps quantities within [1, stock] when set directly', () => {
    const cart = useCartStore();
    const a = product('a', 4);
    cart.add(a, only(a));
    const key = lineKey({ productId: 'a', skuId: 'a-sku' });
    expect(cart.setQuantity(key, 10)).toBe(4);
    expect(cart.setQuantity(key, 0)).toBe(1);
    expect(cart.setQuantity(key, 3)).toBe(3);
    expect(cart.setQuantity('missing/', 3)).toBe(0);
  });

  it(`accepts at most ${MAX_LINES} different SKUs (the API's limit per order)`, () => {
    const cart = useCartStore();
    for (let i = 0; i < MAX_LINES; i++) {
      const p = product(`p${i}`, 5);
      expect(cart.add(p, only(p)).ok).toBe(true);
    }
    const one = product('one-more', 5);
    expect(cart.add(one, only(one))).toEqual({ ok: false, reason: 'too_many_lines' });
  });

  it('is persisted and comes back in a new session', () => {
    const cart = useCartStore();
    const p = shirt();
    cart.add(p, skuOf(p, 'rM'), 2);
    cart.add(p, skuOf(p, 'bL'), 1);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(2);

    setActivePinia(createPinia());
    const again = useCartStore();
    expect(again.lines.map((l) => [l.skuId, l.specs, l.quantity])).toEqual([
      ['rM', { 颜色: '红色', 尺寸: 'M' }, 2],
      ['bL', { 颜色: '蓝色', 尺寸: 'L' }, 1],
    ]);
  });

  it('survives a corrupt stored cart', () => {
    fakeUni().setStorageSync(STORAGE_KEYS.cart, '{not json');
    expect(useCartStore().lines).toEqual([]);
    setActivePinia(createPinia());
    fakeUni().setStorageSync(
      STORAGE_KEYS.cart,
      JSON.stringify([{ productId: 'a' }, null, { productId: 'b', skuId: 'b-sku', name: 'B', specs: [], priceFen: 1, stock: 2, quantity: 9 }]),
    );
    expect(useCartStore().lines).toEqual([{ productId: 'b', skuId: 'b-sku', name: 'B', specs: {}, priceFen: 1, stock: 2, quantity: 2 }]);
  });

  it('loads a cart stored before SKUs: its lines become the product’s one SKU, or are dropped with their names', () => {
    fakeUni().setStorageSync(
      STORAGE_KEYS.cart,
      JSON.stringify([
        { productId: 'a', name: '商品a', priceFen: 1000, stock: 5, quantity: 2 },
        { productId: 'shirt', name: 'T 恤', priceFen: 3900, stock: 9, quantity: 1 },
        { productId: 'b', name: '商品b', priceFen: 1000, stock: 5, quantity: 1 },
      ]),
    );
    const cart = useCartStore();
    expect(cart.lines.map((l) => [l.productId, l.skuId, l.specs])).toEqual([
      ['a', undefined, {}],
      ['shirt', undefined, {}],
      ['b', undefined, {}],
    ]);
    // Before the catalog is read, a stored line orders its product without naming a SKU (the API takes that
    // for a product with one SKU).
    expect(cart.orderItems[0]).toEqual({ productId: 'a', quantity: 2 });

    const b = product('b', 5);
    cart.add(b, only(b), 1); // the same SKU added again after the update: merged by the sync below
    const sync = cart.syncWithCatalog([product('a', 5, 1200), shirt(), b]);
    expect(sync).toEqual({ shrunk: [], dropped: ['T 恤'] });
    expect(cart.lines.map((l) => [l.productId, l.skuId, l.quantity, l.priceFen])).toEqual([
      ['a', 'a-sku', 2, 1000 + 200],
      ['b', 'b-sku', 2, 1000],
    ]);
    expect(cart.orderItems).toEqual([
      { productId: 'a', skuId: 'a-sku', quantity: 2 },
      { productId: 'b', skuId: 'b-sku', quantity: 2 },
    ]);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(2);
  });

  it('follows the catalog per SKU: prices and stock updated, quantities cut, vanished products and SKUs sold out', () => {
    const cart = useCartStore();
    const p = shirt();
    const a = product('a', 5, 1000);
    const c = product('c', 5, 3000);
    cart.add(p, skuOf(p, 'rM'), 4);
    cart.add(p, skuOf(p, 'bL'), 1);
    cart.add(a, only(a), 1);
    cart.add(c, only(c), 1);
    const today = shirt({ rM: 2 });
    skuOf(today, 'rM').priceFen = 3500;
    today.skus = today.skus.filter((s) => s.id !== 'bL');
    const sync = cart.syncWithCatalog([today, product('a', 0, 1000)]);
    expect(sync).toEqual({ shrunk: ['shirt/rM'], dropped: [] });
    expect(cart.find('shirt', 'rM')).toMatchObject({ quantity: 2, stock: 2, priceFen: 3500 });
    expect(cart.find('shirt', 'bL')!.stock).toBe(0);
    expect(cart.find('a', 'a-sku')!.stock).toBe(0);
    expect(cart.find('c', 'c-sku')!.stock).toBe(0);
    // Sold-out lines stay visible but are not ordered nor counted in the total.
    expect(cart.orderItems).toEqual([{ productId: 'shirt', skuId: 'rM', quantity: 2 }]);
    expect(cart.totalFen).toBe(7000);
    // The badge and 去结算 both count pieces; 去结算 leaves the sold-out ones out.
    expect(cart.count).toBe(5);
    expect(cart.orderableCount).toBe(2);
  });

  it('removes the SKUs an order took, keeping the product’s other SKUs', () => {
    const cart = useCartStore();
    const p = shirt();
    const a = product('a', 5);
    cart.add(p, skuOf(p, 'rM'));
    cart.add(p, skuOf(p, 'bL'));
    cart.add(a, only(a));
    cart.removeOrdered([
      { productId: 'shirt', skuId: 'rM' },
      { productId: 'a', skuId: 'a-sku' },
    ]);
    expect(cart.lines.map(lineKey)).toEqual(['shirt/bL']);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(1);
  });
});

describe('立即购买', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('orders one SKU on its own, leaving the cart and the stored cart as they are', () => {
    const cart = useCartStore();
    const p = shirt();
    cart.add(p, skuOf(p, 'rM'), 1);
    cart.setBuyNow(p, skuOf(p, 'bL'), 2);
    expect(cart.buyNow).toMatchObject({ productId: 'shirt', skuId: 'bL', specs: { 颜色: '蓝色', 尺寸: 'L' }, priceFen: 4500, quantity: 2 });
    expect(itemsOf([cart.buyNow!])).toEqual([{ productId: 'shirt', skuId: 'bL', quantity: 2 }]);
    expect(cart.lines.map(lineKey)).toEqual(['shirt/rM']);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(1);
    cart.clearBuyNow();
    expect(cart.buyNow).toBeUndefined();
    expect(cart.lines).toHaveLength(1);
  });
});
