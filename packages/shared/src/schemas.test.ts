import { describe, expect, it } from 'vitest';
import { createOrderInput, createProductInput, specCombinations, updateProductInput, updateSkuInput } from './schemas';

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

  it('lets an order name one product twice only with different SKUs', () => {
    const id = 'a'.repeat(24);
    const [s1, s2] = ['b'.repeat(24), 'c'.repeat(24)];
    expect(createOrderInput.safeParse({ items: [{ productId: id, skuId: s1, quantity: 1 }, { productId: id, skuId: s2, quantity: 1 }] }).success).toBe(true);
    expect(createOrderInput.safeParse({ items: [{ productId: id, skuId: s1, quantity: 1 }, { productId: id, skuId: s1, quantity: 1 }] }).success).toBe(false);
  });

  describe('the SKU matrix', () => {
    const specs = [
      { name: '颜色', values: ['红', '蓝'] },
      { name: '尺寸', values: ['S', 'M', 'L'] },
    ];
    const full = specCombinations(specs).map((choice) => ({ specs: choice, priceFen: 3900, stock: 5 }));

    it('makes every combination once, in the order of the dimensions', () => {
      expect(specCombinations(specs)).toHaveLength(6);
      expect(specCombinations(specs)[1]).toEqual({ 颜色: '红', 尺寸: 'M' });
      expect(specCombinations([])).toEqual([{}]);
    });

    it('takes a complete matrix and refuses a missing, duplicate or unknown combination', () => {
      expect(createProductInput.safeParse({ name: 'T', specs, skus: full }).success).toBe(true);
      expect(createProductInput.safeParse({ name: 'T', specs, skus: full.slice(1) }).success).toBe(false);
      expect(createProductInput.safeParse({ name: 'T', specs, skus: [...full.slice(1), full[2]] }).success).toBe(false);
      const unknown = [...full.slice(1), { ...full[0]!, specs: { 颜色: '绿', 尺寸: 'S' } }];
      expect(createProductInput.safeParse({ name: 'T', specs, skus: unknown }).success).toBe(false);
      expect(createProductInput.safeParse({ name: 'T', specs }).success).toBe(false);
    });

    it('holds the limits: 3 dimensions, names of 10, 20 values of 20, 100 SKUs', () => {
      const dim = (name: string, n: number) => ({ name, values: Array.from({ length: n }, (_, i) => `v${i}`) });
      const matrix = (dims: ReturnType<typeof dim>[]) => specCombinations(dims).map((c) => ({ specs: c, priceFen: 1, stock: 0 }));
      const four = [dim('a', 1), dim('b', 1), dim('c', 1), dim('d', 1)];
      expect(createProductInput.safeParse({ name: 'T', specs: four, skus: matrix(four) }).success).toBe(false);
      expect(createProductInput.safeParse({ name: 'T', specs: [dim('x'.repeat(11), 1)], skus: matrix([dim('x'.repeat(11), 1)]) }).success).toBe(false);
      expect(createProductInput.safeParse({ name: 'T', specs: [dim('a', 21)], skus: matrix([dim('a', 21)]) }).success).toBe(false);
      const long = { name: 'a', values: ['x'.repeat(21)] };
      expect(createProductInput.safeParse({ name: 'T', specs: [long], skus: matrix([long]) }).success).toBe(false);
      const big = [dim('a', 11), dim('b', 10)];
      expect(createProductInput.safeParse({ name: 'T', specs: big, skus: matrix(big).slice(0, 100) }).success).toBe(false);
      const hundred = [dim('a', 10), dim('b', 10)];
      expect(createProductInput.safeParse({ name: 'T', specs: hundred, skus: matrix(hundred) }).success).toBe(true);
    });

    it('changes specs and skus only together, and stock only with a reason', () => {
      expect(updateProductInput.safeParse({ specs }).success).toBe(false);
      expect(updateProductInput.safeParse({ specs, skus: full }).success).toBe(true);
      expect(updateSkuInput.safeParse({ stock: 3 }).success).toBe(false);
      expect(updateSkuInput.safeParse({ stock: 3, stockReason: '盘点' }).success).toBe(true);
      expect(updateSkuInput.safeParse({ stockReason: '盘点' }).success).toBe(false);
    });
  });
});
