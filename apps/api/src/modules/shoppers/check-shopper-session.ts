import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../../collections';
import type { ShopperSession } from '../../infra/session-tokens';
import { driverCollection } from '../../infra/driver-collection';

/** The one field of a user (model.ts) a session check reads, as the driver's collection sees it. */
interface UserTokenRecord {
  _id: Types.ObjectId;
  tokenVersion?: number;
}

/**
 * A shopper token is honoured only while its user exists with the token version it was issued under: logout
 * ends it on every instance, and so does deleting the user. One read on _id per request, through the driver's
 * collection: the filter is an ObjectId already, so mongoose's casting and query building would only cost time
 * on every shopper request.
 */
export async function isShopperSessionCurrent(models: Models, session: ShopperSession): Promise<boolean> {
  if (!isValidObjectId(session.userId)) return false;
  const users = driverCollection<UserTokenRecord>(models.User);
  const user = await users.findOne({ _id: new Types.ObjectId(session.userId) }, { projection: { tokenVersion: 1 } });
  return !!user && (user.tokenVersion ?? 0) === session.tokenVersion;
}
