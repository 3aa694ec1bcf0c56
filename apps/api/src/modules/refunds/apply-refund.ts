// Applies a refund's final state (from a notification, a query or WeChat's immediate answer) exactly once.
import { refundOutcomeOf, type OrderStatus } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { moveOrder, orderEvent } from '../orders/move-order';
import { outboxEntry } from '../orders/outbox';
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
      ...(target === 'ABNORMAL' ? {} : { countPending: true }),
      settledAt: update.successTime ? new Date(update.successTime) : new Date(),
      ...(update.refundId ? { refundId: update.refundId } : {}),
      ...(update.failure ? { lastError: update.failure } : {}),
    },
    unset: { nextSyncAt: 1 },
    returnDocument: 'before',
  });
  if (!refund) {
    const known = await models.Refund.findOne({ outRefundNo: update.outRefundNo }).lean<RefundDoc>();
    if (known?.status === 'CLOSED' && target === 'SUCCESS') {
      // CLOSED is final at WeChat, and this shop gave the amount back (and may have re-issued it). Should WeChat
      // ever report it paid after all, the shopper may have had the money twice: never silently.
      await recordAnomaly(models, {
        kind: 'REFUND_ABNORMAL',
        key: `REFUND_SUCCESS_AFTER_CLOSED:${known.outRefundNo}`,
        detail: `WeChat reports refund ${known.outRefundNo} of ${known.amountFen} fen as SUCCESS after it ended CLOSED here${known.reissuedAs ? ` and was issued again as ${known.reissuedAs}` : ''}: the shopper may have been refunded twice; check it in the WeChat Pay merchant platform`,
        status: 'OPEN',
        orderId: known.orderId ?? undefined,
        outTradeNo: known.outTradeNo,
        transactionId: known.transactionId ?? undefined,
        amountFen: known.amountFen,
      });
    }
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
    await models.Refund.updateOne({ _id: refund._id }, { $unset: { countPending: 1 } });
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

  await finishRefundEnd(s, { ...refund, status: target });
  return 'APPLIED';
}

/**
 * The second half of a refund's end, after its own compare-and-set: the order counts it (once, by its number in
 * `refundsCounted`), the after-sale room hears of it, and the refund's `countPending` goes. Safe to repeat: the
 * refund job calls it again for a refund a crash left pending (recoverRefundCounts).
 */
export async function finishRefundEnd(s: Services, refund: RefundDoc): Promise<void> {
  if (refund.orderId && refund.affectsOrder) {
    await countRefundOnOrder(s, refund, refund.status === 'SUCCESS');
    if (refund.afterSaleId) {
      const status = refund.status as 'SUCCESS' | 'CLOSED';
      await s.events.emitIfHandled('refund.changed', { afterSaleId: refund.afterSaleId, orderId: refund.orderId, outRefundNo: refund.outRefundNo, status });
    }
  }
  await s.models.Refund.updateOne({ _id: refund._id }, { $unset: { countPending: 1 } });
}

/** Refunds that ended while their order's count was cut short by a crash: finished by the refund job. */
export async function recoverRefundCounts(s: Services, now = new Date(), limit = 50): Promise<number> {
  // A minute's grace: the request that settled it is normally finishing it this very moment.
  const stale = await s.models.Refund.find({ countPending: true, settledAt: { $lte: new Date(now.getTime() - 60_000) } })
    .limit(limit)
    .lean<RefundDoc[]>();
  for (const refund of stale) {
    s.logger.warn({ outRefundNo: refund.outRefundNo }, 'refund ended but its order had not counted it; counting it now');
    await finishRefundEnd(s, refund);
  }
  return stale.length;
}

/** Compare-and-set rounds before giving up; each lost round means another step changed the order. */
const MAX_ROUNDS = 30;

/**
 * One refund fewer in flight; the money moves from "committed" to "refunded" (SUCCESS) or back to what may be
 * refunded (CLOSED, or an ABNORMAL refund WeChat closed after all). The status follows the contract's rule:
 * REFUNDED once the whole paid amount went back; a REFUNDING order whose whole amount is no longer committed (a
 * refund failed) goes back to where it was; otherwise the status stays, and the timeline entry says what
 * happened with the status the order keeps. A success also writes the shopper's "refunded" message into the
 * outbox, in the update that counts it. The refund's number in `refundsCounted` makes a repeat change nothing.
 */
async function countRefundOnOrder(s: Services, refund: RefundDoc, succeeded: boolean): Promise<void> {
  const { models } = s;
  const data = { amountFen: refund.amountFen, outRefundNo: refund.outRefundNo };
  const inc = { refundsInFlight: -1, ...(succeeded ? { refundedFen: refund.amountFen } : { refundCommittedFen: -refund.amountFen }) };
  const messages = succeeded ? [outboxEntry('REFUNDED', `REFUNDED:${refund.outRefundNo}`, data)] : [];
  const code = succeeded ? 'REFUND_SUCCEEDED' : 'REFUND_FAILED';
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const order = await models.Order.findById(refund.orderId).lean<OrderDoc>();
    if (!order || (order.refundsCounted ?? []).includes(refund.outRefundNo)) return;
    const status = order.status as OrderStatus;
    const paidFen = order.paidFen ?? 0;
    const as = { refundedFen: order.refundedFen ?? 0, refundCommittedFen: order.refundCommittedFen ?? 0, refundsInFlight: order.refundsInFlight ?? 0 };
    const once = { ...as, refundsCounted: { $ne: refund.outRefundNo } };
    const refundedAfter = as.refundedFen + (succeeded ? refund.amountFen : 0);
    const committedAfter = as.refundCommittedFen - (succeeded ? 0 : refund.amountFen);
    // REFUNDING lasts while the whole paid amount is committed to refunds and some of it is still on its way.
    const to: OrderStatus =
      status !== 'REFUNDING'
        ? status
        : refundedAfter >= paidFen
          ? 'REFUNDED'
          : committedAfter >= paidFen && as.refundsInFlight - 1 > 0
            ? 'REFUNDING'
            : ((order.statusBeforeRefund ?? 'PAID') as OrderStatus);
    const done =
      to !== status
        ? (await moveOrder(models, { id: order._id, from: status, to, where: once, inc, push: { refundsCounted: refund.outRefundNo }, code, data, messages })) !== null
        : (
            await models.Order.updateOne(
              { _id: order._id, status, ...once },
              {
                $inc: inc,
                $push: { refundsCounted: refund.outRefundNo, events: orderEvent(status, code, data), ...(messages.length > 0 ? { outbox: { $each: messages } } : {}) },
              },
            )
          ).modifiedCount === 1;
    if (done) return;
  }
  // Only a storm of changes to one order gets here: the refund keeps countPending, and the refund job counts it.
  throw new Error(`refund ${refund.outRefundNo}: the order kept changing; its count was not applied`);
}
