// The request follows its refund (the domain event 'refund.changed', raised by the refunds room for refunds that
// carry an afterSaleId): a started or re-issued refund becomes the request's outRefundNo, a success ends the
// request (REFUNDED) and gives the order's open-request slot back, a failure is shown and waits for a re-issue.
import type { Services } from '../../context';
import type { DomainEvents } from '../../events';
import { moveAfterSale } from './move-after-sale';
import { releaseOrderSlot } from './request-after-sale';

export async function followRefund(s: Services, change: DomainEvents['refund.changed']): Promise<void> {
  const { models } = s;
  const at = new Date();
  if (change.status === 'PROCESSING') {
    await models.AfterSale.updateOne({ _id: change.afterSaleId, status: 'REFUNDING' }, { $set: { outRefundNo: change.outRefundNo, updatedAt: at }, $unset: { refundProblem: 1 } });
    return;
  }
  if (change.status === 'SUCCESS') {
    await moveAfterSale(models, { id: change.afterSaleId, from: 'REFUNDING', to: 'REFUNDED', set: { outRefundNo: change.outRefundNo }, unset: { refundProblem: 1 } });
    await releaseOrderSlot(s, change.orderId, change.afterSaleId);
    return;
  }
  // CLOSED or ABNORMAL: only about the refund the request now follows (an older one ending late changes nothing).
  await models.AfterSale.updateOne({ _id: change.afterSaleId, status: 'REFUNDING', outRefundNo: change.outRefundNo }, { $set: { refundProblem: change.status, updatedAt: at } });
}
