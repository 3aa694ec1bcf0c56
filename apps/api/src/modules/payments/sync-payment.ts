// Asking WeChat instead of waiting to be told: used by `?sync=1`, the payment-sync job and the expiry job.
import { paymentOutcomeOf } from '@xiaodian/shared';
import { WechatPayApiError } from '@xiaodian/wechatpay';
import type { Types } from 'mongoose';
import type { Services } from '../../context';
import type { AttemptDoc } from './model';
import { applyPaidTransaction, type ApplyOutcome } from './apply-payment';
import { moveAttempt } from './move-attempt';

/** REFUSED: WeChat took money the order may not take (a wrong amount, another appid): closed and refunded. */
export type SyncResult = 'PAID' | 'REFUSED' | 'FAILED' | 'PENDING' | 'NOT_AT_WECHAT';

/** Queries one attempt and applies a payment WeChat confirms. "Not found" never closes anything (yudao). */
export async function syncAttempt(s: Services, attempt: AttemptDoc): Promise<{ result: SyncResult; applied?: ApplyOutcome }> {
  let tx;
  try {
    tx = await s.wechatPay.queryByOutTradeNo(attempt.outTradeNo);
  } catch (err) {
    // ORDER_NOT_EXIST: prepay never reached WeChat (or not yet). Nothing is known, so nothing changes.
    if (err instanceof WechatPayApiError && err.code === 'ORDER_NOT_EXIST') return { result: 'NOT_AT_WECHAT' };
    throw err;
  }
  const outcome = paymentOutcomeOf(tx.trade_state);
  if (outcome === 'PAID') {
    const applied = await applyPaidTransaction(s, tx, 'query');
    // Refused money is not a payment of the order: callers closing the order carry on instead of giving up.
    return { result: applied.outcome === 'ANOMALY' && applied.refused ? 'REFUSED' : 'PAID', applied };
  }
  if (outcome === 'FAILED') {
    await moveAttempt(s.models, attempt._id, { from: ['CREATED', 'PREPAID'], to: 'CLOSED', unset: { nextSyncAt: 1 } });
    return { result: 'FAILED' };
  }
  return { result: 'PENDING' };
}

/** Syncs every attempt of an order that could still turn into money; stops at the first payment. */
export async function syncOrderPayments(s: Services, orderId: Types.ObjectId): Promise<SyncResult> {
  const attempts = await s.models.PaymentAttempt.find({ orderId, status: { $in: ['CREATED', 'PREPAID'] } })
    .sort({ createdAt: -1 })
    .lean<AttemptDoc[]>();
  let result: SyncResult = 'NOT_AT_WECHAT';
  for (const attempt of attempts) {
    const synced = await syncAttempt(s, attempt);
    if (synced.result === 'PAID') return 'PAID';
    if (synced.result === 'PENDING') result = 'PENDING';
  }
  return result;
}

/** The payment-sync job's backoff: about a minute after prepay, then less and less often. */
export function nextSyncDelayMs(syncCount: number): number {
  const steps = [60_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
  return steps[Math.min(syncCount, steps.length - 1)]!;
}
