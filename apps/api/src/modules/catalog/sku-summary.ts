// The product's summary of its SKUs (lowest price, available stock in total), for lists, sorting and search.
// Display only: selling reads the SKU itself.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';

/**
 * Recomputes a product's price and stock from its SKUs. Call it after any change to a SKU. A ticket taken before
 * the SKUs are read orders the refreshes: a summary is written only over an older one, so of two refreshes racing
 * the one that read later wins, and every SKU change is followed by a refresh that read it.
 */
export async function refreshProductSummary(models: Models, productId: Types.ObjectId | string): Promise<void> {
  const ticket = await models.Product.findOneAndUpdate({ _id: productId }, { $inc: { summaryTicket: 1 } }, { returnDocument: 'after', projection: { summaryTicket: 1 } }).lean();
  if (!ticket) return;
  const skus = await models.Sku.find({ productId }, { priceFen: 1, stock: 1 }).lean();
  if (skus.length === 0) return;
  const seq = ticket.summaryTicket ?? 0;
  await models.Product.updateOne(
    // Products from before SKUs have no seq until migrated.
    { _id: productId, $or: [{ summarySeq: { $lt: seq } }, { summarySeq: { $exists: false } }] },
    { $set: { priceFen: Math.min(...skus.map((s) => s.priceFen)), stock: skus.reduce((sum, s) => sum + s.stock, 0), summarySeq: seq } },
  );
}
