import type { AuditEntry } from '@xiaodian/shared';
import { iso } from '../../iso-time';
import type { AuditLogDoc } from './model';

const isAuditData = (v: unknown): v is Record<string, string | number> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number');

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
    ...(isAuditData(doc.data) ? { data: doc.data } : {}),
  };
}
