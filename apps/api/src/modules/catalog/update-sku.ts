import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { conflict, notFound } from '../../errors';
import { writeAudit } from '../staff/audit';
import { reservedOf } from './dto';
import type { SkuDoc } from './model';
import { attachedImageIds } from './sku-matrix';
import { refreshProductSummary } from './sku-summary';

export interface SkuChange {
  priceFen?: number;
  /** On hand (reserved units included), as the admin counted it. */
  stock?: number;
  stockReason?: string;
  /** An uploaded image's id or url; null removes the SKU's own image. */
  image?: string | null;
  /** Grams per unit (WEIGHT shipping templates). */
  weightGrams?: number;
}

/** How the audit log names a SKU of a product with specs: `颜色=红, 尺寸=M`. */
function labelOf(sku: Pick<SkuDoc, 'specs'>): string {
  return Object.entries(sku.specs ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/**
 * Changes one SKU of a product: price and image in one write; stock by a compare-and-set on the SKU's stock and
 * the exact set of its reservations as read (one entry per order, whose quantity never changes), since shoppers
 * reserve and release concurrently: reserved units are counted once, whatever happens in between, and a lost
 * round reads again. Stock changes are audited with their reason; the product's summary follows.
 */
export async function updateSku(models: Models, actor: string, productId: Types.ObjectId, skuId: Types.ObjectId | string, change: SkuChange, now = new Date()): Promise<void> {
  const set: Record<string, unknown> = { updatedAt: now };
  const unset: Record<string, 1> = {};
  if (change.priceFen !== undefined) set.priceFen = change.priceFen;
  if (change.weightGrams !== undefined) set.weightGrams = change.weightGrams;
  if (change.image === null) unset.imageId = 1;
  else if (change.image !== undefined) set.imageId = (await attachedImageIds(models, [change.image]))[0];
  const unsetting = Object.keys(unset).length > 0 ? { $unset: unset } : {};

  if (change.stock === undefined) {
    const sku = await models.Sku.findOneAndUpdate({ _id: skuId, productId }, { $set: set, ...unsetting }, { returnDocument: 'after' }).lean<SkuDoc>();
    if (!sku) throw notFound('SKU');
  } else {
    const stock = change.stock;
    let done = false;
    for (let i = 0; i < 10 && !done; i++) {
      const current = await models.Sku.findOne({ _id: skuId, productId }, { stock: 1, reservations: 1, specs: 1 }).lean<SkuDoc>();
      if (!current) throw notFound('SKU');
      const reserved = reservedOf(current);
      if (stock < reserved) throw conflict('STOCK_BELOW_RESERVED', `${reserved} are held by unpaid orders: on hand cannot be less than that`);
      const orderIds = (current.reservations ?? []).map((r) => r.orderId);
      const res = await models.Sku.updateOne(
        {
          _id: skuId,
          stock: current.stock,
          reservations: { $size: orderIds.length },
          ...(orderIds.length > 0 ? { 'reservations.orderId': { $all: orderIds } } : {}),
        },
        { $set: { ...set, stock: stock - reserved }, ...unsetting },
      );
      if (res.modifiedCount !== 1 && res.matchedCount !== 1) continue;
      done = true;
      const label = labelOf(current);
      await writeAudit(models, {
        at: now,
        actor,
        action: 'product.stock',
        productId,
        detail: label ? `${change.stockReason} [${label}]` : change.stockReason!,
        // On hand, before and after: what the admin counted, whatever unpaid orders held at the time.
        stockBefore: current.stock + reserved,
        stockAfter: stock,
      });
    }
    if (!done) throw conflict('CONFLICT', 'Stock is changing quickly; try again');
  }
  await refreshProductSummary(models, productId);
}
