import type { Services } from '../../context';
import type { OrderDoc } from './model';
import { releaseOrderStock, settleOrderStock } from './stock';

/** An order still reserving after this long belongs to a process that died mid-way. */
export const STUCK_RESERVATION_MS = 60_000;

/**
 * Compensation for crashes around stock:
 *  - between reserving stock and placing the order: releases whatever such an order holds (each release is a
 *    no-op when nothing is held) and removes the half-created order;
 *  - between an order closing or being paid and its reservations being settled: settles them (released for a
 *    closed order, committed as a sale for a paid one), exactly once.
 * Returns how many orders it repaired.
 */
export async function runReservationSweeper(s: Services, now = new Date(), limit = 50): Promise<number> {
  const stuck = await s.models.Order.find({ stage: 'RESERVING', createdAt: { $lte: new Date(now.getTime() - STUCK_RESERVATION_MS) } })
    .limit(limit)
    .lean<OrderDoc[]>();
  let swept = 0;
  for (const order of stuck) {
    // Also sweep products the order might have touched without being recorded: the reservation entry is the truth.
    await releaseOrderStock(s.models, order);
    const res = await s.models.Order.deleteOne({ _id: order._id, stage: 'RESERVING' });
    if (res.deletedCount === 1) {
      swept++;
      s.logger.warn({ orderId: String(order._id) }, 'released the stock of a half-created order');
    }
  }
  const unsettled = await s.models.Order.find({ stage: 'PLACED', status: { $ne: 'PENDING_PAYMENT' }, stockSettled: { $exists: false } })
    .limit(limit)
    .lean<OrderDoc[]>();
  for (const order of unsettled) {
    await settleOrderStock(s.models, order);
    swept++;
  }
  return swept;
}
