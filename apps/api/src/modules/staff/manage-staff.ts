// The owner's hold on staff accounts: disable and enable them, set a new password. Each ends the account's
// sessions where it should (tokenVersion), and each is audited.
import { isValidObjectId } from 'mongoose';
import type { AdminAccount } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, notFound } from '../../errors';
import { resetHitsMatching } from '../../infra/rate-limit';
import type { AdminSession } from '../../infra/session-tokens';
import { writeAudit } from './audit';
import { toAdminAccount } from './list-staff';
import { loginCountersOf } from './login-attempts';
import type { AdminDoc } from './model';
import { hashPassword } from './password';

/** A staff account the owner may act on: never an owner (another owner, or themselves). */
async function staffAccount(s: Pick<Services, 'models'>, id: string): Promise<AdminDoc> {
  const admin = isValidObjectId(id) ? await s.models.Admin.findById(id).lean<AdminDoc>() : null;
  if (!admin) throw notFound('Account');
  if (admin.role !== 'staff') throw new AppError('OWNER_PROTECTED', { status: 409, message: 'Owner accounts are not disabled or reset here' });
  return admin;
}

/**
 * Disables (every session ends at once, and it cannot sign in) or enables a staff account. Doing it twice is
 * the same answer, audited once.
 */
export async function setStaffDisabled(s: Pick<Services, 'models'>, id: string, disabled: boolean, actor: AdminSession): Promise<AdminAccount> {
  const target = await staffAccount(s, id);
  const now = new Date();
  const changed = await s.models.Admin.findOneAndUpdate(
    disabled ? { _id: target._id, role: 'staff', disabledAt: { $exists: false } } : { _id: target._id, role: 'staff', disabledAt: { $exists: true } },
    disabled ? { $set: { disabledAt: now, disabledBy: actor.username }, $inc: { tokenVersion: 1 } } : { $unset: { disabledAt: 1, disabledBy: 1 } },
    { returnDocument: 'after' },
  ).lean<AdminDoc>();
  if (changed) {
    await writeAudit(s.models, {
      at: now,
      actor: actor.username,
      action: disabled ? 'staff.disable' : 'staff.enable',
      detail: `${disabled ? 'disabled' : 'enabled'} staff account ${target.username}`,
    });
    return toAdminAccount(changed);
  }
  return toAdminAccount(await staffAccount(s, id));
}

/** Sets a new password for a staff account: its sessions end, and its sign-in limits start again. */
export async function resetStaffPassword(s: Pick<Services, 'models'>, id: string, password: string, actor: AdminSession): Promise<void> {
  const target = await staffAccount(s, id);
  const passwordHash = await hashPassword(password);
  const now = new Date();
  const res = await s.models.Admin.updateOne({ _id: target._id, role: 'staff' }, { $set: { passwordHash, passwordChangedAt: now }, $inc: { tokenVersion: 1 } });
  if (res.matchedCount === 0) throw notFound('Account');
  // A staff member locked out by their own typos gets back in with the new password at once.
  await resetHitsMatching(s.models, loginCountersOf(target.username));
  await writeAudit(s.models, { at: now, actor: actor.username, action: 'staff.password.reset', detail: `set a new password for staff account ${target.username}` });
}
