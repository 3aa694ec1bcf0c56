import type { Types } from 'mongoose';
import type { Models } from '../../collections';

/** One audit entry: who did what, when, to which order or product. */
export async function writeAudit(
  models: Models,
  entry: { actor: string; action: string; detail: string; orderId?: Types.ObjectId; productId?: Types.ObjectId; at?: Date },
): Promise<void> {
  await models.AuditLog.create({ at: entry.at ?? new Date(), ...entry });
}
