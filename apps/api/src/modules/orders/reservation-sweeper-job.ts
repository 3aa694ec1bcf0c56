import type { Services } from '../../context';
import type { OrderDoc } from './model';
import { releasePendingPlace, releaseStalePendingPlaces } from './pending-orders';
import { releaseOrderStock, settleLeftoverReservations, settleOrderStock } from './stock';

/** An order still reserving after this long belongs to a process that died mid-way. */
export const STUCK_RESERVATION_MS = 60_000;

/**
 * Compensation for crashes around stock:
 *  - between reserving stock and placing the order: removes the half-created order, then releases whatever it
 *    holds (each release is a no-op when nothing is held);
 *  - reservations whose order does not exist (a process died between a reservation and giving it back, or
 *    between the deletion above and the release): released;
 *  - between an order closing or being paid and its reservations being settled: settles them (released for a
 *    closed order, committed as a sale for a paid one), exactly once — found by their reservations when the move
 *    wrote stockSettledMark, by the missing mark otherwise;
 *  - a shopper's place among MAX_PENDING_ORDERS held for an order that is gone or no longer pending: given back.
 * Returns how many orders, reservations and places it repaired.
 */
export async function runReservationSweeper(s: Services, now = new Date(), limit = 50): Promise<number> {
  const cutoff = new Date(now.getTime() - STUCK_RESERVATION_MS);
  const stuck = await s.models.Order.find({ stage: 'RESERVING', createdAt: { $lte: cutoff } })
    .limit(limit)
    .lean<OrderDoc[]>();
  let swept = 0;
  for (const order of stuck) {
    // The order goes first: a createOrder that is merely slow then fails to place it and gives back what it took,
    // instead of placing an order whose stock the sweeper has just released.
    const res = await s.models.Order.deleteOne({ _id: order._id, stage: 'RESERVING' });
    if (res.deletedCount !== 1) continue;
    // Also sweep products the order might have touched without being recorded: the reservation entry is the truth.
    await releaseOrderStock(s.models, order);
    await releasePendingPlace(s.models, order.userId, order._id);
    swept++;
    s.logger.warn({ orderId: String(order._id) }, 'released the stock of a half-created order');
  }
  const leftovers = await settleLeftoverReservations(s.models, cutoff, limit);
  if (leftovers > 0) s.logger.warn({ leftovers }, 'settled reservations whose order does not exist or is no longer pending');
  swept += leftovers;
  const unsettled = await s.models.Order.find({ stockSettled: { $exists: false }, stage: 'PLACED', status: { $ne: 'PENDING_PAYMENT' } })
    .limit(limit)
    .lean<OrderDoc[]>();
  for (const order of unsettled) {
    await settleOrderStock(s.models, order);
    swept++;
  }
  swept += await releaseStalePendingPlaces(s.models, cutoff, limit);
  return swept;
}
