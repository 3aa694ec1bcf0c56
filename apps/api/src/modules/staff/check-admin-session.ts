import { isValidObjectId } from 'mongoose';
import type { Models } from '../../collections';
import type { AdminSession } from '../../infra/session-tokens';

/**
 * An admin token is honoured only while its account exists with the same role and the token version it was
 * issued under: logout (a password change, disabling the account, or a role change) ends the session on every instance at once, with nothing in memory.
 */
export async function isAdminSessionCurrent(models: Models, session: AdminSession): Promise<boolean> {
  if (!isValidObjectId(session.adminId)) return false;
  const admin = await models.Admin.findById(session.adminId, { role: 1, tokenVersion: 1, disabledAt: 1 }).lean();
  return !!admin && !admin.disabledAt && admin.role === session.role && (admin.tokenVersion ?? 0) === session.tokenVersion;
}
