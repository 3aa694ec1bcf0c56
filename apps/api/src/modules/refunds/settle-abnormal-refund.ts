import type { Services } from '../../context';
import { conflict } from '../../errors';
import type { AnomalyDoc } from '../anomalies/model';
import { applyRefundStatus } from './apply-refund';
import type { RefundDoc } from './model';

/**
 * An ABNORMAL refund's anomaly is only done once WeChat says how the refund ended (the money went back another
 * way, or the refund was closed): ask, and apply the answer to the order before the anomaly is resolved.
 */
export async function settleAbnormalRefund(s: Services, anomaly: AnomalyDoc): Promise<void> {
  const outRefundNo = anomaly.key.replace(/^REFUND_ABNORMAL:/, '');
  const refund = await s.models.Refund.findOne({ outRefundNo }).lean<RefundDoc>();
  if (refund?.status !== 'ABNORMAL') return;
  // WeChat Pay away: 503 WECHAT_UNAVAILABLE (toAppError), and the anomaly stays open.
  const answer = await s.wechatPay.queryRefund(outRefundNo);
  const { status } = answer;
  if (status !== 'SUCCESS' && status !== 'CLOSED') {
    throw conflict('REFUND_STILL_ABNORMAL', `Refund ${outRefundNo} is still ${status} at WeChat Pay; settle it in the merchant platform first`);
  }
  await applyRefundStatus(s, { outRefundNo, status, refundFen: answer.amount?.refund ?? -1 });
}
