// How many unpaid orders a shopper holds, so that one shopper cannot hold the shop's stock (MAX_PENDING_ORDERS).
// A place is taken before the order is written and given back once the order leaves PENDING_PAYMENT (closed or
// paid, with its stock: settleOrderStock) or is abandoned; the reservation sweeper gives back places whose order
// is gone or no longer pending (all of them, page by page), so a crash anywhere in between leaves the count wrong
// until the sweeper's next run after the cutoff.
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { isOnlyDuplicateKeys, writeErrorsOf } from '../../infra/duplicate-key';
import { gatherEach, gatherWrites } from '../../infra/gathered-writes';
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
      // Fewer than ratePerWindow placements kept, or exactly that many and the oldest already out of the window.
      // A longer list (kept while ORDER_RATE_LIMIT was higher) is refused here, because its oldest being out of the
      // window says nothing about the rest: the refusal trims it to the newest ratePerWindow (trimLongerList).
      // (Not an $expr counting the list: mongod refuses $expr in an upsert's query.)
      $or: [
        { [`placedAt.${limits.ratePerWindow - 1}`]: { $exists: false } },
        { 'placedAt.0': { $lte: windowStart }, [`placedAt.${limits.ratePerWindow}`]: { $exists: false } },
      ],
    },
    update: {
      $inc: { count: 1 },
      $push: { orders: { orderId, at: now }, placedAt: { $each: [now], $sort: 1 as const, $slice: -limits.ratePerWindow } },
    },
  };
}

/** What one op of a gathered take did: took the place, was refused by a limit, or failed to write. */
type TakeAnswer = 'TAKEN' | 'REFUSED' | 'FAILED';

/**
 * The places taken at once, in one bulk write of guarded upserts (gathered-writes.ts), each op with its own
 * outcome: upserted (a new shopper) or updated is taken. When a shopper's document exists but the guard refuses,
 * the upsert tries to insert a second document with the same _id and meets the unique index; that is also what a
 * shopper's first two orders at once (a double tap) meet on a real server, which does not retry such an upsert.
 * So an op answered by a duplicate key is tried once more on its own, without the upsert, and that is its answer.
 * Whenever an op's outcome is not known from the answers (an error, or counts that disagree), the shopper's
 * document says it: the order holds a place there or it does not.
 */
const gatheredTake = perModels((models: Models) =>
  gatherEach<PlaceWanted, TakeAnswer>(async (wanted) => {
    const ops = wanted.map((w) => ({ updateOne: { ...placeTaking(w), upsert: true } }));
    const answers: (TakeAnswer | 'ASK_REFUSED' | 'ASK_FAILED')[] = wanted.map(() => 'ASK_FAILED');
    try {
      const result = await places(models)
        .bulkWrite(ops, { ordered: false })
        .catch((err: unknown) => {
          // Refusals by the guard (duplicate keys) are answers; any other error leaves every op to be asked.
          if (!isOnlyDuplicateKeys(err)) throw err;
          for (const e of writeErrorsOf(err)) answers[e.index] = 'REFUSED';
          return err.result;
        });
      const upserted = new Set(Object.keys(result.upsertedIds).map(Number));
      // Every other op matched its guard, so it was modified, unless the counts disagree.
      const matched = wanted.map((_, i) => i).filter((i) => answers[i] !== 'REFUSED' && !upserted.has(i));
      for (const i of upserted) answers[i] = 'TAKEN';
      for (const i of matched) answers[i] = result.modifiedCount === matched.length ? 'TAKEN' : 'ASK_REFUSED';
      // The guard refused these through their upsert: tried once more each, without it.
      await Promise.all(
        wanted.map(async (w, i) => {
          if (answers[i] !== 'REFUSED') return;
          const { filter, update } = placeTaking(w);
          answers[i] = await places(models)
            .updateOne(filter, update)
            .then((res): TakeAnswer => (res.modifiedCount === 1 ? 'TAKEN' : 'REFUSED'))
            .catch(() => 'ASK_FAILED' as const);
        }),
      );
    } catch {
      // Asked below, every op.
    }
    const unknown = wanted.filter((_, i) => answers[i] === 'ASK_REFUSED' || answers[i] === 'ASK_FAILED');
    const holding =
      unknown.length === 0
        ? new Set<string>()
        : new Set(
            (await places(models).find({ _id: { $in: unknown.map((w) => w.userId) } }, { projection: { orders: 1 } }).toArray()).flatMap((d) =>
              d.orders.map((o) => String(o.orderId)),
            ),
          );
    return answers.map((answer, i) => {
      if (answer !== 'ASK_REFUSED' && answer !== 'ASK_FAILED') return answer;
      if (holding.has(String(wanted[i]!.orderId))) return 'TAKEN';
      return answer === 'ASK_REFUSED' ? 'REFUSED' : 'FAILED';
    });
  }),
);

/**
 * Takes a place for `orderId` unless the shopper already holds `maxPending` unpaid orders, or has placed
 * `ratePerWindow` orders within the last `windowMs` (a sliding window: the document keeps the times of the
 * latest `ratePerWindow` placements, oldest first), or this order holds a place already. Both limits are one
 * guarded update of one document, so concurrent orders on every instance cannot all see room for one more.
 */
export function takePendingPlace(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId, limits: PlaceLimits, now = new Date()): Promise<PlaceTaken> {
  return takePlace(models, userId, orderId, limits, now, true);
}

async function takePlace(models: Models, userId: Types.ObjectId, orderId: Types.ObjectId, limits: PlaceLimits, now: Date, mayTrim: boolean): Promise<PlaceTaken> {
  const answer = await gatheredTake(models)({ userId, orderId, limits, now });
  if (answer === 'TAKEN') return { taken: true };
  if (answer === 'FAILED') throw new Error(`the place of order ${String(orderId)} could not be written`);
  const windowStart = new Date(now.getTime() - limits.windowMs);
  // Refused: which limit, read afterwards for the shopper's message (a moment's figure: their other orders move too).
  const held = await places(models).findOne({ _id: userId }, { projection: { count: 1, placedAt: 1 } });
  if (mayTrim && held?.placedAt && held.placedAt.length > limits.ratePerWindow) {
    // Kept under a higher limit: trimmed to what this limit keeps (by this call or a concurrent one, whichever came
    // first), then the take is judged once more.
    await trimLongerList(models, userId, limits.ratePerWindow);
    return takePlace(models, userId, orderId, limits, now, false);
  }
  const recent = (held?.placedAt ?? []).filter((at) => at > windowStart);
  if ((held?.count ?? 0) < limits.maxPending && recent.length >= limits.ratePerWindow) {
    return { taken: false, refusedBy: 'RATE', retryAt: new Date(recent[recent.length - limits.ratePerWindow]!.getTime() + limits.windowMs) };
  }
  return { taken: false, refusedBy: 'PENDING' };
}

/**
 * Keeps the newest `keep` placements of a list kept under a higher ORDER_RATE_LIMIT (sorted, oldest first, as
 * every take leaves it). Guarded by the list being longer, so concurrent trims trim once.
 */
async function trimLongerList(models: Models, userId: Types.ObjectId, keep: number): Promise<void> {
  await places(models).updateOne({ _id: userId, [`placedAt.${keep}`]: { $exists: true } }, { $push: { placedAt: { $each: [], $sort: 1, $slice: -keep } } });
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
