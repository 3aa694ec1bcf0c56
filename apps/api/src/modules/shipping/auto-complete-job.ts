// Orders shipped AUTO_COMPLETE_DAYS ago and never confirmed complete by themselves, as on every shop platform.
// The query walks the status index; completeOrder's compare-and-set makes racing instances harmless.
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { completeOrder } from './complete-order';

const DAY_MS = 24 * 3600_000;

export async function runAutoComplete(s: Services, now = new Date(), limit = 100): Promise<number> {
  const before = new Date(now.getTime() - s.config.autoCompleteDays * DAY_MS);
  const due = await s.models.Order.find({ status: 'SHIPPED', 'shipping.shippedAt': { $lte: before } }, { _id: 1 })
    .limit(limit)
    .lean<Pick<OrderDoc, '_id'>[]>();
  let completed = 0;
  for (const order of due) {
    const result = await completeOrder(s, { orderId: order._id, via: 'AUTO', now });
    if (result.outcome === 'COMPLETED') completed++;
  }
  return completed;
}
