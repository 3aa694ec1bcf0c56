import type { AdminAuditQuery, AuditEntry } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { AuditLogDoc } from './model';
import { toAuditEntry } from './dto';

/** The audit log, newest first: who changed what and when (stock: before → after, with the reason). */
export async function listAudit(s: Pick<Services, 'models'>, query: AdminAuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
  const filter: Record<string, unknown> = {};
  if (query.productId) filter.productId = query.productId;
  if (query.orderId) filter.orderId = query.orderId;
  const [entries, total] = await Promise.all([
    s.models.AuditLog.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<AuditLogDoc[]>(),
    s.models.AuditLog.countDocuments(filter),
  ]);
  return { items: entries.map(toAuditEntry), total };
}
