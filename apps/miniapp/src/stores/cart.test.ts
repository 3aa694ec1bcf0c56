import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Product } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import { clampQuantity, maxQuantity, MAX_LINES } from '@/utils/cart';
import { STORAGE_KEYS } from '@/utils/storage';
import { useCartStore } from './cart';

const product = (id: string, stock: number, priceFen = 1000): Product => ({
  id,
  name: `商品${id}`,
  description: '',
  priceFen,
  stock,
});

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
    cart.add(product('a', 5, 4990), 2);
    cart.add(product('b', 5, 12900));
    expect(cart.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(cart.count).toBe(3);
    expect(cart.totalFen).toBe(2 * 4990 + 12900);
    expect(cart.orderItems).toEqual([
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 1 },
    ]);
  });

  it('caps additions at the stock and says so', () => {
    const cart = useCartStore();
    expect(cart.add(product('a', 3), 2)).toEqual({ ok: true, quantity: 2, capped: false });
    expect(cart.add(product('a', 3), 5)).toEqual({ ok: true, quantity: 3, capped: true });
    expect(cart.add(product('a', 3))).toEqual({ ok: false, reason: 'at_limit' });
    expect(cart.find('a')!.quantity).toBe(3);
  });

  it('refuses sold-out products', () => {
    const cart = useCartStore();
    expect(cart.add(product('z', 0))).toEqual({ ok: false, reason: 'sold_out' });
    expect(cart.lines).toHaveLength(0);
  });

  it('keeps quantities within [1, stock] when set directly', () => {
    const cart = useCartStore();
    cart.add(product('a', 4));
    expect(cart.setQuantity('a', 10)).toBe(4);
    expect(cart.setQuantity('a', 0)).toBe(1);
    expect(cart.setQuantity('a', 3)).toBe(3);
    expect(cart.setQuantity('missing', 3)).toBe(0);
  });

  it(`accepts at most ${MAX_LINES} different products (the API's limit per order)`, () => {
    const cart = useCartStore();
    for (let i = 0; i < MAX_LINES; i++) expect(cart.add(product(`p${i}`, 5)).ok).toBe(true);
    expect(cart.add(product('one-more', 5))).toEqual({ ok: false, reason: 'too_many_lines' });
  });

  it('is persisted and comes back in a new session', () => {
    const cart = useCartStore();
    cart.add(product('a', 5), 2);
    cart.add(product('b', 5), 1);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(2);

    setActivePinia(createPinia());
    const again = useCartStore();
    expect(again.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('survives a corrupt stored cart', () => {
    fakeUni().setStorageSync(STORAGE_KEYS.cart, '{not json');
    expect(useCartStore().lines).toEqual([]);
    setActivePinia(createPinia());
    fakeUni().setStorageSync(STORAGE_KEYS.cart, JSON.stringify([{ productId: 'a' }, null, { productId: 'b', name: 'B', priceFen: 1, stock: 2, quantity: 9 }]));
    expect(useCartStore().lines).toEqual([{ productId: 'b', name: 'B', priceFen: 1, stock: 2, quantity: 2 }]);
  });

  it('follows the catalog: prices and stock updated, quantities cut, vanished products sold out', () => {
    const cart = useCartStore();
    cart.add(product('a', 5, 1000), 4);
    cart.add(product('b', 5, 2000), 1);
    cart.add(product('c', 5, 3000), 1);
    const shrunk = cart.syncWithCatalog([product('a', 2, 1100), product('b', 0, 2000)]);
    expect(shrunk).toEqual(['a']);
    expect(cart.find('a')).toMatchObject({ quantity: 2, stock: 2, priceFen: 1100 });
    expect(cart.find('b')!.stock).toBe(0);
    expect(cart.find('c')!.stock).toBe(0);
    // Sold-out lines stay visible but are not ordered nor counted in the total.
    expect(cart.orderItems).toEqual([{ productId: 'a', quantity: 2 }]);
    expect(cart.totalFen).toBe(2200);
  });

  it('removes what an order took, keeping the rest', () => {
    const cart = useCartStore();
    cart.add(product('a', 5));
    cart.add(product('b', 5));
    cart.removeOrdered([{ productId: 'a' }]);
    expect(cart.lines.map((l) => l.productId)).toEqual(['b']);
    expect(fakeUni().stored(STORAGE_KEYS.cart)).toHaveLength(1);
  });
});
