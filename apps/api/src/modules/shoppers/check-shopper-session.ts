import { isValidObjectId } from 'mongoose';
import type { Models } from '../../collections';
import type { ShopperSession } from '../../infra/session-tokens';

/**
 * A shopper token is honoured only while its user exists with the token version it was issued under: logout
 * ends it on every instance, and so does deleting the user. One findById on _id per request.
 */
export async function isShopperSessionCurrent(models: Models, session: ShopperSession): Promise<boolean> {
  if (!isValidObjectId(session.userId)) return false;
  const user = await models.User.findById(session.userId, { tokenVersion: 1 }).lean();
  return !!user && (user.tokenVersion ?? 0) === session.tokenVersion;
}
