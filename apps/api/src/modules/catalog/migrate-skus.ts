// Products from before SKUs become products with one SKU, at start-up.
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

/**
 * Gives every product made before SKUs existed its one SKU, whose id is the product's own id: orders of that time
 * name no SKU, and settling their items by `skuId ?? productId` then finds the SKU that holds their reservations.
 * The product's stock and reservations move onto the SKU. Safe to repeat and to crash in (the SKU is inserted
 * once, by its id); meant to run before the instance serves, with no instance of the old version running.
 */
export async function migrateProductsToSkus(models: Models): Promise<number> {
  const legacy = await models.Product.find({ summarySeq: { $exists: false } }).lean();
  for (const p of legacy) {
    try {
      await models.Sku.create({
        _id: p._id,
        productId: p._id,
        position: 0,
        priceFen: p.priceFen,
        stock: p.stock ?? 0,
        reservations: p.reservations ?? [],
        createdAt: p.createdAt,
        updatedAt: new Date(),
      });
    } catch (err) {
      // Already moved by an earlier run that died before marking the product.
      if (!isDuplicateKeyError(err)) throw err;
    }
    await models.Product.updateOne({ _id: p._id }, { $set: { reservations: [], summarySeq: 0, summaryTicket: 0 } });
  }
  // Products kept their SKUs' stock in total until 2026-12; orders no longer keep it up to date, so it goes.
  await models.Product.updateMany({ summarySeq: { $exists: true }, stock: { $exists: true } }, { $unset: { stock: '' } });
  return legacy.length;
}
