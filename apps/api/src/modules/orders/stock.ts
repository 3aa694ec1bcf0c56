// Stock moves only through guarded single-document updates on the SKU: the stock count and the order's
// reservation entry change together, so each of take / release / commit happens exactly once. The product's
// summary (its stock in total) follows each change; it is for display, the SKU is what sells.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { refreshProductSummary, takeSummaryTicket, writeProductSummary } from '../catalog/sku-summary';
import { gatherWrites, gatherWritesEach } from '../../infra/gathered-writes';
import { perModels } from '../../infra/per-models';
import { releasePendingPlaceGathered } from './pending-orders';
import { driverCollection } from '../../infra/driver-collection';

type OrderItemRef = { productId: Types.ObjectId; skuId?: Types.ObjectId | null; quantity?: number | null };

/** The SKU an order item holds stock on: orders from before SKUs name none, and their SKU has the product's id. */
export function skuOf(item: { productId: Types.ObjectId; skuId?: Types.ObjectId | null }): Types.ObjectId {
  return item.skuId ?? item.productId;
}

/**
 * Refreshes are coalesced per product within this process: while one is waiting to start, later changes join it
 * (it reads the SKUs after all of them); while one is running, the next change queues exactly one more after it.
 * So every SKU change is still followed by a refresh that read it, and a burst of buyers of one product (a flash
 * sale) costs a few refreshes instead of one each (three commands apiece, all on the same product).
 */
interface SummaryRefresh {
  started: boolean;
  done: Promise<void>;
}
const summaryRefreshesOf = perModels((_models: Models) => new Map<string, SummaryRefresh>());

export function refreshSummaryAfterChange(models: Models, productId: Types.ObjectId): Promise<void> {
  const refreshes = summaryRefreshesOf(models);
  const key = String(productId);
  const last = refreshes.get(key);
  if (last && !last.started) return last.done;
  const refresh: SummaryRefresh = { started: false, done: Promise.resolve() };
  refresh.done = (last ? last.done.catch(() => undefined) : Promise.resolve())
    .then(() => {
      refresh.started = true;
      return refreshProductSummary(models, productId);
    })
    .finally(() => {
      if (refreshes.get(key) === refresh) refreshes.delete(key);
    });
  refreshes.set(key, refresh);
  return refresh.done;
}

// The hot path writes through the driver's collection: these filters and updates hold only ObjectIds, numbers
// and dates already of their stored types, so mongoose's casting and hydration would only cost time.
/** The stock fields of a SKU as stored (catalog/model.ts), as the driver's collection sees them. */
interface SkuStockRecord {
  _id: Types.ObjectId;
  productId: Types.ObjectId;
  stock: number;
  priceFen: number;
  onShelf?: boolean;
  reservations: { orderId: Types.ObjectId; quantity: number; at: Date }[];
}
const skuStock = (models: Models) => driverCollection<SkuStockRecord>(models.Sku);

/**
 * Takes `quantity` of the SKU for the order unless the stock is short or the order already holds a reservation.
 * `soleSkuOf`: the SKU's product, when the caller read it as a product without specs, which has exactly this one
 * SKU (see reserveSoleSku). Reservations asked for at once (a flash sale's buyers) go out together: see
 * reserveTogether.
 */
export function reserveStock(
  models: Models,
  skuId: Types.ObjectId,
  orderId: Types.ObjectId,
  quantity: number,
  soleSkuOf?: Types.ObjectId,
): Promise<boolean> {
  return gatheredReservations(models)({ skuId, orderId, quantity, ...(soleSkuOf ? { soleSkuOf } : {}) });
}

interface Reservation {
  skuId: Types.ObjectId;
  orderId: Types.ObjectId;
  quantity: number;
  soleSkuOf?: Types.ObjectId;
}

/** The reservations of this process, gathered (gathered-writes.ts): one alone as before, several together. */
const gatheredReservations = perModels((models: Models) =>
  gatherWritesEach<Reservation>((wanted) =>
    wanted.length === 1 ? Promise.all([reserveOne(models, wanted[0]!)]) : reserveTogether(models, wanted),
  ),
);

async function reserveOne(models: Models, { skuId, orderId, quantity, soleSkuOf }: Reservation): Promise<boolean> {
  // While another change of the product is being summarized here (a burst of buyers, a flash sale), the
  // coalesced refresh costs less: one for many.
  if (soleSkuOf && !summaryBusy(models, soleSkuOf)) {
    const key = String(soleSkuOf);
    const busy = soleSkuReservationsOf(models);
    busy.set(key, (busy.get(key) ?? 0) + 1);
    try {
      return await reserveSoleSku(models, soleSkuOf, skuId, orderId, quantity);
    } finally {
      const left = (busy.get(key) ?? 1) - 1;
      if (left > 0) busy.set(key, left);
      else busy.delete(key);
    }
  }
  const sku = await skuStock(models).findOneAndUpdate(reservationFilter(skuId, orderId, quantity), reservationUpdate(orderId, quantity), {
    projection: { productId: 1 },
  });
  if (!sku) return false;
  await refreshSummaryAfterChange(models, sku.productId);
  return true;
}

/**
 * Several reservations at once, in a few commands for all of them instead of two or three each: a summary ticket
 * for each product without specs among them (taken first, as reserveSoleSku does, so the SKU read below is a read
 * after the ticket), one bulk of the guarded updates, one read of the SKUs, whose reservation entries say which
 * orders hold stock now (only its own update adds an order's entry), and the summaries: written from that read
 * for products without specs, refreshed from all their SKUs for the others.
 */
async function reserveTogether(models: Models, wanted: Reservation[]): Promise<boolean[]> {
  const soleProducts = [...new Map(wanted.flatMap((w) => (w.soleSkuOf ? [[String(w.soleSkuOf), w.soleSkuOf] as const] : []))).values()];
  const tickets = new Map(await Promise.all(soleProducts.map(async (id) => [String(id), await takeSummaryTicket(models, id)] as const)));
  // An error here may have left some updates done and some not: the read below says which, either way.
  await skuStock(models)
    .bulkWrite(
      wanted.map((w) => ({ updateOne: { filter: reservationFilter(w.skuId, w.orderId, w.quantity), update: reservationUpdate(w.orderId, w.quantity) } })),
      { ordered: false },
    )
    .catch(() => undefined);
  const skuIds = [...new Map(wanted.map((w) => [String(w.skuId), w.skuId])).values()];
  const skus = await skuStock(models)
    .find({ _id: { $in: skuIds } }, { projection: { productId: 1, stock: 1, priceFen: 1, 'reservations.orderId': 1 } })
    .toArray();
  const skuById = new Map(skus.map((s) => [String(s._id), s]));
  const holds = (w: Reservation) => (skuById.get(String(w.skuId))?.reservations ?? []).some((r) => r.orderId.equals(w.orderId));
  const outcomes = wanted.map(holds);
  // Only products whose stock changed need a summary. One read as a product without specs whose one changed SKU is
  // the one it was read with is summarized from that SKU under its ticket; any other is refreshed from all its SKUs.
  const changedByProduct = new Map<string, Map<string, SkuStockRecord>>();
  wanted.forEach((w, i) => {
    const sku = skuById.get(String(w.skuId));
    if (!outcomes[i] || !sku) return;
    const product = String(sku.productId);
    changedByProduct.set(product, (changedByProduct.get(product) ?? new Map()).set(String(sku._id), sku));
  });
  await Promise.all(
    [...changedByProduct].map(([product, changed]) => {
      const [sku] = [...changed.values()];
      const seq = tickets.get(product);
      const sole = wanted.some((w) => w.soleSkuOf?.equals(sku!.productId) && w.skuId.equals(sku!._id));
      if (changed.size === 1 && sole && typeof seq === 'number') {
        return writeProductSummary(models, sku!.productId, seq, { priceFen: sku!.priceFen, stock: sku!.stock });
      }
      return refreshSummaryAfterChange(models, sku!.productId);
    }),
  );
  return outcomes;
}

/** reserveSoleSku calls under way in this process, per product. */
const soleSkuReservationsOf = perModels((_models: Models) => new Map<string, number>());

function summaryBusy(models: Models, productId: Types.ObjectId): boolean {
  const key = String(productId);
  return summaryRefreshesOf(models).has(key) || soleSkuReservationsOf(models).has(key);
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

/**
 * reserveStock on the one SKU of a product without specs, with its summary in two commands instead of three: the
 * summary's ticket is taken first, so the reservation's own answer (the SKU after it) is a read after the ticket,
 * and it is the whole SKU set (a product without specs has one SKU; specs are added by replacing the SKUs, which
 * deletes this one only while nothing holds it — and this order holds it until after the write). Any later change
 * of the SKU takes a later ticket, so the summary still ends with what the last change left. A refused
 * reservation leaves its ticket unused, which nothing minds.
 */
async function reserveSoleSku(models: Models, productId: Types.ObjectId, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const seq = await takeSummaryTicket(models, productId);
  const sku = await skuStock(models).findOneAndUpdate(reservationFilter(skuId, orderId, quantity), reservationUpdate(orderId, quantity), {
    projection: { productId: 1, stock: 1, priceFen: 1 },
    returnDocument: 'after',
  });
  if (!sku) return false;
  if (seq !== null && sku.productId.equals(productId)) await writeProductSummary(models, productId, seq, { priceFen: sku.priceFen, stock: sku.stock });
  else await refreshSummaryAfterChange(models, sku.productId);
  return true;
}

/** Puts the order's reserved quantity back on the SKU; a no-op when it holds none (already released). */
export async function releaseStock(models: Models, skuId: Types.ObjectId, orderId: Types.ObjectId, quantity: number): Promise<boolean> {
  const sku = await skuStock(models).findOneAndUpdate(
    { _id: skuId, 'reservations.orderId': orderId },
    { $inc: { stock: quantity }, $pull: { reservations: { orderId } } },
    { projection: { productId: 1 } },
  );
  if (!sku) return false;
  await refreshSummaryAfterChange(models, sku.productId);
  return true;
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
