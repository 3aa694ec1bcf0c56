// The after-sale room's entries on the order's timeline. The entry carries the order's status as it is (an
// after-sale step is not an order state change), so it is written by a compare-and-set on the status just read.
import type { OrderEventCode } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';

const MAX_ROUNDS = 5;

/**
 * Pushes `code` onto the order's timeline. `blockShippingFor` (a refund-only approval's amount) also sets
 * `shipBlocked` in the same update when the order is still PAID and the amount is the whole remaining refundable
 * amount: nothing would be left to ship. A partial one leaves the rest of the order to ship. The update is guarded
 * by the status and the committed refunds as read, so a refund starting meanwhile makes it read again.
 */
export async function noteOnOrder(
  s: Pick<Services, 'models'>,
  orderId: Types.ObjectId,
  code: OrderEventCode,
  data: Record<string, unknown>,
  blockShippingFor?: { amountFen: number },
): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const order = await s.models.Order.findById(orderId, { status: 1, paidFen: 1, refundCommittedFen: 1 }).lean<Pick<OrderDoc, 'status' | 'paidFen' | 'refundCommittedFen'>>();
    if (!order) return;
    const paidFen = order.paidFen ?? 0;
    const committed = order.refundCommittedFen ?? 0;
    const block = blockShippingFor !== undefined && order.status === 'PAID' && blockShippingFor.amountFen >= paidFen - committed;
    const written = await s.models.Order.updateOne(
      { _id: orderId, status: order.status, ...(blockShippingFor ? { paidFen, refundCommittedFen: committed } : {}) },
      { ...(block ? { $set: { shipBlocked: true } } : {}), $push: { events: { at: new Date(), status: order.status, code, data } } },
    );
    if (written.modifiedCount === 1) return;
  }
}
