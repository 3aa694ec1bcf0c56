// Sends a recorded refund to WeChat. The refund record (with its fixed out_refund_no) is written first, so a
// retry after any failure — ours or WeChat's — sends the same out_refund_no and can never refund twice.
import { WechatPayApiError, WechatPayUnavailableError } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { RefundDoc } from './model';
import { applyRefundStatus } from './apply-refund';
import { moveRefund } from './move-refund';

/** Backoff of the refund-sync job: how long until WeChat is asked again about a refund. */
export function refundRetryDelayMs(syncCount: number): number {
  const steps = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps[Math.min(syncCount, steps.length - 1)]!;
}

export async function submitRefund(s: Services, refund: RefundDoc): Promise<RefundDoc> {
  const log = s.logger.child({ outRefundNo: refund.outRefundNo });
  try {
    const answer = await s.wechatPay.refund({
      out_trade_no: refund.outTradeNo,
      out_refund_no: refund.outRefundNo,
      reason: refund.reason,
      notify_url: `${s.config.publicBaseUrl}/api/pay/refund-notify`,
      amount: { refund: refund.amountFen, total: refund.totalFen, currency: 'CNY' },
    });
    await moveRefund(s.models, { _id: refund._id }, {
      from: 'PENDING',
      to: 'PROCESSING',
      set: { refundId: answer.refund_id, nextSyncAt: new Date(Date.now() + refundRetryDelayMs(0)) },
      unset: { lastError: 1 },
    });
    // WeChat may answer SUCCESS (or ABNORMAL) at once; apply it like a notification would.
    if (answer.status !== 'PROCESSING') {
      await applyRefundStatus(s, { outRefundNo: refund.outRefundNo, status: answer.status, refundId: answer.refund_id, successTime: answer.success_time, refundFen: answer.amount?.refund ?? -1 });
    }
  } catch (err) {
    const retryable = err instanceof WechatPayUnavailableError || (err instanceof WechatPayApiError && ['SYSTEM_ERROR', 'NOT_ENOUGH', 'FREQUENCY_LIMITED'].includes(err.code));
    // WeChat Pay's own code leads the stored text (`NOT_ENOUGH: 基本账户余额不足…`): the console explains the codes it knows.
    const message = err instanceof WechatPayApiError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    log.warn({ err: message, retryable }, 'refund not accepted by WeChat');
    if (!retryable && !(err instanceof WechatPayApiError)) throw err;
    await s.models.Refund.updateOne(
      { _id: refund._id, status: 'PENDING' },
      {
        $set: { lastError: message, nextSyncAt: new Date(Date.now() + refundRetryDelayMs(refund.syncCount ?? 0)) },
        $inc: { syncCount: 1 },
      },
    );
    if (!retryable) {
      // WeChat said no for good (e.g. PARAM_ERROR): the refund failed; give the amount back to the order.
      await applyRefundStatus(s, { outRefundNo: refund.outRefundNo, status: 'CLOSED', failure: message });
    }
  }
  return (await s.models.Refund.findById(refund._id).lean<RefundDoc>())!;
}
