import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import type { RefundDoc } from './model';

/** A request takes milliseconds between its steps; a draft this old belongs to a request that died. */
const ABANDONED_AFTER_MS = 2 * 60_000;

/**
 * Finishes what refund requests that died between their steps left behind (see refund-order.ts): a draft whose
 * number the order holds in refundNos had its money reserved, so it becomes live and the refund job sends it;
 * a draft the order never reserved for is dropped (nothing happened to the money). Run by the refund job.
 */
export async function recoverRefundDrafts(s: Pick<Services, 'models' | 'logger'>, now = new Date(), limit = 50): Promise<number> {
  const { models } = s;
  const drafts = await models.Refund.find({
    affectsOrder: true,
    status: 'PENDING',
    reservedAt: { $exists: false },
    nextSyncAt: { $exists: false },
    createdAt: { $lte: new Date(now.getTime() - ABANDONED_AFTER_MS) },
  })
    .limit(limit)
    .lean<RefundDoc[]>();
  let recovered = 0;
  for (const draft of drafts) {
    const order = draft.orderId ? await models.Order.findById(draft.orderId, { refundNos: 1 }).lean<OrderDoc>() : null;
    if (order?.refundNos?.includes(draft.outRefundNo)) {
      const live = await models.Refund.updateOne({ _id: draft._id, reservedAt: { $exists: false } }, { $set: { reservedAt: now, nextSyncAt: now } });
      if (live.modifiedCount === 1) {
        s.logger.warn({ outRefundNo: draft.outRefundNo }, 'refund request died after reserving; the refund job sends it now');
        recovered++;
      }
    } else {
      // Should the request be alive after all and reserve now, it writes its refund again (refund-order.ts, step 3).
      await models.Refund.deleteOne({ _id: draft._id, reservedAt: { $exists: false } });
    }
  }
  return recovered;
}
