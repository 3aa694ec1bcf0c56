// 再来一单: which of an order's SKUs can go back into the cart, read against the products as the shop sells
// them now (a product taken off the shelf, a SKU removed or sold out cannot).
import type { OrderItem, Product, Sku } from '@xiaodian/shared';
import { specsText } from './sku-choice';

export interface ReorderPlan {
  add: { product: Product; sku: Sku; quantity: number }[];
  /** What could not be added, as the shopper reads it (name and specs). */
  missing: string[];
}

function itemName(item: Pick<OrderItem, 'name' | 'specs'>): string {
  const specs = specsText(item.specs);
  return specs ? `${item.name}（${specs}）` : item.name;
}

/** `products`: the products by id as the API answers them now; a missing entry is no longer sold. */
export function planReorder(items: readonly OrderItem[], products: ReadonlyMap<string, Product>): ReorderPlan {
  const plan: ReorderPlan = { add: [], missing: [] };
  for (const item of items) {
    const product = products.get(item.productId);
    const sku = product?.skus.find((s) => s.id === item.skuId);
    if (!product || product.onShelf === false || !sku || sku.stock === 0) plan.missing.push(itemName(item));
    else plan.add.push({ product, sku, quantity: item.quantity });
  }
  return plan;
}

/** What the shopper is told after 再来一单. */
export function reorderMessage(added: number, missing: readonly string[]): string {
  if (missing.length === 0) return '已加入购物车';
  const names = missing.join('、');
  return added > 0 ? `已加入购物车，${names} 已下架或售罄` : `${names} 已下架或售罄，未能加入购物车`;
}
