// Stock moves only through guarded single-document updates on the SKU: the stock count and the order's
// reservation entry change together, so each of take / release / commit happens exactly once. The product keeps
// no stock of its own (every view sums its SKUs), so a stock change is one write.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { gatherWrites, gatherWritesEach, outcomesByCount } from '../../infra/gathered-writes';
import { perModels } from '../../infra/per-models';
import { releasePendingPlaceGathered } from './pending-orders';
import { driverCollection } from '../../infra/driver-collection';

type OrderItemRef = { productId: Types.ObjectId; skuId?: Types.ObjectId | null; quantity?: number | null };

/** The SKU an order item holds stock on: orders from before SKUs name none, and their SKU has the product's id. */
export function skuOf(item: { productId: Types.ObjectId; skuId?: Types.ObjectId | null }): Types.ObjectId {
  return item.skuId ?? item.productId;
}

// The hot path writes through the driver's collection: these filters and updates hold only ObjectIds, numbers
// and dates already of their stored types, so mongoose's casting and hydration would only cost time.
/** The stock fields of a SKU as stored (catalog/model.ts), as the driver's collection sees them. */
interface SkuStockRecord {
  _id: Types.ObjectId;
  stock: number;
  onShelf?: boolean;
  reservations: { orderId: Types.ObjectId; quantity: number; at: Date }[];
}
const skuStock = (models: Models) => driverCollection<SkuStockRecord>(models.Sku);

/**
 * Takes `quantity` of the SKU for the order unless the stock is short, the SKU is off the shelf or the order
 * already holds a reservation. Reservations asked for at once (a flash sale's buyers) go out together: see
 * reserveTogether.
 */
export function reserveStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  return gatheredReservations(models)({ skuId, orderId, quantity });
}

interface Reservation {
  skuId: Types.ObjectId;
  orderId: Types.ObjectId;
  quantity: number;
}

/** The reservations of this process, gathered (gathered-writes.ts): one alone as before, several together. */
const gatheredReservations = perModels((models: Models) =>
  gatherWritesEach<Reservation>((wanted) =>
    wanted.length === 1 ? Promise.all([reserveOne(models, wanted[0]!)]) : reserveTogether(models, wanted),
  ),
);

async function reserveOne(models: Models, { skuId, orderId, quantity }: Reservation): Promise<boolean> {
  const res = await skuStock(models).updateOne(reservationFilter(skuId, orderId, quantity), reservationUpdate(orderId, quantity));
  return res.modifiedCount === 1;
}

/**
 * Several reservations at once: one bulk of the guarded updates, whose counts answer when all of them or none
 * took stock; otherwise (some refused, or an error) one read of the SKUs, whose reservation entries say which
 * orders hold stock now (only its own update adds an order's entry), so the outcome is known even when the bulk
 * failed part-way.
 */
async function reserveTogether(models: Models, wanted: Reservation[]): Promise<boolean[]> {
  // An error here may have left some updates done and some not: the read below says which, either way.
  const written = await skuStock(models)
    .bulkWrite(
      wanted.map((w) => ({ updateOne: { filter: reservationFilter(w.skuId, w.orderId, w.quantity), update: reservationUpdate(w.orderId, w.quantity) } })),
      { ordered: false },
    )
    .catch(() => undefined);
  const counted = outcomesByCount(written?.modifiedCount, wanted.length);
  if (counted) return counted;
  const skuIds = [...new Map(wanted.map((w) => [String(w.skuId), w.skuId])).values()];
  const skus = await skuStock(models)
    .find({ _id: { $in: skuIds } }, { projection: { 'reservations.orderId': 1 } })
    .toArray();
  const skuById = new Map(skus.map((s) => [String(s._id), s]));
  return wanted.map((w) => (skuById.get(String(w.skuId))?.reservations ?? []).some((r) => r.orderId.equals(w.orderId)));
}

const reservationFilter = (skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number) => ({
  _id: skuId,
  onShelf: { $ne: false },
  stock: { $gte: quantity },
  'reservations.orderId': { $ne: orderId },
});
const reservationUpdate = (orderId: Types.ObjectId, quantity: number) => ({
  $inc: { stock: -quantity },
  $push: { reservations: { orderId, quantity, at: new Date() } },
});

/** Puts the order's reserved quantity back on the SKU; a no-op when it holds none (already released). */
export async function releaseStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const res = await skuStock(models).updateOne({ _id: skuId, 'reservations.orderId': orderId }, { $inc: { stock: quantity }, $pull: { reservations: { orderId } } });
  return res.modifiedCount === 1;
}

/** A paid order's reservation becomes a sale: the entry goes, the stock stays taken. */
export async function commitStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId): Promise<boolean> {
  const res = await skuStock(models).updateOne({ _id: skuId, 'reservations.orderId': orderId }, { $pull: { reservations: { orderId } } });
  return res.modifiedCount === 1;
}

export async function releaseOrderStock(models: Models, order: { _id: Types.ObjectId; items: OrderItemRef[] }): Promise<void> {
  for (const item of order.items) await releaseStock(models, skuOf(item), order._id, item.quantity ?? 0);
}

export async function commitOrderStock(models: Models, order: { _id: Types.ObjectId; items: OrderItemRef[] }): Promise<void> {
  await Promise.all(order.items.map((item) => gatheredCommit(models)({ skuId: skuOf(item), orderId: order._id })));
}

/** Commits of paid orders, gathered (gathered-writes.ts): one bulk write, each order's pull guarded as commitStock's. */
const gatheredCommit = perModels((models: Models) =>
  gatherWrites<{ skuId: Types.ObjectId; orderId: Types.ObjectId }>((ops) =>
    skuStock(models).bulkWrite(
      ops.map(({ skuId, orderId }) => ({
        updateOne: { filter: { _id: skuId, 'reservations.orderId': orderId }, update: { $pull: { reservations: { orderId } } } },
      })),
      { ordered: false },
    ),
  ),
);

/**
 * What a move out of PENDING_PAYMENT owes the stock, to be written in the move's own compare-and-set (`set`): the
 * mark says which way the order's reservations go, and the reservation entries on the SKUs say what is still to
 * do. So the mark costs no command of its own, and a process that dies between the move and settleOrderStock
 * leaves reservations of an order that is no longer pending, which the sweeper settles (settleLeftoverReservations).
 */
export function stockSettledMark(to: 'PAID' | 'CLOSED'): { stockSettled: 'COMMITTED' | 'RELEASED' } {
  return { stockSettled: to === 'CLOSED' ? 'RELEASED' : 'COMMITTED' };
}

/**
 * Settles an order's reservations once it has left PENDING_PAYMENT: back on the shelf when it closed, a sale
 * when it was paid. Safe to repeat and to race (every step is exactly-once on the SKU), which is what lets
 * the sweeper finish the job of a process that died between the status change and this.
 */
export async function settleOrderStock(
  models: Models,
  order: { _id: Types.ObjectId; userId?: Types.ObjectId; status: string; items: OrderItemRef[]; stockSettled?: string | null },
): Promise<void> {
  if (order.status === 'PENDING_PAYMENT') return;
  const closed = order.status === 'CLOSED';
  await Promise.all([
    // No longer unpaid: the shopper's place among MAX_PENDING_ORDERS goes back with the stock.
    order.userId ? releasePendingPlaceGathered(models, order.userId, order._id) : undefined,
    closed ? releaseOrderStock(models, order) : commitOrderStock(models, order),
  ]);
  // A move that wrote stockSettledMark in its compare-and-set needs no second write.
  if (!order.stockSettled) {
    await models.Order.updateOne({ _id: order._id, stockSettled: { $exists: false } }, { $set: stockSettledMark(closed ? 'CLOSED' : 'PAID') });
  }
}

/**
 * Settles reservations, taken before `cutoff`, whose order does not exist or is no longer pending. An order is
 * written before it reserves anything and deleted only while RESERVING, so a reservation without its order is
 * what a process left when it died between a reservation and giving it back (or between the sweeper deleting a
 * stuck order and releasing its stock): released. A reservation of a closed order is released, one of a paid
 * order committed: what a process left when it died between the order's move and settleOrderStock.
 */
export async function settleLeftoverReservations(models: Models, cutoff: Date, limit: number): Promise<number> {
  // Every SKU holding an old reservation, `limit` at a time in _id order: an unpaid order's reservation stays older
  // than the cutoff for its whole payment window, so a first page full of them must not hide a leftover behind it.
  let settled = 0;
  for (let after: Types.ObjectId | undefined; ; ) {
    const skus = await models.Sku.find({ 'reservations.at': { $lte: cutoff }, ...(after ? { _id: { $gt: after } } : {}) }, { reservations: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    settled += await settleReservationsOf(models, skus, cutoff);
    if (skus.length < limit) return settled;
    after = skus[skus.length - 1]!._id;
  }
}

async function settleReservationsOf(
  models: Models,
  skus: { _id: Types.ObjectId; reservations?: { orderId: Types.ObjectId; quantity?: number | null; at?: Date | null }[] | null }[],
  cutoff: Date,
): Promise<number> {
  const held = skus.flatMap((s) =>
    (s.reservations ?? []).filter((r) => r.at && r.at <= cutoff).map((r) => ({ skuId: s._id, orderId: r.orderId, quantity: r.quantity ?? 0 })),
  );
  if (held.length === 0) return 0;
  const orders = await models.Order.find({ _id: { $in: held.map((h) => h.orderId) } }, { status: 1 }).lean();
  const statusOf = new Map(orders.map((o) => [String(o._id), o.status]));
  let settled = 0;
  for (const r of held) {
    const status = statusOf.get(String(r.orderId));
    if (status === 'PENDING_PAYMENT') continue;
    if (status === undefined || status === 'CLOSED') {
      if (await releaseStock(models, r.skuId, r.orderId, r.quantity)) settled++;
    } else if (await commitStock(models, r.skuId, r.orderId)) settled++;
  }
  return settled;
}
