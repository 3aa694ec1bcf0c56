import type { AdminLoginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { hashPassword, verifyPassword } from './password';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

/** After this many wrong passwords in a row an account waits, longer each time (up to 15 minutes). */
const FREE_ATTEMPTS = 5;

function lockMs(failedLogins: number): number {
  return Math.min(15 * 60_000, 2 ** Math.max(0, failedLogins - FREE_ATTEMPTS) * 1_000);
}

// Spend the same time on unknown usernames as on known ones, so timing does not reveal which exist.
let dummyHash: Promise<string> | undefined;

export async function loginAdmin(s: Pick<Services, 'models' | 'tokens'>, input: AdminLoginInput): Promise<{ token: string; role: 'owner' | 'staff' }> {
  const admin = await s.models.Admin.findOne({ username: input.username }).lean();
  if (!admin) {
    dummyHash ??= hashPassword('not a password');
    await verifyPassword(input.password, await dummyHash);
    throw new AppError('UNAUTHORIZED', { status: 401, message: 'Wrong username or password' });
  }
  if (admin.lockedUntil && admin.lockedUntil.getTime() > Date.now()) {
    const seconds = Math.ceil((admin.lockedUntil.getTime() - Date.now()) / 1000);
    throw new AppError('TOO_MANY_ATTEMPTS', { status: 429, message: `Too many wrong passwords; try again in ${seconds} s` });
  }
  if (!(await verifyPassword(input.password, admin.passwordHash))) {
    const failed = (admin.failedLogins ?? 0) + 1;
    await s.models.Admin.updateOne(
      { _id: admin._id },
      { $inc: { failedLogins: 1 }, ...(failed >= FREE_ATTEMPTS ? { $set: { lockedUntil: new Date(Date.now() + lockMs(failed)) } } : {}) },
    );
    throw new AppError('UNAUTHORIZED', { status: 401, message: 'Wrong username or password' });
  }
  await s.models.Admin.updateOne({ _id: admin._id }, { $set: { failedLogins: 0 }, $unset: { lockedUntil: 1 } });
  const role = admin.role as 'owner' | 'staff';
  const token = await s.tokens.issue({ kind: 'admin', adminId: String(admin._id), username: admin.username, role, tokenVersion: admin.tokenVersion ?? 0 });
  return { token, role };
}

/** The bootstrap administrator from the environment, created (as owner) when absent; never overwritten. */
export async function ensureBootstrapAdmin(s: Pick<Services, 'models'>, admin: { username: string; password: string } | undefined): Promise<void> {
  if (!admin) return;
  if (await s.models.Admin.exists({ username: admin.username })) return;
  await s.models.Admin.create({ username: admin.username, passwordHash: await hashPassword(admin.password), role: 'owner', createdAt: new Date() }).catch((err: unknown) => {
    // Another instance created it at the same moment.
    if (!isDuplicateKeyError(err)) throw err;
  });
}
