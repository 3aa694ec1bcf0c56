import { isValidObjectId } from 'mongoose';
import type { AdminOrderDetail } from '@xiaodian/shared';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import type { AnomalyDoc } from '../anomalies/model';
import type { AttemptDoc, NotificationDoc } from '../payments/model';
import type { OrderDoc } from '../orders/model';
import type { RefundDoc } from '../refunds/model';
import { iso } from '../../iso-time';
import { toAnomalyView } from '../anomalies/dto';
import { toAdminOrder } from '../orders/dto';
import { toRefundView } from '../refunds/dto';

/** One order with everything an admin needs to understand it: attempts, every notification, refunds, anomalies, timeline. */
export async function getOrderDetail(s: Pick<Services, 'models'>, id: string): Promise<AdminOrderDetail> {
  const { models } = s;
  if (!isValidObjectId(id)) throw notFound('Order');
  const order = await models.Order.findOne({ _id: id, stage: 'PLACED' }).lean<OrderDoc>();
  if (!order) throw notFound('Order');
  const [attempts, refunds] = await Promise.all([
    models.PaymentAttempt.find({ orderId: order._id }).sort({ createdAt: 1 }).lean<AttemptDoc[]>(),
    // Drafts (no reservation yet) were never sent: nothing happened to the money.
    models.Refund.find({ orderId: order._id, $or: [{ affectsOrder: false }, { reservedAt: { $exists: true } }] }).sort({ createdAt: 1 }).lean<RefundDoc[]>(),
  ]);
  const outTradeNos = [...new Set([order.outTradeNo, ...attempts.map((a) => a.outTradeNo)])];
  const [notifications, anomalies] = await Promise.all([
    models.Notification.find({
      $or: [{ orderId: order._id }, { outTradeNo: { $in: outTradeNos } }, { outRefundNo: { $in: refunds.map((r) => r.outRefundNo) } }],
    })
      .sort({ receivedAt: 1 })
      .limit(500)
      .lean<NotificationDoc[]>(),
    models.Anomaly.find({ $or: [{ orderId: order._id }, { outTradeNo: { $in: outTradeNos } }] }).sort({ createdAt: 1 }).lean<AnomalyDoc[]>(),
  ]);
  const upload = order.shipping?.upload;
  return {
    ...toAdminOrder(order),
    attempts: attempts.map((a) => ({
      outTradeNo: a.outTradeNo,
      amountFen: a.amountFen,
      status: a.status,
      ...(a.transactionId ? { transactionId: a.transactionId } : {}),
      ...(a.paidAt ? { paidAt: iso(a.paidAt) } : {}),
      createdAt: iso(a.createdAt)!,
    })),
    notifications: notifications.map((n) => ({
      id: String(n._id),
      kind: n.kind as 'payment' | 'refund',
      ...(n.eventType ? { eventType: n.eventType } : {}),
      outcome: n.outcome as AdminOrderDetail['notifications'][number]['outcome'],
      ...(n.reason ? { reason: n.reason } : {}),
      ...(n.outTradeNo ? { outTradeNo: n.outTradeNo } : {}),
      ...(n.outRefundNo ? { outRefundNo: n.outRefundNo } : {}),
      receivedAt: iso(n.receivedAt)!,
    })),
    refunds: refunds.map(toRefundView),
    anomalies: anomalies.map(toAnomalyView),
    ...(upload?.status ? { shippingUpload: { status: upload.status, attempts: upload.attempts ?? 0, ...(upload.lastError ? { lastError: upload.lastError } : {}) } } : {}),
  };
}
