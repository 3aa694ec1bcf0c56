// The product's summary of its SKUs: the lowest price, for lists and sorting. Only an admin's edit changes a SKU's
// price, so only those refresh it; orders change stock alone, which every product view reads from the SKUs.
import { Types } from 'mongoose';
import type { Models } from '../../collections';
import { driverCollection } from '../../infra/driver-collection';

/** The summary fields of a product as stored (model.ts), through the driver. */
interface SummaryRecord {
  _id: Types.ObjectId;
  priceFen?: number;
  stock?: number;
  summaryTicket?: number;
  summarySeq?: number;
}
const summaries = (models: Models) => driverCollection<SummaryRecord>(models.Product);

/** Takes the product's next summary ticket (null when the product is gone), before the SKUs are read. */
async function takeSummaryTicket(models: Models, productId: Types.ObjectId): Promise<number | null> {
  const ticket = await summaries(models).findOneAndUpdate({ _id: productId }, { $inc: { summaryTicket: 1 } }, { returnDocument: 'after', projection: { summaryTicket: 1 } });
  return ticket ? (ticket.summaryTicket ?? 0) : null;
}

/**
 * Recomputes a product's lowest price from its SKUs; call it after an admin's change of a SKU. A ticket taken
 * before the SKUs are read orders the refreshes: a summary is written only over an older one, so of two refreshes
 * racing the one that read later wins. It also drops the stock total products kept before 2026-12 (orders kept
 * it up to date at two commands each, and nothing read it: every view sums the SKUs it reads).
 */
export async function refreshProductSummary(models: Models, productId: Types.ObjectId | string): Promise<void> {
  const id = new Types.ObjectId(productId);
  const seq = await takeSummaryTicket(models, id);
  if (seq === null) return;
  const skus = await driverCollection<{ _id: Types.ObjectId; productId: Types.ObjectId; priceFen: number }>(models.Sku)
    .find({ productId: id }, { projection: { priceFen: 1 } })
    .toArray();
  if (skus.length === 0) return;
  await summaries(models).updateOne(
    // Products from before SKUs have no seq until migrated.
    { _id: id, $or: [{ summarySeq: { $lt: seq } }, { summarySeq: { $exists: false } }] },
    { $set: { priceFen: Math.min(...skus.map((s) => s.priceFen)), summarySeq: seq }, $unset: { stock: '' } },
  );
}
