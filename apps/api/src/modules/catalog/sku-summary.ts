// The product's summary of its SKUs (lowest price, available stock in total), for lists, sorting and search.
// Display only: selling reads the SKU itself.
import { Types } from 'mongoose';
import type { Models } from '../../collections';
import { driverCollection } from '../../infra/driver-collection';

/** The summary fields of a product as stored (model.ts): every order and stock change writes them, through the driver. */
interface SummaryRecord {
  _id: Types.ObjectId;
  priceFen?: number;
  stock?: number;
  summaryTicket?: number;
  summarySeq?: number;
}
const summaries = (models: Models) => driverCollection<SummaryRecord>(models.Product);

/** What a summary says: the lowest SKU price and the SKUs' stock in total. */
export interface ProductSummary {
  priceFen: number;
  stock: number;
}

/**
 * Takes the product's next summary ticket (null when the product is gone). The ticket must be taken before the
 * SKUs the summary is computed from are read: writeProductSummary then writes only over an older summary.
 */
export async function takeSummaryTicket(models: Models, productId: Types.ObjectId | string): Promise<number | null> {
  const ticket = await summaries(models).findOneAndUpdate({ _id: new Types.ObjectId(productId) }, { $inc: { summaryTicket: 1 } }, { returnDocument: 'after', projection: { summaryTicket: 1 } });
  return ticket ? (ticket.summaryTicket ?? 0) : null;
}

/** Writes a summary read under ticket `seq`, unless one read under a later ticket is there already. */
export async function writeProductSummary(models: Models, productId: Types.ObjectId | string, seq: number, summary: ProductSummary): Promise<void> {
  await summaries(models).updateOne(
    // Products from before SKUs have no seq until migrated.
    { _id: new Types.ObjectId(productId), $or: [{ summarySeq: { $lt: seq } }, { summarySeq: { $exists: false } }] },
    { $set: { priceFen: summary.priceFen, stock: summary.stock, summarySeq: seq } },
  );
}

/**
 * Recomputes a product's price and stock from its SKUs. Call it after any change to a SKU. A ticket taken before
 * the SKUs are read orders the refreshes: a summary is written only over an older one, so of two refreshes racing
 * the one that read later wins, and every SKU change is followed by a refresh that read it.
 */
export async function refreshProductSummary(models: Models, productId: Types.ObjectId | string): Promise<void> {
  const seq = await takeSummaryTicket(models, productId);
  if (seq === null) return;
  const skus = await driverCollection<{ _id: Types.ObjectId; productId: Types.ObjectId; priceFen: number; stock: number }>(models.Sku)
    .find({ productId: new Types.ObjectId(productId) }, { projection: { priceFen: 1, stock: 1 } })
    .toArray();
  if (skus.length === 0) return;
  await writeProductSummary(models, productId, seq, {
    priceFen: Math.min(...skus.map((s) => s.priceFen)),
    stock: skus.reduce((sum, s) => sum + s.stock, 0),
  });
}
