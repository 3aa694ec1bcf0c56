import { isValidObjectId } from 'mongoose';
import type { ShipInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, notFound } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { moveOrder } from '../orders/move-order';
import { outboxEntry } from '../orders/outbox';
import { writeAudit } from '../staff/audit';

/** Express delivery (WeChat's logistics_type 1), unless the admin chose virtual goods (3) or self-pickup (4). */
const EXPRESS = 1;

/**
 * PAID → SHIPPED with the tracking number, in one compare-and-set that also writes the shopper's "shipped"
 * message into the outbox; the shipping information waits (upload PENDING) for the job that uploads it to
 * WeChat. Shipping the same parcel again is answered with the order as it is. A partial refund in flight leaves
 * the order PAID, so it ships; a refund of everything (REFUNDING) does not.
 */
export async function shipOrder(s: Pick<Services, 'models'>, id: string, input: ShipInput, actor: string): Promise<OrderDoc> {
  const { models } = s;
  if (!isValidObjectId(id)) throw notFound('Order');
  const now = new Date();
  const shipped = await moveOrder(models, {
    id,
    // A refund-only after-sale approved before shipping blocks the parcel: part of the same compare-and-set, so
    // an approval and a shipment racing each other end one way or the other, never both.
    where: { stage: 'PLACED', shipBlocked: { $ne: true } },
    from: 'PAID',
    to: 'SHIPPED',
    set: {
      shipping: {
        trackingNo: input.trackingNo,
        expressCompany: input.expressCompany,
        shippedAt: now,
        logisticsType: input.logisticsType ?? EXPRESS,
        upload: { status: 'PENDING', attempts: 0, nextAttemptAt: now },
      },
    },
    code: 'SHIPPED',
    data: { expressCompany: input.expressCompany, trackingNo: input.trackingNo },
    messages: [outboxEntry('SHIPPED', 'SHIPPED', { expressCompany: input.expressCompany, trackingNo: input.trackingNo })],
  });
  if (shipped) {
    await writeAudit(models, { at: now, actor, action: 'order.ship', orderId: shipped._id, detail: `shipped with ${input.expressCompany} ${input.trackingNo}` });
    return shipped;
  }
  const current = await models.Order.findOne({ _id: id, stage: 'PLACED' }).lean<OrderDoc>();
  if (!current) throw notFound('Order');
  // A retried request (or a double click) for the same parcel: already done.
  if (current.status === 'SHIPPED' && current.shipping?.trackingNo === input.trackingNo && current.shipping.expressCompany === input.expressCompany) return current;
  throw new AppError('ORDER_NOT_SHIPPABLE', {
    status: 409,
    message:
      current.status === 'SHIPPED'
        ? 'This order was already shipped with another tracking number'
        : current.shipBlocked
          ? 'A refund-only after-sale was approved for this order: it must not be shipped'
          : `A ${current.status} order cannot be shipped`,
  });
}
