import type { Product } from '@xiaodian/shared';
import type { ProductDoc } from './model';

/** Units unpaid orders hold on the product (its reservation entries). */
export function reservedOf(doc: Pick<ProductDoc, 'reservations'>): number {
  return (doc.reservations ?? []).reduce((sum, r) => sum + (r.quantity ?? 0), 0);
}

/**
 * `stock` is what can still be ordered. The console also sees what is reserved and what is on hand (both), which
 * needs the reservations: an admin view must be read with them.
 */
export function toProduct(doc: ProductDoc, options: { admin?: boolean } = {}): Product {
  const reserved = options.admin ? reservedOf(doc) : 0;
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    priceFen: doc.priceFen,
    stock: doc.stock,
    ...(doc.imageUrl ? { imageUrl: doc.imageUrl } : {}),
    images: [],
    specs: [],
    skus: [{ id: String(doc._id), specs: {}, priceFen: doc.priceFen, stock: doc.stock }],
    ...(doc.maxPerOrder ? { maxPerOrder: doc.maxPerOrder } : {}),
    ...(options.admin ? { onShelf: doc.onShelf ?? true, reservedStock: reserved, onHandStock: doc.stock + reserved } : {}),
  };
}
