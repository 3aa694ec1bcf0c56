import type { RefundView } from '@xiaodian/shared';
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
  };
}
