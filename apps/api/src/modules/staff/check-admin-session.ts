import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../../collections';
import type { AdminSession } from '../../infra/session-tokens';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReadsById } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

/** The fields of an admin (model.ts) a session check reads, as the driver's collection sees them. */
interface AdminTokenRecord {
  _id: Types.ObjectId;
  role?: string;
  tokenVersion?: number;
  disabledAt?: Date;
}

/** The session checks of concurrent console requests, one query per round trip (gathered-reads.ts). */
const adminTokenOf = perModels((models: Models) => gatherReadsById(driverCollection<AdminTokenRecord>(models.Admin), { role: 1, tokenVersion: 1, disabledAt: 1 }));

/**
 * An admin token is honoured only while its account exists with the same role and the token version it was
 * issued under: logout (a password change, disabling the account, or a role change) ends the session on every instance at once, with nothing in memory.
 */
export async function isAdminSessionCurrent(models: Models, session: AdminSession): Promise<boolean> {
  if (!isValidObjectId(session.adminId)) return false;
  const admin = await adminTokenOf(models)(String(new Types.ObjectId(session.adminId)));
  return !!admin && !admin.disabledAt && admin.role === session.role && (admin.tokenVersion ?? 0) === session.tokenVersion;
}
