// Stock moves only through guarded single-document updates on the product: the stock count and the
// order's reservation entry change together, so each of take / release / commit happens exactly once.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';

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
  order: { _id: Types.ObjectId; status: string; items: { productId: Types.ObjectId; quantity?: number | null }[] },
): Promise<void> {
  if (order.status === 'PENDING_PAYMENT') return;
  const closed = order.status === 'CLOSED';
  if (closed) await releaseOrderStock(models, order);
  else await commitOrderStock(models, order);
  await models.Order.updateOne({ _id: order._id, stockSettled: { $exists: false } }, { $set: { stockSettled: closed ? 'RELEASED' : 'COMMITTED' } });
}
