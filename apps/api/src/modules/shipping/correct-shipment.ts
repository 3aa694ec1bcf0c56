import { isValidObjectId } from 'mongoose';
import { shipInput } from '@xiaodian/shared';
import type { z } from 'zod';
import type { Services } from '../../context';
import { AppError, notFound } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { orderEvent } from '../orders/move-order';
import { writeAudit } from '../staff/audit';

export const shipmentCorrection = shipInput.pick({ expressCompany: true, trackingNo: true });
export type ShipmentCorrection = z.infer<typeof shipmentCorrection>;

/**
 * Corrects a mistyped tracking number of a SHIPPED order, in one compare-and-set on the parcel the admin saw
 * being replaced (status SHIPPED and the old numbers), with a SHIPMENT_UPDATED timeline entry, and queues the
 * shipping information for WeChat again (upload PENDING from attempt 0): WeChat's upload API takes one
 * correction. The status does not change, so this is no move. A COMPLETED order is refused (409 ORDER_STATE):
 * the shopper already has the parcel, so a corrected number helps nobody. The same numbers again answer the
 * order as it is (a retry or a double click).
 */
export async function correctShipment(s: Pick<Services, 'models'>, id: string, input: ShipmentCorrection, actor: string): Promise<OrderDoc> {
  const { Order } = s.models;
  if (!isValidObjectId(id)) throw notFound('Order');
  // Two tries: a concurrent correction between the read and the write makes the first one miss.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = await Order.findOne({ _id: id, stage: 'PLACED' }).lean<OrderDoc>();
    if (!current) throw notFound('Order');
    if (current.status !== 'SHIPPED' || !current.shipping) {
      throw new AppError('ORDER_STATE', { status: 409, message: `Only a SHIPPED order's tracking number can be corrected, not a ${current.status} one's` });
    }
    const before = { expressCompany: current.shipping.expressCompany, trackingNo: current.shipping.trackingNo };
    if (before.expressCompany === input.expressCompany && before.trackingNo === input.trackingNo) return current;
    const now = new Date();
    const updated = await Order.findOneAndUpdate(
      { _id: id, stage: 'PLACED', status: 'SHIPPED', 'shipping.expressCompany': before.expressCompany, 'shipping.trackingNo': before.trackingNo },
      {
        $set: {
          'shipping.expressCompany': input.expressCompany,
          'shipping.trackingNo': input.trackingNo,
          // A fresh upload: the job's finish of an upload in flight matches the old numbers and so leaves this one PENDING.
          'shipping.upload.status': 'PENDING',
          'shipping.upload.attempts': 0,
          'shipping.upload.nextAttemptAt': now,
        },
        $unset: { 'shipping.upload.lastError': 1, 'shipping.upload.at': 1 },
        // The new numbers at the top, as SHIPPED has them (the clients render both alike), the old ones beside.
        $push: { events: orderEvent('SHIPPED', 'SHIPMENT_UPDATED', { expressCompany: input.expressCompany, trackingNo: input.trackingNo, before }) },
      },
      { returnDocument: 'after' },
    ).lean<OrderDoc>();
    if (updated) {
      await writeAudit(s.models, {
        at: now,
        actor,
        action: 'order.shipment.update',
        orderId: updated._id,
        detail: `tracking corrected from ${before.expressCompany} ${before.trackingNo} to ${input.expressCompany} ${input.trackingNo}`,
      });
      return updated;
    }
  }
  throw new AppError('CONFLICT', { status: 409, message: 'The shipment changed while it was being corrected; reload and try again' });
}
