import { describe, expect, it } from 'vitest';
import type { OrderItem, Product } from '@xiaodian/shared';
import { planReorder, reorderMessage } from './reorder';

const product = (id: string, skus: { id: string; stock: number }[], onShelf = true): Product => ({
  id,
  name: id,
  description: '',
  priceFen: 100,
  stock: skus.reduce((n, s) => n + s.stock, 0),
  images: [],
  specs: [],
  skus: skus.map((s) => ({ ...s, specs: {}, priceFen: 100 })),
  onShelf,
});
const item = (productId: string, skuId: string, name: string, quantity = 1): OrderItem => ({
  productId,
  skuId,
  name,
  specs: {},
  priceFen: 100,
  quantity,
});

describe('planReorder', () => {
  it('adds SKUs still on sale and names the rest', () => {
    const products = new Map([
      ['p1', product('p1', [{ id: 's1', stock: 5 }])],
      ['p2', product('p2', [{ id: 's2', stock: 0 }])],
      ['p3', product('p3', [{ id: 's3', stock: 5 }], false)],
      ['p4', product('p4', [{ id: 'other', stock: 5 }])],
    ]);
    const plan = planReorder(
      [item('p1', 's1', '咖啡豆', 2), item('p2', 's2', '滤纸'), item('p3', 's3', '杯子'), item('p4', 's4', '壶'), item('p5', 's5', '勺')],
      products,
    );
    expect(plan.add.map((a) => [a.sku.id, a.quantity])).toEqual([['s1', 2]]);
    expect(plan.missing).toEqual(['滤纸', '杯子', '壶', '勺']);
  });
});

describe('reorderMessage', () => {
  it('says which could not be added', () => {
    expect(reorderMessage(2, [])).toBe('已加入购物车');
    expect(reorderMessage(1, ['滤纸'])).toBe('已加入购物车，滤纸 已下架或售罄');
    expect(reorderMessage(0, ['滤纸', '杯子'])).toBe('滤纸、杯子 已下架或售罄，未能加入购物车');
  });
});
