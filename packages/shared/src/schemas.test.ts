import { describe, expect, it } from 'vitest';
import { createOrderInput, createProductInput } from './schemas';

describe('schemas', () => {
  it('rejects an order without items, with a zero quantity or a repeated product', () => {
    const id = 'a'.repeat(24);
    expect(createOrderInput.safeParse({ items: [] }).success).toBe(false);
    expect(createOrderInput.safeParse({ items: [{ productId: id, quantity: 0 }] }).success).toBe(false);
    expect(createOrderInput.safeParse({ items: [{ productId: id, quantity: 1 }, { productId: id, quantity: 2 }] }).success).toBe(false);
    expect(createOrderInput.safeParse({ items: [{ productId: id, quantity: 2 }] }).success).toBe(true);
  });

  it('accepts prices only as integer fen', () => {
    expect(createProductInput.safeParse({ name: 'Tea', priceFen: 12.5, stock: 1 }).success).toBe(false);
    const parsed = createProductInput.parse({ name: ' Tea ', priceFen: 1250, stock: 3 });
    expect(parsed).toMatchObject({ name: 'Tea', priceFen: 1250, stock: 3, onShelf: true, description: '' });
  });
});
