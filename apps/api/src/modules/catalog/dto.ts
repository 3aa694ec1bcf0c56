import type { Product } from '@xiaodian/shared';
import type { ProductDoc } from './model';

export function toProduct(doc: ProductDoc, options: { admin?: boolean } = {}): Product {
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    priceFen: doc.priceFen,
    stock: doc.stock,
    ...(doc.imageUrl ? { imageUrl: doc.imageUrl } : {}),
    ...(options.admin ? { onShelf: doc.onShelf ?? true } : {}),
  };
}
