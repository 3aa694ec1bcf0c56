import type { AdminLoginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import { checkPasswordWithinLimits } from './login-attempts';
import type { AdminDoc } from './model';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

const wrongCredentials = () => new AppError('UNAUTHORIZED', { status: 401, message: 'Wrong username or password' });

/**
 * Signs an administrator in. Unknown names, known names and disabled accounts all cost one password check and
 * meet the same limits (login-attempts.ts), so neither the answers nor their timing say which names exist;
 * only the right password learns that an account is disabled.
 */
export async function loginAdmin(
  s: Pick<Services, 'models' | 'tokens'>,
  input: AdminLoginInput,
  ip: string,
): Promise<{ token: string; role: 'owner' | 'staff' }> {
  // Looked up inside the check, so that a login refused before it (limits, too many at once) costs no query.
  const found: { admin?: AdminDoc | null } = {};
  const right = await checkPasswordWithinLimits(s.models, input.username, ip, async () => {
    found.admin = await s.models.Admin.findOne({ username: input.username }).lean<AdminDoc>();
    return verifyPassword(input.password, found.admin?.passwordHash ?? DUMMY_HASH);
  });
  const admin = found.admin;
  if (!admin || !right) throw wrongCredentials();
  if (admin.disabledAt) throw new AppError('ACCOUNT_DISABLED', { status: 403, message: 'This account is disabled' });
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
