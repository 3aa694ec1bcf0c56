import { describe, expect, it } from 'vitest';
import { perOrderLimitMessage, roomFor } from './cart';

describe('the per-order limit at checkout', () => {
  const lines = [
    { productId: 'p1', name: '乌龙茶', quantity: 2 },
    { productId: 'p2', name: '限量马克杯', quantity: 3 },
  ];

  it('names the product over its 每单限购 when the catalog says which', () => {
    const products = [{ id: 'p1', maxPerOrder: 5 }, { id: 'p2', maxPerOrder: 2 }];
    expect(perOrderLimitMessage(lines, products, '超限')).toBe('「限量马克杯」每单限购 2 件，请减少数量');
  });

  it('falls back to the general text when it cannot tell', () => {
    expect(perOrderLimitMessage(lines, [{ id: 'p1' }], '超限')).toBe('超限');
    expect(perOrderLimitMessage(lines, [{ id: 'p2', maxPerOrder: 3 }], '超限')).toBe('超限');
  });
});

describe('the per-order limit over SKUs', () => {
  it('counts a product’s SKUs together', () => {
    const lines = [
      { productId: 'shirt', name: 'T 恤', quantity: 2 },
      { productId: 'shirt', name: 'T 恤', quantity: 2 },
    ];
    expect(perOrderLimitMessage(lines, [{ id: 'shirt', maxPerOrder: 3 }], '超限')).toBe('「T 恤」每单限购 3 件，请减少数量');
    expect(perOrderLimitMessage(lines, [{ id: 'shirt', maxPerOrder: 4 }], '超限')).toBe('超限');
  });
});

describe('room for one more SKU in the cart', () => {
  it('is bounded by the SKU’s stock and by what 每单限购 leaves of the product', () => {
    expect(roomFor({ stock: 5, inCartSku: 0, inCartProduct: 0 })).toBe(5);
    expect(roomFor({ stock: 5, inCartSku: 2, inCartProduct: 2 })).toBe(3);
    expect(roomFor({ stock: 500, inCartSku: 0, inCartProduct: 0 })).toBe(99);
    expect(roomFor({ stock: 5, inCartSku: 0, inCartProduct: 2, maxPerOrder: 3 })).toBe(1);
    expect(roomFor({ stock: 5, inCartSku: 1, inCartProduct: 4, maxPerOrder: 3 })).toBe(0);
    expect(roomFor({ stock: 0, inCartSku: 0, inCartProduct: 0, maxPerOrder: 3 })).toBe(0);
  });
});
