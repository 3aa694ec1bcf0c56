import type { Types } from 'mongoose';
import type { Services } from '../../context';
import type { RefundDoc } from './model';
import { submitRefund } from './start-refund';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

/**
 * Gives back money WeChat took for an order that cannot keep it (closed, or paid twice). The out_refund_no is
 * derived from the transaction, so however many times this runs, WeChat sees one refund.
 */
export async function scheduleAutomaticRefund(
  s: Services,
  payment: { orderId: Types.ObjectId; outTradeNo: string; transactionId: string; amountFen: number; reason: string },
): Promise<void> {
  const outRefundNo = `AR${payment.transactionId}`.slice(0, 64);
  await s.models.Refund.updateOne(
    { outRefundNo },
    {
      $setOnInsert: {
        outRefundNo,
        orderId: payment.orderId,
        outTradeNo: payment.outTradeNo,
        transactionId: payment.transactionId,
        amountFen: payment.amountFen,
        totalFen: payment.amountFen,
        reason: payment.reason,
        affectsOrder: false,
        status: 'PENDING',
        requestedBy: 'system',
        nextSyncAt: new Date(),
        createdAt: new Date(),
      },
    },
    { upsert: true },
  ).catch((err: unknown) => {
    if (!isDuplicateKeyError(err)) throw err;
  });
  // After the answer to WeChat: the refund job retries it if this process dies first.
  s.defer('automatic refund', async () => {
    const refund = await s.models.Refund.findOne({ outRefundNo, status: 'PENDING' }).lean<RefundDoc>();
    if (refund) await submitRefund(s, refund);
  });
}
