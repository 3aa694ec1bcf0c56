import type { ChangePasswordInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, unauthorized } from '../../errors';
import type { AdminSession } from '../../infra/session-tokens';
import { writeAudit } from './audit';
import { checkPasswordWithinLimits } from './login-attempts';
import { hashPassword, verifyPassword } from './password';

/**
 * An administrator changes their own password, giving the current one (checked within the sign-in limits, so a
 * stolen session cannot guess it faster than a login could). Every session of the account ends, this one too.
 */
export async function changeOwnPassword(s: Pick<Services, 'models'>, session: AdminSession, input: ChangePasswordInput, ip: string): Promise<void> {
  const admin = await s.models.Admin.findById(session.adminId, { username: 1, passwordHash: 1 }).lean();
  if (!admin) throw unauthorized('Invalid or expired token');
  const right = await checkPasswordWithinLimits(s.models, admin.username, ip, () => verifyPassword(input.currentPassword, admin.passwordHash));
  // Not 401: the session is fine, the password typed is not (a 401 would sign the console out).
  if (!right) throw new AppError('WRONG_PASSWORD', { status: 403, message: 'The current password is wrong' });
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date();
  // Guarded by the session's version: if it ended meanwhile (logout, reset, disabled), nothing changes.
  const res = await s.models.Admin.updateOne(
    { _id: admin._id, tokenVersion: session.tokenVersion, disabledAt: { $exists: false } },
    { $set: { passwordHash, passwordChangedAt: now }, $inc: { tokenVersion: 1 } },
  );
  if (res.matchedCount === 0) throw unauthorized('Invalid or expired token');
  await writeAudit(s.models, { at: now, actor: session.username, action: 'staff.password.change', detail: `${session.username} changed their own password` });
}
