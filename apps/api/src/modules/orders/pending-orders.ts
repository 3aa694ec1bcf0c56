// How many unpaid orders a shopper holds, so that one shopper cannot hold the shop's stock (MAX_PENDING_ORDERS).
// A place is taken before the order is written and given back once the order leaves PENDING_PAYMENT (closed or
// paid, with its stock: settleOrderStock) or is abandoned; the reservation sweeper gives back places whose order
// is gone or no longer pending (all of them, page by page), so a crash anywhere in between leaves the count wrong
// until the sweeper's next run after the cutoff.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { gatherWrites, perModels } from './gathered-writes';
import { driverCollection } from '../../infra/driver-collection';

/** A shopper's places as stored (model.ts), as the driver's collection sees them. */
interface PendingPlacesRecord {
  _id: Types.ObjectId;
  count: number;
  orders: { orderId: Types.ObjectId; at: Date }[];
}
// The hot path writes through the driver's collection: ObjectIds, numbers and dates need no casting by mongoose.
const places = (models: Models) => driverCollection<PendingPlacesRecord>(models.PendingOrderSlots);

/** Takes a place for `orderId` unless the shopper already holds `max` (or this order holds one already). */
export async function takePendingPlace(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId, max: number): Promise<boolean> {
  // One command: the guarded update, upserting a new shopper's document. When the shopper's document exists but the
  // guard refuses (full, or this order holds a place already), the upsert tries to insert a second document with
  // the same _id and meets the unique index. That is also what a shopper's first two orders at once (a double tap)
  // meet on a real server, which does not retry such an upsert: so a duplicate key is answered by the guarded
  // update once more, without the upsert, whose result is then the answer.
  const filter = { _id: userId, count: { $lt: max }, 'orders.orderId': { $ne: orderId } };
  const update = { $inc: { count: 1 }, $push: { orders: { orderId, at: new Date() } } };
  try {
    const res = await places(models).updateOne(filter, update, { upsert: true });
    return res.modifiedCount === 1 || res.upsertedCount === 1;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return (await places(models).updateOne(filter, update)).modifiedCount === 1;
  }
}

/** Gives the order's place back; a no-op when it holds none (given back already, or never taken). */
export async function releasePendingPlace(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId): Promise<boolean> {
  const res = await places(models).updateOne({ _id: userId, 'orders.orderId': orderId }, { $inc: { count: -1 }, $pull: { orders: { orderId } } });
  return res.modifiedCount === 1;
}

/**
 * releasePendingPlace for the many orders settled at once (payments): the releases that arrive together go out as
 * one bulk write (gathered-writes.ts), each with its own guarded filter.
 */
export async function releasePendingPlaceGathered(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId): Promise<void> {
  await gatheredRelease(models)({ userId, orderId });
}

const gatheredRelease = perModels((models: Models) =>
  gatherWrites<{ userId: Types.ObjectId; orderId: Types.ObjectId }>((ops) =>
    places(models).bulkWrite(
      ops.map(({ userId, orderId }) => ({
        updateOne: { filter: { _id: userId, 'orders.orderId': orderId }, update: { $inc: { count: -1 }, $pull: { orders: { orderId } } } },
      })),
      { ordered: false },
    ),
  ),
);

/**
 * Gives back the places, held since before `cutoff`, of orders that do not exist (a crash before the order was
 * written, or after it was abandoned) or are no longer pending (a crash before their stock was settled).
 */
export async function releaseStalePendingPlaces(models: Models, cutoff: Date, limit: number): Promise<number> {
  // Every holder, `limit` at a time in _id order: an unpaid order's place stays older than the cutoff for its whole
  // payment window, so a first page full of them must not hide a stale place behind it.
  let released = 0;
  for (let after: Types.ObjectId | undefined; ; ) {
    const holders = await models.PendingOrderSlots.find({ 'orders.at': { $lte: cutoff }, ...(after ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    released += await releaseStalePlacesOf(models, holders, cutoff);
    if (holders.length < limit) return released;
    after = holders[holders.length - 1]!._id as Types.ObjectId;
  }
}

async function releaseStalePlacesOf(models: Models, holders: { _id: unknown; orders: { orderId: Types.ObjectId; at?: Date | null }[] }[], cutoff: Date): Promise<number> {
  const held = holders.flatMap((h) => h.orders.filter((o) => o.at && o.at <= cutoff).map((o) => ({ userId: h._id as Types.ObjectId, orderId: o.orderId })));
  if (held.length === 0) return 0;
  const pending = await models.Order.find({ _id: { $in: held.map((h) => h.orderId) }, status: 'PENDING_PAYMENT' }, { _id: 1 }).lean();
  const stillPending = new Set(pending.map((o) => String(o._id)));
  let released = 0;
  for (const place of held) {
    if (!stillPending.has(String(place.orderId)) && (await releasePendingPlace(models, place.userId, place.orderId))) released++;
  }
  return released;
}
