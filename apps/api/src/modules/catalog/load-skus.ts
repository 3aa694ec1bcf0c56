import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import type { SkuDoc } from './model';

/** The SKUs of these products, each product's in matrix order; with `reservations` for the console's figures. */
export async function skusByProduct(models: Models, productIds: Types.ObjectId[], options: { reservations?: boolean } = {}): Promise<Map<string, SkuDoc[]>> {
  const byProduct = new Map<string, SkuDoc[]>(productIds.map((id) => [String(id), []]));
  if (productIds.length === 0) return byProduct;
  const skus = await models.Sku.find({ productId: { $in: productIds } }, options.reservations ? {} : { reservations: 0 })
    .sort({ productId: 1, position: 1 })
    .lean<SkuDoc[]>();
  for (const sku of skus) byProduct.get(String(sku.productId))?.push(sku);
  return byProduct;
}
