// The refund of an after-sale request, through the same path as an admin's refund (the reservation of the
// refundable amount, the fixed out_refund_no, the notification and the sync job). Its Idempotency-Key is fixed per
// request, so whoever starts it (the approving admin, the one marking goods received, or the job finishing what a
// crash interrupted) starts the same single refund.
import { AFTER_SALE_REASON_LABELS, type AfterSaleReason } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { refundNoFor, refundOrder } from '../refunds/refund-order';
import type { AfterSaleDoc } from './model';

export const afterSaleRefundKey = (afterSaleId: unknown) => `after-sale:${String(afterSaleId)}`;

/**
 * Starts (or finds) the refund of a request already moved to REFUNDING, and records its out_refund_no. A refusal
 * (e.g. the money went back some other way meanwhile) is recorded on the request for the console, not thrown: the
 * request has moved, and the refund job tries again.
 */
export async function startAfterSaleRefund(s: Services, afterSale: AfterSaleDoc, actor: string): Promise<AfterSaleDoc> {
  const { models } = s;
  try {
    const { refund } = await refundOrder(s, {
      orderId: String(afterSale.orderId),
      amountFen: afterSale.amountFen,
      // WeChat shows the reason to the shopper (at most 80 bytes): the label, not their own words.
      reason: `售后退款：${AFTER_SALE_REASON_LABELS[afterSale.reason as AfterSaleReason] ?? '其他'}`,
      actor,
      idempotencyKey: afterSaleRefundKey(afterSale._id),
      afterSaleId: afterSale._id,
    });
    await models.AfterSale.updateOne(
      { _id: afterSale._id, status: 'REFUNDING', outRefundNo: { $exists: false } },
      { $set: { outRefundNo: refund.outRefundNo, updatedAt: new Date() }, $unset: { refundProblem: 1 } },
    );
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'INTERNAL';
    // WeChat refused the refund for good: it exists, CLOSED, and its amount is refundable again. The request
    // follows it, so the owner sees it and issues it again; retrying the same out_refund_no would only be refused.
    const outRefundNo = refundNoFor(afterSale.orderId, afterSaleRefundKey(afterSale._id));
    const refused = await models.Refund.findOne({ outRefundNo, status: 'CLOSED', reservedAt: { $exists: true } }, { _id: 1 }).lean();
    s.logger.warn({ err, afterSaleId: String(afterSale._id), code }, refused ? 'after-sale refund refused by WeChat: to be issued again' : 'after-sale refund not started; the after-sale job retries');
    await models.AfterSale.updateOne(
      { _id: afterSale._id, status: 'REFUNDING', outRefundNo: { $exists: false } },
      { $set: refused ? { outRefundNo, refundProblem: 'CLOSED' } : { refundProblem: code } },
    );
  }
  return (await models.AfterSale.findById(afterSale._id).lean<AfterSaleDoc>())!;
}
