import { describe, expect, it } from 'vitest';
import { perOrderLimitMessage } from './cart';

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
