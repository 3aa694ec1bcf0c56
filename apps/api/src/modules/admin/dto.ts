// How the admin console sees orders, refunds, anomalies and audit entries.
import type { AdminOrder, AnomalyView, AuditEntry, RefundView } from '@xiaodian/shared';
import type { AnomalyDoc, AuditLogDoc, OrderDoc, RefundDoc } from '../../models';
import { toOrder } from '../orders/dto';

export const iso = (d: Date | null | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);

export function toAdminOrder(doc: OrderDoc): AdminOrder {
  const paidFen = doc.paidFen ?? 0;
  return {
    ...toOrder(doc),
    openid: doc.openid,
    paidFen,
    refundableFen: Math.max(0, paidFen - (doc.refundCommittedFen ?? 0)),
  };
}

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
  };
}

export function toAnomalyView(doc: AnomalyDoc): AnomalyView {
  return {
    id: String(doc._id),
    kind: doc.kind,
    status: doc.status as AnomalyView['status'],
    detail: doc.detail,
    ...(doc.orderId ? { orderId: String(doc.orderId) } : {}),
    ...(doc.outTradeNo ? { outTradeNo: doc.outTradeNo } : {}),
    ...(doc.transactionId ? { transactionId: doc.transactionId } : {}),
    ...(typeof doc.amountFen === 'number' ? { amountFen: doc.amountFen } : {}),
    ...(doc.resolution ? { resolution: doc.resolution } : {}),
    ...(doc.resolvedBy ? { resolvedBy: doc.resolvedBy } : {}),
    createdAt: iso(doc.createdAt)!,
  };
}

export function toAuditEntry(doc: AuditLogDoc): AuditEntry {
  return {
    id: String(doc._id),
    at: iso(doc.at)!,
    actor: doc.actor,
    action: doc.action,
    detail: doc.detail,
    ...(doc.productId ? { productId: String(doc.productId) } : {}),
    ...(doc.orderId ? { orderId: String(doc.orderId) } : {}),
    ...(typeof doc.stockBefore === 'number' ? { stockBefore: doc.stockBefore } : {}),
    ...(typeof doc.stockAfter === 'number' ? { stockAfter: doc.stockAfter } : {}),
  };
}
