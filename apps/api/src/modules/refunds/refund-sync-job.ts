import { WechatPayApiError } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { RefundDoc } from './model';
import { recoverRefundDrafts } from './recover-refund-drafts';
import { applyRefundStatus, recoverRefundCounts } from './apply-refund';
import { refundRetryDelayMs, submitRefund } from './start-refund';

/** Sends refunds WeChat has not accepted yet and asks about refunds that stay PROCESSING. */
export async function runRefundSync(s: Services, now = new Date(), limit = 50): Promise<number> {
  // Admin refunds whose request died between its steps: sent below if their money was reserved.
  await recoverRefundDrafts(s, now);
  // Refunds that ended while a crash kept their order from counting them.
  await recoverRefundCounts(s, now);
  const due = await s.models.Refund.find({ status: { $in: ['PENDING', 'PROCESSING'] }, nextSyncAt: { $lte: now } })
    .sort({ nextSyncAt: 1 })
    .limit(limit)
    .lean<RefundDoc[]>();
  let handled = 0;
  for (const refund of due) {
    const count = refund.syncCount ?? 0;
    const claimed = await s.models.Refund.updateOne(
      { _id: refund._id, status: refund.status, nextSyncAt: refund.nextSyncAt },
      { $set: { nextSyncAt: new Date(now.getTime() + refundRetryDelayMs(count + 1)) }, $inc: { syncCount: 1 } },
    );
    if (claimed.modifiedCount !== 1) continue;
    try {
      if (refund.status === 'PENDING') {
        await submitRefund(s, { ...refund, syncCount: count + 1 });
      } else {
        const answer = await s.wechatPay.queryRefund(refund.outRefundNo);
        await applyRefundStatus(s, { outRefundNo: refund.outRefundNo, status: answer.status, refundId: answer.refund_id, successTime: answer.success_time, refundFen: answer.amount?.refund ?? -1 });
      }
      handled++;
    } catch (err) {
      const known = err instanceof WechatPayApiError ? err.code : (err as Error).message;
      s.logger.warn({ err: known, outRefundNo: refund.outRefundNo }, 'refund sync failed; will retry');
    }
  }
  return handled;
}
