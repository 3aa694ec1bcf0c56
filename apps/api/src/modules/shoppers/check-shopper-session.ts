import { isValidObjectId, Types } from 'mongoose';
import type { Models } from '../../collections';
import type { ShopperSession } from '../../infra/session-tokens';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReadsById } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

/** The one field of a user (model.ts) a session check reads, as the driver's collection sees it. */
interface UserTokenRecord {
  _id: Types.ObjectId;
  tokenVersion?: number;
}

/** The session checks of concurrent requests, one query per round trip (gathered-reads.ts). */
const userTokenOf = perModels((models: Models) => gatherReadsById(driverCollection<UserTokenRecord>(models.User), { tokenVersion: 1 }));

/**
 * A shopper token is honoured only while its user exists with the token version it was issued under: logout
 * ends it on every instance, and so does deleting the user. A read on _id per request, gathered with the other
 * requests' (a read sent after this request asked), through the driver's collection: the filter is an ObjectId
 * already, so mongoose's casting and query building would only cost time on every shopper request.
 */
export async function isShopperSessionCurrent(models: Models, session: ShopperSession): Promise<boolean> {
  if (!isValidObjectId(session.userId)) return false;
  const user = await userTokenOf(models)(String(new Types.ObjectId(session.userId)));
  return !!user && (user.tokenVersion ?? 0) === session.tokenVersion;
}
