// Issuing a failed refund again. Anchor shops grey out the refund button after one failure; here a refund that
// ended CLOSED gave its amount back to what may be refunded (apply-refund.ts), and the owner may send the same
// amount again under a new out_refund_no, derived from the old one, so repeating or racing the request always
// finds the one re-issue and never makes a second.
//
// ABNORMAL is not an end at WeChat: the money is stuck with the shopper's bank, and the merchant may still
// settle it there (it then ends SUCCESS). A new refund beside it could pay the shopper twice. So an ABNORMAL
// refund keeps its amount reserved and is re-issued only once WeChat, asked now, says it ended CLOSED; if it
// says SUCCESS, the money went back after all and there is nothing to re-issue; while it stays ABNORMAL the
// answer is 409 REFUND_STILL_ABNORMAL (settle it in the merchant platform first).
import { AppError, conflict, notFound } from '../../errors';
import type { Services } from '../../context';
import { applyRefundStatus, finishRefundEnd } from './apply-refund';
import type { RefundDoc } from './model';
import { refundOrder } from './refund-order';

export async function reissueRefund(s: Services, outRefundNo: string, actor: string): Promise<RefundDoc> {
  const { models } = s;
  let old = await models.Refund.findOne({ outRefundNo, affectsOrder: true, reservedAt: { $exists: true } }).lean<RefundDoc>();
  if (!old?.orderId) throw notFound('Refund');
  if (old.reissuedAs) return (await models.Refund.findOne({ outRefundNo: old.reissuedAs }).lean<RefundDoc>())!;

  if (old.status === 'ABNORMAL') {
    // WeChat Pay away: 503 WECHAT_UNAVAILABLE (toAppError), nothing changes.
    const answer = await s.wechatPay.queryRefund(outRefundNo);
    if (answer.status !== 'SUCCESS' && answer.status !== 'CLOSED') {
      throw conflict('REFUND_STILL_ABNORMAL', `Refund ${outRefundNo} is still ${answer.status} at WeChat Pay; settle it in the merchant platform first`);
    }
    await applyRefundStatus(s, { outRefundNo, status: answer.status, refundFen: answer.amount?.refund ?? -1 });
    old = (await models.Refund.findOne({ outRefundNo }).lean<RefundDoc>())!;
  }
  if (old.status !== 'CLOSED') {
    throw new AppError('ORDER_NOT_REFUNDABLE', { status: 409, message: `Refund ${outRefundNo} is ${old.status}: only a refund that ended CLOSED is issued again` });
  }
  // Its amount must be back in the refundable balance first (a crash may have cut that short).
  if (old.countPending) await finishRefundEnd(s, old);

  const { refund } = await refundOrder(s, {
    orderId: String(old.orderId),
    amountFen: old.amountFen,
    reason: old.reason,
    actor,
    idempotencyKey: `reissue:${outRefundNo}`,
    reissueOf: outRefundNo,
    // The same amount the owner (or an approved request) was allowed once: the fee rule judged it then.
    includeShippingFee: true,
    ...(old.afterSaleId ? { afterSaleId: old.afterSaleId } : {}),
  });
  // Every racer computed the same new number; whichever writes the link first, it is the same one.
  await models.Refund.updateOne({ _id: old._id, reissuedAs: { $exists: false } }, { $set: { reissuedAs: refund.outRefundNo } });
  return refund;
}
