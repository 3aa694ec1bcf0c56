// Finishes what a crash interrupted: a request moved to REFUNDING whose refund was never started (the process died
// between the move and the refund, or the refund was refused for a moment). The refund's fixed Idempotency-Key
// makes a late or repeated start the same single refund.
import type { Services } from '../../context';
import type { AfterSaleDoc } from './model';
import { startAfterSaleRefund } from './start-after-sale-refund';

/** Long enough for the approving request to have started the refund itself. */
export const STALE_AFTER_MS = 60_000;

export async function runAfterSaleRefunds(s: Services, now = new Date(), limit = 20): Promise<number> {
  const stuck = await s.models.AfterSale.find({ status: 'REFUNDING', outRefundNo: { $exists: false }, updatedAt: { $lte: new Date(now.getTime() - STALE_AFTER_MS) } })
    .limit(limit)
    .lean<AfterSaleDoc[]>();
  let handled = 0;
  for (const afterSale of stuck) {
    // Claimed by moving its updatedAt: another instance's run skips it for a minute.
    const claimed = await s.models.AfterSale.updateOne({ _id: afterSale._id, status: 'REFUNDING', updatedAt: afterSale.updatedAt }, { $set: { updatedAt: now } });
    if (claimed.modifiedCount !== 1) continue;
    await startAfterSaleRefund(s, afterSale, afterSale.decidedBy ?? 'after-sale job');
    handled++;
  }
  return handled;
}
