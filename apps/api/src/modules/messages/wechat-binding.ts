// Binding a console account to its owner's WeChat, so the owner's messages (new orders, after-sale requests)
// reach them: the console shows a one-time 6-digit code (10 minutes, one use), which they type into the mini
// program while logged in there; the redemption stores that shopper's openid on the account. Guesses are
// counted per shopper in the database before each check (5 wrong codes per 10 minutes), so parallel guesses
// and several instances count as one.
import { randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { hit, secondsUntil, unhit } from '../../infra/rate-limit';
import type { ShopperSession } from '../../infra/session-tokens';
import { TooManyAttemptsError } from '../staff/login-attempts';

export const BINDING_CODE_TTL_MS = 10 * 60_000;
export const BINDING_GUESSES = { max: 5, windowMs: 10 * 60_000 } as const;

const invalidCode = () => new AppError('BINDING_CODE_INVALID', { status: 400, message: 'The binding code is wrong, expired or already used' });

/** A new code for `adminId`; the account's earlier unused codes stop working (one live code per account). */
export async function createBindingCode(s: Services, adminId: string, now = new Date()): Promise<{ code: string; expiresAt: string }> {
  const { BindingCode } = s.models;
  const expiresAt = new Date(now.getTime() + BINDING_CODE_TTL_MS);
  for (let tries = 0; tries < 20; tries++) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      await BindingCode.create({ _id: code, adminId: new Types.ObjectId(adminId), expiresAt, createdAt: now });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Taken: free it if it is spent or expired (then try it again), else draw another.
      await BindingCode.deleteOne({ _id: code, $or: [{ expiresAt: { $lte: now } }, { usedAt: { $exists: true } }] });
      continue;
    }
    await BindingCode.deleteMany({ adminId: new Types.ObjectId(adminId), _id: { $ne: code }, usedAt: { $exists: false } });
    return { code, expiresAt: expiresAt.toISOString() };
  }
  throw new AppError('CONFLICT', { status: 409, message: 'Could not draw a free binding code; try again' });
}

/** Redeems `code` for the logged-in shopper: their openid is bound to the code's account. */
export async function redeemBindingCode(s: Services, shopper: ShopperSession, code: string, now = new Date()): Promise<{ staffName: string }> {
  const key = `wechat-binding:${shopper.userId}`;
  const attempt = await hit(s.models, key, BINDING_GUESSES.windowMs, now);
  if (attempt.count > BINDING_GUESSES.max) {
    const wait = secondsUntil(attempt.until, now.getTime());
    throw new TooManyAttemptsError(wait, `Too many wrong binding codes; try again in ${wait} s`);
  }
  // Consumed by compare-and-set: of two redemptions at once, one finds it unused.
  const consumed = await s.models.BindingCode.findOneAndUpdate(
    { _id: code, usedAt: { $exists: false }, expiresAt: { $gt: now } },
    { $set: { usedAt: now, usedBy: shopper.openid } },
    { returnDocument: 'after' },
  ).lean();
  if (!consumed) throw invalidCode();
  // A right code is not a guess.
  await unhit(s.models, key, now);
  const admin = await s.models.Admin.findOneAndUpdate(
    { _id: consumed.adminId, disabledAt: { $exists: false } },
    { $set: { wechatOpenid: shopper.openid, wechatBoundAt: now } },
    { returnDocument: 'after' },
  ).lean();
  if (!admin) throw invalidCode();
  s.logger.info({ adminId: String(admin._id) }, 'console account bound to a WeChat user');
  return { staffName: admin.username };
}

/** Unbinds the account's WeChat: no more messages to it. */
export async function unbindWechat(s: Services, adminId: string): Promise<void> {
  await s.models.Admin.updateOne({ _id: adminId }, { $unset: { wechatOpenid: 1, wechatBoundAt: 1 } });
  await s.models.BindingCode.deleteMany({ adminId: new Types.ObjectId(adminId), usedAt: { $exists: false } });
}
