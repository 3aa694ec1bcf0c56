// Applies a refund's final state (from a notification, a query or WeChat's immediate answer) exactly once.
import { refundOutcomeOf } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { moveOrder } from '../orders/move-order';
import type { RefundDoc } from './model';
import { moveRefund } from './move-refund';
import { recordAnomaly } from '../anomalies/record-anomaly';

/** MISMATCH: WeChat reports another amount than this refund's; recorded as an anomaly and not applied. */
export type RefundApplyOutcome = 'APPLIED' | 'DUPLICATE' | 'PENDING' | 'UNKNOWN' | 'MISMATCH';

/**
 * `refundFen` is the amount WeChat reports for the refund (a notification's or a query's `amount.refund`); every
 * path passes it, and a refund WeChat reports with another amount than ours is never applied: it becomes an
 * anomaly for a person (once per refund), and the refund stays as it was.
 */
export async function applyRefundStatus(
  s: Services,
  update: { outRefundNo: string; status: string; refundId?: string; successTime?: string; failure?: string; refundFen?: number },
): Promise<RefundApplyOutcome> {
  const { models } = s;
  if (update.refundFen !== undefined) {
    const local = await models.Refund.findOne({ outRefundNo: update.outRefundNo }).lean<RefundDoc>();
    if (local && local.amountFen !== update.refundFen) {
      await recordAnomaly(models, {
        kind: 'REFUND_AMOUNT_MISMATCH',
        key: `REFUND_AMOUNT_MISMATCH:${local.outRefundNo}`,
        detail: `WeChat reports refund ${local.outRefundNo} as ${update.status} for ${update.refundFen} fen; this shop asked for ${local.amountFen} fen. Not applied: check it in the WeChat Pay merchant platform`,
        status: 'OPEN',
        orderId: local.orderId ?? undefined,
        outTradeNo: local.outTradeNo,
        transactionId: local.transactionId ?? undefined,
        amountFen: update.refundFen,
      });
      return 'MISMATCH';
    }
  }
  const outcome = refundOutcomeOf(update.status);
  if (outcome === 'PROCESSING') return 'PENDING';
  const target = update.status as 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

  // ABNORMAL can still end in SUCCESS or CLOSED once an admin sorts it out at WeChat.
  const refund = await moveRefund(models, { outRefundNo: update.outRefundNo }, {
    to: target,
    set: {
      settledAt: update.successTime ? new Date(update.successTime) : new Date(),
      ...(update.refundId ? { refundId: update.refundId } : {}),
      ...(update.failure ? { lastError: update.failure } : {}),
    },
    unset: { nextSyncAt: 1 },
    returnDocument: 'before',
  });
  if (!refund) {
    const known = await models.Refund.exists({ outRefundNo: update.outRefundNo });
    return known ? 'DUPLICATE' : 'UNKNOWN';
  }
  const wasAbnormal = refund.status === 'ABNORMAL';
  if (wasAbnormal) {
    // It ended after all (settled by hand at WeChat): the anomaly it raised needs no one any more.
    await models.Anomaly.updateOne(
      { key: `REFUND_ABNORMAL:${refund.outRefundNo}`, status: 'OPEN' },
      { $set: { status: 'RESOLVED', resolution: `refund ended ${target} at WeChat Pay` } },
    );
  }

  if (target === 'ABNORMAL') {
    await recordAnomaly(models, {
      kind: 'REFUND_ABNORMAL',
      key: `REFUND_ABNORMAL:${refund.outRefundNo}`,
      detail: `refund ${refund.outRefundNo} of ${refund.amountFen} fen is ABNORMAL at WeChat (the shopper's card or account refused it); handle it in the WeChat Pay merchant platform`,
      status: 'OPEN',
      orderId: refund.orderId ?? undefined,
      outTradeNo: refund.outTradeNo,
      transactionId: refund.transactionId ?? undefined,
      amountFen: refund.amountFen,
    });
    return 'APPLIED';
  }

  if (!refund.affectsOrder) {
    // An automatic refund of money the order never kept: close the anomaly that started it.
    if (target === 'SUCCESS') {
      await models.Anomaly.updateMany(
        { transactionId: refund.transactionId, status: 'AUTO_REFUND' },
        { $set: { status: 'RESOLVED', resolution: `refunded automatically (${refund.outRefundNo})` } },
      );
    } else {
      await models.Anomaly.updateMany(
        { transactionId: refund.transactionId, status: 'AUTO_REFUND' },
        { $set: { status: 'OPEN', resolution: `automatic refund ${refund.outRefundNo} ended ${target}` } },
      );
    }
    return 'APPLIED';
  }

  if (!refund.orderId) return 'APPLIED';
  const succeeded = target === 'SUCCESS';
  // One refund fewer in flight; the money moves from "committed" to "refunded" or back to the order. An ABNORMAL
  // refund stayed in flight (the order REFUNDING) until now: ABNORMAL itself does not touch the order.
  const order = await models.Order.findOneAndUpdate(
    { _id: refund.orderId },
    {
      $inc: {
        refundsInFlight: -1,
        ...(succeeded ? { refundedFen: refund.amountFen } : { refundCommittedFen: -refund.amountFen }),
      },
      $push: {
        events: {
          at: new Date(),
          status: 'REFUNDING',
          code: succeeded ? 'REFUND_SUCCEEDED' : 'REFUND_FAILED',
          data: { amountFen: refund.amountFen, outRefundNo: refund.outRefundNo },
        },
      },
    },
    { returnDocument: 'after' },
  ).lean<OrderDoc>();
  if (order) await settleRefundingOrder(s, order);
  return 'APPLIED';
}

/** When no refund is in flight any more, REFUNDING ends: REFUNDED if all the money went back, else where it was. */
export async function settleRefundingOrder(
  s: Services,
  order: OrderDoc,
): Promise<void> {
  if (order.status !== 'REFUNDING' || (order.refundsInFlight ?? 0) > 0) return;
  const fully = (order.refundedFen ?? 0) >= (order.paidFen ?? 0);
  const to = fully ? 'REFUNDED' : (order.statusBeforeRefund ?? 'PAID');
  await moveOrder(s.models, { id: order._id, from: 'REFUNDING', to, where: { refundsInFlight: 0 }, ...(fully ? { code: 'REFUND_SUCCEEDED', data: { amountFen: order.refundedFen ?? 0 } } : {}) });
}
