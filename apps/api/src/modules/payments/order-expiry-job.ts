import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { closeOrder } from './close-order';

/** Closes unpaid orders whose time is up (at WeChat first) and puts their stock back. */
export async function runOrderExpiry(s: Services, now = new Date(), limit = 50): Promise<number> {
  const due = await s.models.Order.find({ status: 'PENDING_PAYMENT', stage: 'PLACED', expiresAt: { $lte: now } }, { _id: 1 })
    .sort({ expiresAt: 1 })
    .limit(limit)
    .lean<Pick<OrderDoc, '_id'>[]>();
  let closed = 0;
  for (const { _id } of due) {
    try {
      const result = await closeOrder(s, _id, 'expired');
      if (result.closed) closed++;
    } catch (err) {
      s.logger.warn({ err: (err as Error).message, orderId: String(_id) }, 'order expiry failed; will retry');
    }
  }
  return closed;
}
