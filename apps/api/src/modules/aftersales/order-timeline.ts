// The after-sale room's entries on the order's timeline. The entry carries the order's status as it is (an
// after-sale step is not an order state change), so it is written by a compare-and-set on the status just read.
import type { OrderEventCode } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';

const MAX_ROUNDS = 5;

/**
 * Pushes `code` onto the order's timeline; `whilePaid` is set in the same update when the order is still PAID
 * (used for `shipBlocked`, which only makes sense before shipping).
 */
export async function noteOnOrder(
  s: Pick<Services, 'models'>,
  orderId: Types.ObjectId,
  code: OrderEventCode,
  data: Record<string, unknown>,
  whilePaid?: Record<string, unknown>,
): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const order = await s.models.Order.findById(orderId, { status: 1 }).lean<Pick<OrderDoc, 'status'>>();
    if (!order) return;
    const set = whilePaid && order.status === 'PAID' ? { $set: whilePaid } : {};
    const written = await s.models.Order.updateOne({ _id: orderId, status: order.status }, { ...set, $push: { events: { at: new Date(), status: order.status, code, data } } });
    if (written.modifiedCount === 1) return;
  }
}
