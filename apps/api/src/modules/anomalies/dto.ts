import type { AnomalyView } from '@xiaodian/shared';
import { iso } from '../../iso-time';
import type { AnomalyDoc } from './model';

export function toAnomalyView(doc: AnomalyDoc): AnomalyView {
  return {
    id: String(doc._id),
    kind: doc.kind as AnomalyView['kind'],
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
