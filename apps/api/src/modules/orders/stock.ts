// Stock moves only through guarded single-document updates on the SKU: the stock count and the order's
// reservation entry change together, so each of take / release / commit happens exactly once. The product's
// summary (its stock in total) follows each change; it is for display, the SKU is what sells.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { refreshProductSummary } from '../catalog/sku-summary';
import { releasePendingPlace } from './pending-orders';

type OrderItemRef = { productId: Types.ObjectId; skuId?: Types.ObjectId | null; quantity?: number | null };

/** The SKU an order item holds stock on: orders from before SKUs name none, and their SKU has the product's id. */
export function skuOf(item: { productId: Types.ObjectId; skuId?: Types.ObjectId | null }): Types.ObjectId {
  return item.skuId ?? item.productId;
}

/** Takes `quantity` of the SKU for the order unless the stock is short or the order already holds a reservation. */
export async function reserveStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const sku = await models.Sku.findOneAndUpdate(
    { _id: skuId, onShelf: { $ne: false }, stock: { $gte: quantity }, 'reservations.orderId': { $ne: orderId } },
    { $inc: { stock: -quantity }, $push: { reservations: { orderId, quantity, at: new Date() } } },
    { projection: { productId: 1 } },
  ).lean();
  if (!sku) return false;
  await refreshProductSummary(models, sku.productId);
  return true;
}

/** Puts the order's reserved quantity back on the SKU; a no-op when it holds none (already released). */
export async function releaseStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const sku = await models.Sku.findOneAndUpdate(
    { _id: skuId, 'reservations.orderId': orderId },
    { $inc: { stock: quantity }, $pull: { reservations: { orderId } } },
    { projection: { productId: 1 } },
  ).lean();
  if (!sku) return false;
  await refreshProductSummary(models, sku.productId);
  return true;
}

/** A paid order's reservation becomes a sale: the entry goes, the stock stays taken. */
export async function commitStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId): Promise<void> {
  await models.Sku.updateOne({ _id: skuId, 'reservations.orderId': orderId }, { $pull: { reservations: { orderId } } });
}

export async function releaseOrderStock(models: Models, order: { _id: Types.ObjectId; items: OrderItemRef[] }): Promise<void> {
  for (const item of order.items) await releaseStock(models, skuOf(item), order._id, item.quantity ?? 0);
}

export async function commitOrderStock(models: Models, order: { _id: Types.ObjectId; items: OrderItemRef[] }): Promise<void> {
  for (const item of order.items) await commitStock(models, skuOf(item), order._id);
}

/**
 * Settles an order's reservations once it has left PENDING_PAYMENT: back on the shelf when it closed, a sale
 * when it was paid. Safe to repeat and to race (every step is exactly-once on the SKU), which is what lets
 * the sweeper finish the job of a process that died between the status change and this.
 */
export async function settleOrderStock(
  models: Models,
  order: { _id: Types.ObjectId; userId?: Types.ObjectId; status: string; items: OrderItemRef[] },
): Promise<void> {
  if (order.status === 'PENDING_PAYMENT') return;
  // No longer unpaid: the shopper's place among MAX_PENDING_ORDERS goes back with the stock.
  if (order.userId) await releasePendingPlace(models, order.userId, order._id);
  const closed = order.status === 'CLOSED';
  if (closed) await releaseOrderStock(models, order);
  else await commitOrderStock(models, order);
  await models.Order.updateOne({ _id: order._id, stockSettled: { $exists: false } }, { $set: { stockSettled: closed ? 'RELEASED' : 'COMMITTED' } });
}

/**
 * Releases reservations, taken before `cutoff`, whose order does not exist: an order is written before it reserves
 * anything and deleted only while RESERVING, so such a reservation is what a process left when it died between a
 * reservation and giving it back (or between the sweeper deleting a stuck order and releasing its stock).
 */
export async function releaseOrphanReservations(models: Models, cutoff: Date, limit: number): Promise<number> {
  const skus = await models.Sku.find({ 'reservations.at': { $lte: cutoff } }, { reservations: 1 }).limit(limit).lean();
  const held = skus.flatMap((s) =>
    (s.reservations ?? []).filter((r) => r.at && r.at <= cutoff).map((r) => ({ skuId: s._id, orderId: r.orderId, quantity: r.quantity ?? 0 })),
  );
  if (held.length === 0) return 0;
  const existing = await models.Order.find({ _id: { $in: held.map((h) => h.orderId) } }, { _id: 1 }).lean();
  const exists = new Set(existing.map((o) => String(o._id)));
  let released = 0;
  for (const r of held) {
    if (!exists.has(String(r.orderId)) && (await releaseStock(models, r.skuId, r.orderId, r.quantity))) released++;
  }
  return released;
}
