import type { Types } from 'mongoose';
import type { Models } from '../../collections';

/** One audit entry: who did what, when, to which order or product (stock changes: on hand before → after). */
export async function writeAudit(
  models: Pick<Models, 'AuditLog'>,
  entry: {
    actor: string;
    action: string;
    detail: string;
    orderId?: Types.ObjectId;
    productId?: Types.ObjectId;
    stockBefore?: number;
    stockAfter?: number;
    /** The facts as fields for the console (the English `detail` stays for people reading the database). */
    data?: Record<string, string | number>;
    at?: Date;
  },
): Promise<void> {
  await models.AuditLog.create({ at: entry.at ?? new Date(), ...entry });
}
