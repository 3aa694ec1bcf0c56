// Cart arithmetic, kept pure so that its bounds are tested without a store.

/** The API accepts at most 99 of one product and 20 different products per order (createOrderInput). */
export const MAX_QUANTITY_PER_LINE = 99;
export const MAX_LINES = 20;

/** The most of a product one can put in the cart: its stock, and never more than the per-line limit. */
export function maxQuantity(stock: number): number {
  return Math.max(0, Math.min(Math.floor(stock), MAX_QUANTITY_PER_LINE));
}

/** `wanted` brought within [1, maxQuantity(stock)] — or 0 when nothing is in stock. */
export function clampQuantity(wanted: number, stock: number): number {
  const max = maxQuantity(stock);
  if (max === 0) return 0;
  if (!Number.isFinite(wanted)) return 1;
  return Math.min(Math.max(Math.floor(wanted), 1), max);
}

export type AddOutcome =
  /** Added; `capped`: fewer than asked, the stock (or a limit) is reached. */
  | { ok: true; quantity: number; capped: boolean }
  | { ok: false; reason: 'sold_out' | 'too_many_lines' | 'at_limit' }
  /** The product's 每单限购 is taken by what the cart already holds of it. */
  | { ok: false; reason: 'order_limit'; limit: number };

/** The toast after "add to cart". */
export function addToCartMessage(outcome: AddOutcome): string {
  if (!outcome.ok) {
    if (outcome.reason === 'sold_out') return '已售罄';
    if (outcome.reason === 'too_many_lines') return `购物车最多放 ${MAX_LINES} 种商品`;
    if (outcome.reason === 'order_limit') return `每单限购 ${outcome.limit} 件`;
    return '已达库存上限';
  }
  return outcome.capped ? `库存有限，购物车里已有 ${outcome.quantity} 件` : '已加入购物车';
}

/**
 * How many more of one SKU can go into the cart: its stock (and 99) minus what the cart holds of it, and what
 * the product's 每单限购 leaves beside everything the cart holds of the product.
 */
export function roomFor(opts: { stock: number; inCartSku: number; inCartProduct: number; maxPerOrder?: number }): number {
  const byStock = maxQuantity(opts.stock) - opts.inCartSku;
  const byLimit = opts.maxPerOrder === undefined ? Infinity : opts.maxPerOrder - opts.inCartProduct;
  return Math.max(0, Math.min(byStock, byLimit));
}

/**
 * The checkout's words for a 409 LIMIT_PER_ORDER_EXCEEDED: the product over its 每单限购 (all its SKUs together)
 * when the catalog says which (`maxPerOrder` is public), the general text otherwise.
 */
export function perOrderLimitMessage(
  lines: readonly { productId: string; name: string; quantity: number }[],
  products: readonly { id: string; maxPerOrder?: number }[],
  fallback: string,
): string {
  const pieces = new Map<string, number>();
  for (const line of lines) pieces.set(line.productId, (pieces.get(line.productId) ?? 0) + line.quantity);
  for (const line of lines) {
    const limit = products.find((p) => p.id === line.productId)?.maxPerOrder;
    if (limit !== undefined && pieces.get(line.productId)! > limit) return `「${line.name}」每单限购 ${limit} 件，请减少数量`;
  }
  return fallback;
}
