// Uploads the shipping information of shipped orders to WeChat. The admin's ship action leaves
// `shipping.upload = {status: PENDING, attempts: 0, nextAttemptAt: now}`; this job claims each due order by
// moving its nextAttemptAt forward with a compare-and-set (so one instance works on it, and if that instance
// dies another retries after the backoff), asks is_trade_managed (cached), uploads, and records the outcome:
// DONE, SKIPPED_NOT_MANAGED, or FAILED after MAX_UPLOAD_ATTEMPTS. A tracking correction re-queues the order
// (PENDING, attempt 0) even while an upload of the old numbers is in flight: the outcome of that upload is
// recorded only while the order still carries the numbers it sent (`stillSent`), so the new ones go out next.
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { isTradeManaged } from './check-trade-managed';
import { uploadShippingInfo } from './upload-shipping-info';

export const MAX_UPLOAD_ATTEMPTS = 8;

/** Wait after the n-th failed attempt (1-based): 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h. */
export function uploadRetryDelayMs(attempts: number): number {
  const steps = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];
  return steps[Math.min(Math.max(attempts - 1, 0), steps.length - 1)]!;
}

export async function runShippingUpload(s: Services, now = new Date(), limit = 20): Promise<number> {
  const { Order } = s.models;
  const due = await Order.find({ 'shipping.upload.status': 'PENDING', 'shipping.upload.nextAttemptAt': { $lte: now } })
    .sort({ 'shipping.upload.nextAttemptAt': 1 })
    .limit(limit)
    .lean<OrderDoc[]>();
  let handled = 0;
  for (const order of due) {
    const upload = order.shipping!.upload!;
    const attempts = (upload.attempts ?? 0) + 1;
    const claimedUntil = new Date(now.getTime() + uploadRetryDelayMs(attempts));
    const claimed = await Order.updateOne(
      { _id: order._id, 'shipping.upload.status': 'PENDING', 'shipping.upload.nextAttemptAt': upload.nextAttemptAt },
      { $set: { 'shipping.upload.nextAttemptAt': claimedUntil, 'shipping.upload.attempts': attempts } },
    );
    if (claimed.modifiedCount !== 1) continue;
    handled++;
    const log = s.logger.child({ orderId: String(order._id), outTradeNo: order.outTradeNo, attempt: attempts });
    try {
      if (!(await isTradeManaged(s, now))) {
        // The mini program is not under WeChat shipping management: nothing to upload.
        await finish(s, order, claimedUntil, 'SKIPPED_NOT_MANAGED');
        log.info('shipping upload skipped: not trade-managed');
        continue;
      }
      await uploadShippingInfo(s, order, now);
      await finish(s, order, claimedUntil, 'DONE');
      log.info('shipping information uploaded');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = attempts >= MAX_UPLOAD_ATTEMPTS;
      await Order.updateOne(
        stillSent(order, claimedUntil),
        final
          ? {
              $set: { 'shipping.upload.status': 'FAILED', 'shipping.upload.lastError': message, 'shipping.upload.at': new Date() },
              $unset: { 'shipping.upload.nextAttemptAt': 1 },
            }
          : { $set: { 'shipping.upload.lastError': message } },
      );
      log.warn({ err: message, final }, 'shipping upload failed');
    }
  }
  return handled;
}

/** The order as this attempt claimed it: still PENDING under its claim, with the numbers this attempt sent. */
function stillSent(order: OrderDoc, claimedUntil: Date) {
  return {
    _id: order._id,
    'shipping.upload.status': 'PENDING',
    'shipping.upload.nextAttemptAt': claimedUntil,
    'shipping.trackingNo': order.shipping?.trackingNo ?? null,
    'shipping.expressCompany': order.shipping?.expressCompany ?? null,
  };
}

async function finish(s: Services, order: OrderDoc, claimedUntil: Date, status: 'DONE' | 'SKIPPED_NOT_MANAGED'): Promise<void> {
  const at = new Date();
  await s.models.Order.updateOne(
    stillSent(order, claimedUntil),
    {
      $set: { 'shipping.upload.status': status, 'shipping.upload.at': at },
      $unset: { 'shipping.upload.nextAttemptAt': 1, 'shipping.upload.lastError': 1 },
    },
  );
}
