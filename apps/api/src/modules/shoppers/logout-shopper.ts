import type { Services } from '../../context';
import type { ShopperSession } from '../../infra/session-tokens';

/** Ends the shopper's sessions: every token issued before this moment stops working, on every instance. */
export async function logoutShopper(s: Pick<Services, 'models'>, session: ShopperSession): Promise<void> {
  // Guarded by the version the token carries, so a repeated logout with the same (now dead) token changes nothing.
  await s.models.User.updateOne({ _id: session.userId, tokenVersion: session.tokenVersion }, { $inc: { tokenVersion: 1 } });
}
