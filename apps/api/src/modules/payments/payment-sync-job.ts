// Finds payments nobody told us about: every prepaid attempt is queried about a minute after prepay, then
// less and less often, until it is paid or closed. Safe on every instance: each attempt is claimed by
// moving its nextSyncAt forward with a compare-and-set before anyone asks WeChat.
import type { Services } from '../../context';
import type { AttemptDoc } from './model';
import { nextSyncDelayMs, syncAttempt } from './sync-payment';

export async function runPaymentSync(s: Services, now = new Date(), limit = 50): Promise<number> {
  const due = await s.models.PaymentAttempt.find({ status: 'PREPAID', nextSyncAt: { $lte: now } })
    .sort({ nextSyncAt: 1 })
    .limit(limit)
    .lean<AttemptDoc[]>();
  let synced = 0;
  for (const attempt of due) {
    const count = attempt.syncCount ?? 0;
    const claimed = await s.models.PaymentAttempt.updateOne(
      { _id: attempt._id, status: 'PREPAID', nextSyncAt: attempt.nextSyncAt },
      { $set: { nextSyncAt: new Date(now.getTime() + nextSyncDelayMs(count + 1)) }, $inc: { syncCount: 1 } },
    );
    if (claimed.modifiedCount !== 1) continue;
    try {
      await syncAttempt(s, attempt);
      synced++;
    } catch (err) {
      s.logger.warn({ err: (err as Error).message, outTradeNo: attempt.outTradeNo }, 'payment sync failed; will retry');
    }
  }
  return synced;
}
