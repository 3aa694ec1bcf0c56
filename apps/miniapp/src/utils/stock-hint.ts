/** At or below this many left, the list says so (仅剩 N 件); above it the exact stock is the shop's business. */
export const LOW_STOCK = 5;

/** What a product list shows about stock: 已售罄 at 0, 仅剩 N 件 when low, nothing otherwise. */
export function stockHint(stock: number): string {
  if (stock <= 0) return '已售罄';
  return stock <= LOW_STOCK ? `仅剩 ${stock} 件` : '';
}
