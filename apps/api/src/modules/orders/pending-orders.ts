// How many unpaid orders a shopper holds, so that one shopper cannot hold the shop's stock (MAX_PENDING_ORDERS).
// A place is taken before the order is written and given back once the order leaves PENDING_PAYMENT (closed or
// paid, with its stock: settleOrderStock) or is abandoned; the reservation sweeper gives back places whose order
// is gone or no longer pending (all of them, page by page), so a crash anywhere in between leaves the count wrong
// until the sweeper's next run after the cutoff.
import { mongo, type Types } from 'mongoose';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { gatherWrites, gatherWritesEach } from './gathered-writes';
import { perModels } from '../../infra/per-models';
import { driverCollection } from '../../infra/driver-collection';

/** A shopper's places as stored (model.ts), as the driver's collection sees them. */
interface PendingPlacesRecord {
  _id: Types.ObjectId;
  count: number;
  orders: { orderId: Types.ObjectId; at: Date }[];
  /** When the shopper's latest orders took their places (at most the rate limit's number of them), oldest first. */
  placedAt?: Date[];
}
// The hot path writes through the driver's collection: ObjectIds, numbers and dates need no casting by mongoose.
const places = (models: Models) => driverCollection<PendingPlacesRecord>(models.PendingOrderSlots);

/** The limits a new order's place is taken under: unpaid orders held at once, and orders placed per window. */
export interface PlaceLimits {
  maxPending: number;
  ratePerWindow: number;
  windowMs: number;
}

/** What taking a place answered: taken, or refused by which limit (and, for the rate, when a place frees up). */
export type PlaceTaken = { taken: true } | { taken: false; refusedBy: 'PENDING' } | { taken: false; refusedBy: 'RATE'; retryAt: Date };

interface PlaceWanted {
  userId: Types.ObjectId;
  orderId: Types.ObjectId;
  limits: PlaceLimits;
  now: Date;
}

/** The guarded update that takes a place: both limits in its filter. */
function placeTaking({ userId, orderId, limits, now }: PlaceWanted) {
  const windowStart = new Date(now.getTime() - limits.windowMs);
  return {
    filter: {
      _id: userId,
      count: { $lt: limits.maxPending },
      'orders.orderId': { $ne: orderId },
      // Fewer than ratePerWindow placements kept, or the oldest of them already out of the window.
      $or: [{ [`placedAt.${limits.ratePerWindow - 1}`]: { $exists: false } }, { 'placedAt.0': { $lte: windowStart } }],
    },
    update: {
      $inc: { count: 1 },
      $push: { orders: { orderId, at: now }, placedAt: { $each: [now], $sort: 1 as const, $slice: -limits.ratePerWindow } },
    },
  };
}

/**
 * The places taken at once, in one bulk write of guarded upserts (gathered-writes.ts), each op with its own
 * outcome: upserted (a new shopper) or updated is taken. When a shopper's document exists but the guard refuses,
 * the upsert tries to insert a second document with the same _id and meets the unique index; that is also what a
 * shopper's first two orders at once (a double tap) meet on a real server, which does not retry such an upsert.
 * So an op answered by a duplicate key is tried once more on its own, without the upsert, and that is its answer.
 */
const gatheredTake = perModels((models: Models) =>
  gatherWritesEach<PlaceWanted>(async (wanted) => {
    const ops = wanted.map((w) => ({ updateOne: { ...placeTaking(w), upsert: true } }));
    let result: mongo.BulkWriteResult;
    let duplicates = new Set<number>();
    try {
      result = await places(models).bulkWrite(ops, { ordered: false });
    } catch (err) {
      if (!(err instanceof mongo.MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      if (!errors.every(isDuplicateKeyError)) throw err;
      duplicates = new Set(errors.map((e) => e.index));
      result = err.result;
    }
    const upserted = new Set(Object.keys(result.upsertedIds).map(Number));
    const updated = wanted.map((_, i) => !upserted.has(i) && !duplicates.has(i));
    // Every op neither upserted nor refused matched its guard, so it was modified; if the counts disagree,
    // ask each such shopper's document whether it holds the order's place now.
    const matchedOps = updated.filter(Boolean).length;
    const holds =
      result.modifiedCount === matchedOps
        ? undefined
        : new Set(
            (await places(models).find({ _id: { $in: wanted.filter((_, i) => updated[i]).map((w) => w.userId) } }, { projection: { orders: 1 } }).toArray()).flatMap((d) =>
              d.orders.map((o) => String(o.orderId)),
            ),
          );
    return Promise.all(
      wanted.map(async (w, i) => {
        if (upserted.has(i)) return true;
        if (duplicates.has(i)) {
          const { filter, update } = placeTaking(w);
          return (await places(models).updateOne(filter, update)).modifiedCount === 1;
        }
        return holds ? holds.has(String(w.orderId)) : true;
      }),
    );
  }),
);

/**
 * Takes a place for `orderId` unless the shopper already holds `maxPending` unpaid orders, or has placed
 * `ratePerWindow` orders within the last `windowMs` (a sliding window: the document keeps the times of the
 * latest `ratePerWindow` placements, oldest first), or this order holds a place already. Both limits are one
 * guarded update of one document, so concurrent orders on every instance cannot all see room for one more.
 */
export async function takePendingPlace(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId, limits: PlaceLimits, now = new Date()): Promise<PlaceTaken> {
  if (await gatheredTake(models)({ userId, orderId, limits, now })) return { taken: true };
  const windowStart = new Date(now.getTime() - limits.windowMs);
  // Refused: which limit, read afterwards for the shopper's message (a moment's figure: their other orders move too).
  const held = await places(models).findOne({ _id: userId }, { projection: { count: 1, placedAt: 1 } });
  const recent = (held?.placedAt ?? []).filter((at) => at > windowStart);
  if ((held?.count ?? 0) < limits.maxPending && recent.length >= limits.ratePerWindow) {
    return { taken: false, refusedBy: 'RATE', retryAt: new Date(recent[recent.length - limits.ratePerWindow]!.getTime() + limits.windowMs) };
  }
  return { taken: false, refusedBy: 'PENDING' };
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
