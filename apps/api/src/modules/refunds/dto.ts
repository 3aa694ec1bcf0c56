import type { Types } from 'mongoose';
import type { OrderRefund, RefundView } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { iso } from '../../iso-time';
import type { RefundDoc } from './model';

export function toRefundView(doc: RefundDoc): RefundView {
  return {
    outRefundNo: doc.outRefundNo,
    amountFen: doc.amountFen,
    reason: doc.reason,
    status: doc.status as RefundView['status'],
    affectsOrder: doc.affectsOrder,
    ...(doc.refundId ? { refundId: doc.refundId } : {}),
    ...(doc.requestedBy ? { requestedBy: doc.requestedBy } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    createdAt: iso(doc.createdAt)!,
    ...(doc.settledAt ? { settledAt: iso(doc.settledAt) } : {}),
    ...(doc.afterSaleId ? { afterSaleId: String(doc.afterSaleId) } : {}),
    ...(doc.reissueOf ? { reissueOf: doc.reissueOf } : {}),
    ...(doc.reissuedAs ? { reissuedAs: doc.reissuedAs } : {}),
  };
}

/** What the shopper sees of a refund of their order. */
export function toOrderRefund(doc: RefundDoc): OrderRefund {
  return {
    outRefundNo: doc.outRefundNo,
    amountFen: doc.amountFen,
    reason: doc.reason,
    status: doc.status as OrderRefund['status'],
    createdAt: iso(doc.createdAt)!,
    ...(doc.status === 'SUCCESS' && doc.settledAt ? { successAt: iso(doc.settledAt) } : {}),
  };
}

/** The refunds of these orders a shopper may see (an order's own money, reserved: drafts never show), oldest first. */
export async function orderRefundsOf(models: Pick<Models, 'Refund'>, orderIds: Types.ObjectId[]): Promise<Map<string, OrderRefund[]>> {
  const byOrder = new Map<string, OrderRefund[]>();
  if (orderIds.length === 0) return byOrder;
  const refunds = await models.Refund.find({ orderId: { $in: orderIds }, affectsOrder: true, reservedAt: { $exists: true } })
    .sort({ createdAt: 1 })
    .lean<RefundDoc[]>();
  for (const refund of refunds) {
    const key = String(refund.orderId);
    byOrder.set(key, [...(byOrder.get(key) ?? []), toOrderRefund(refund)]);
  }
  return byOrder;
}
