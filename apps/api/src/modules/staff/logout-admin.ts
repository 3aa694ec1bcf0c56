import type { Services } from '../../context';
import type { AdminSession } from '../../infra/session-tokens';

/** Ends the admin's sessions: every token issued before this moment stops working, on every instance. */
export async function logoutAdmin(s: Pick<Services, 'models'>, session: AdminSession): Promise<void> {
  // Guarded by the version the token carries, so a second logout with the same (now dead) token changes nothing.
  await s.models.Admin.updateOne({ _id: session.adminId, tokenVersion: session.tokenVersion }, { $inc: { tokenVersion: 1 } });
}
