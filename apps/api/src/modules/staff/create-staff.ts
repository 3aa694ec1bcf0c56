import type { AdminAccount, CreateStaffInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { conflict } from '../../errors';
import { hashPassword } from './password';
import { writeAudit } from './audit';
import { iso } from '../../iso-time';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

/** The owner adds a staff account (orders, shipping, products; no refunds, no account management). */
export async function createStaff(s: Pick<Services, 'models'>, input: CreateStaffInput, actor: string): Promise<AdminAccount> {
  if (await s.models.Admin.exists({ username: input.username })) throw conflict('USERNAME_TAKEN', `${input.username} is taken`);
  const now = new Date();
  const admin = await s.models.Admin.create({
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: 'staff',
    createdAt: now,
    createdBy: actor,
  }).catch((err: unknown) => {
    // The unique username index decides between two owners adding the same name at once.
    if (isDuplicateKeyError(err)) throw conflict('USERNAME_TAKEN', `${input.username} is taken`);
    throw err;
  });
  await writeAudit(s.models, { at: now, actor, action: 'staff.create', detail: `added staff account ${input.username}` });
  return { id: String(admin._id), username: admin.username, role: 'staff', createdAt: iso(now)! };
}
