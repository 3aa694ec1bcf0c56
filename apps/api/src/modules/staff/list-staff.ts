import type { AdminAccount } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { AdminDoc } from './model';
import { iso } from '../../iso-time';

/** Every admin account, owners first (never the password hashes). */
export async function listStaff(s: Pick<Services, 'models'>): Promise<AdminAccount[]> {
  const admins = await s.models.Admin.find({}, { username: 1, role: 1, createdAt: 1, disabledAt: 1 }).sort({ role: 1, createdAt: 1 }).lean<AdminDoc[]>();
  return admins.map(toAdminAccount);
}

export function toAdminAccount(a: Pick<AdminDoc, '_id' | 'username' | 'role' | 'createdAt' | 'disabledAt'>): AdminAccount {
  return { id: String(a._id), username: a.username, role: a.role as AdminAccount['role'], createdAt: iso(a.createdAt)!, disabled: !!a.disabledAt };
}
