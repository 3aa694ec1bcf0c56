// Stock moves only through guarded single-document updates on the product: the stock count and the
// order's reservation entry change together, so each of take / release / commit happens exactly once.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { releasePendingPlace } from './pending-orders';

/** Takes `quantity` for the order unless the stock is short or the order already holds a reservation. */
export async function reserveStock(models: Models, productId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const res = await models.Product.updateOne(
    { _id: productId, onShelf: true, stock: { $gte: quantity }, 'reservations.orderId': { $ne: orderId } },
    { $inc: { stock: -quantity }, $push: { reservations: { orderId, quantity, at: new Date() } } },
  );
  return res.modifiedCount === 1;
}

/** Puts the order's reserved quantity back on the shelf; a no-op when it holds none (already released). */
export async function releaseStock(models: Models, productId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const res = await models.Product.updateOne(
    { _id: productId, 'reservations.orderId': orderId },
    { $inc: { stock: quantity }, $pull: { reservations: { orderId } } },
  );
  return res.modifiedCount === 1;
}

/** A paid order's reservation becomes a sale: the entry goes, the stock stays taken. */
export async function commitStock(models: Models, productId: Types.ObjectId, orderId: Types.ObjectId): Promise<void> {
  await models.Product.updateOne({ _id: productId, 'reservations.orderId': orderId }, { $pull: { reservations: { orderId } } });
}

export async function releaseOrderStock(models: Models, order: { _id: Types.ObjectId; items: { productId: Types.ObjectId; quantity?: number | null }[] }): Promise<void> {
  for (const item of order.items) await releaseStock(models, item.productId, order._id, item.quantity ?? 0);
}

export async function commitOrderStock(models: Models, order: { _id: Types.ObjectId; items: { productId: Types.ObjectId }[] }): Promise<void> {
  for (const item of order.items) await commitStock(models, item.productId, order._id);
}

/**
 * Settles an order's reservations once it has left PENDING_PAYMENT: back on the shelf when it closed, a sale
 * when it was paid. Safe to repeat and to race (every step is exactly-once on the product), which is what lets
 * the sweeper finish the job of a process that died between the status change and this.
 */
export async function settleOrderStock(
  models: Models,
  order: { _id: Types.ObjectId; userId?: Types.ObjectId; status: string; items: { productId: Types.ObjectId; quantity?: number | null }[] },
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
  const products = await models.Product.find({ 'reservations.at': { $lte: cutoff } }, { reservations: 1 }).limit(limit).lean();
  const held = products.flatMap((p) =>
    (p.reservations ?? []).filter((r) => r.at && r.at <= cutoff).map((r) => ({ productId: p._id, orderId: r.orderId, quantity: r.quantity ?? 0 })),
  );
  if (held.length === 0) return 0;
  const existing = await models.Order.find({ _id: { $in: held.map((h) => h.orderId) } }, { _id: 1 }).lean();
  const exists = new Set(existing.map((o) => String(o._id)));
  let released = 0;
  for (const r of held) {
    if (!exists.has(String(r.orderId)) && (await releaseStock(models, r.productId, r.orderId, r.quantity))) released++;
  }
  return released;
}
