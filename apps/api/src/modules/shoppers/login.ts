import { AppError } from '../../errors';
import type { Models } from '../../collections';
import { WechatOpenApiError, WechatOpenApiUnavailableError, type WechatOpenApi } from '../wechat/open-api';
import type { TokenService } from '../../infra/session-tokens';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

/** WeChat's "busy, try again" (-1): the shopper did nothing wrong. */
const BUSY = -1;

export async function loginShopper(
  deps: { models: Models; wechat: WechatOpenApi; tokens: TokenService },
  code: string,
): Promise<{ token: string; user: { id: string; openid: string } }> {
  let session;
  try {
    session = await deps.wechat.code2Session(code);
  } catch (err) {
    if (err instanceof WechatOpenApiUnavailableError || (err instanceof WechatOpenApiError && err.errcode === BUSY)) {
      throw new AppError('WECHAT_UNAVAILABLE', { status: 503, message: 'WeChat is busy; please try again' });
    }
    if (err instanceof WechatOpenApiError) {
      throw new AppError('WX_LOGIN_FAILED', { status: 401, message: `WeChat refused the login code (${err.errcode})` });
    }
    throw err;
  }
  const now = new Date();
  const user = await deps.models.User.findOneAndUpdate(
    { openid: session.openid },
    { $set: { sessionKey: session.session_key, lastLoginAt: now }, $setOnInsert: { openid: session.openid, createdAt: now } },
    { upsert: true, returnDocument: 'after' },
  )
    .lean()
    .catch(async (err: unknown) => {
      // Two first logins of one shopper at once: the loser of the unique openid simply reads the winner.
      if (!isDuplicateKeyError(err)) throw err;
      return deps.models.User.findOne({ openid: session.openid }).lean();
    });
  if (!user) throw new Error('user upsert returned nothing');
  const token = await deps.tokens.issue({ kind: 'shopper', userId: String(user._id), openid: user.openid, tokenVersion: user.tokenVersion ?? 0 });
  return { token, user: { id: String(user._id), openid: user.openid } };
}
