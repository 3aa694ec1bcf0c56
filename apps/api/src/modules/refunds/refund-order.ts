// An owner refunds (part of) an order. Three steps, each safe to repeat and to race:
//   1. a draft Refund record with a fixed out_refund_no (from the Idempotency-Key when one is given);
//   2. the reservation: one compare-and-set on the order that takes the amount from what remains refundable
//      and records the out_refund_no, so one refund number can never reserve twice;
//   3. the draft becomes a live refund (reservedAt, nextSyncAt) and is sent to WeChat with that out_refund_no.
// Concurrent requests for different refunds can never reserve more than was paid; concurrent or retried
// requests with one Idempotency-Key resolve to one refund, which WeChat sees once. A request that dies between
// steps is finished (or its draft dropped) by the refund job: recover-refund-drafts.ts.
import { createHash, randomBytes } from 'node:crypto';
import { isValidObjectId, Types } from 'mongoose';
import { isRefundable, type OrderStatus, type RefundInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, conflict, notFound } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { moveOrder, orderEvent } from '../orders/move-order';
import type { RefundDoc } from './model';
import { refundRetryDelayMs, submitRefund } from './start-refund';
import { writeAudit } from '../staff/audit';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { partialRoom, refundExceedsItems, takesShippingFee } from './refund-room';

/** Orders money has reached and not all gone back from. */

/** Compare-and-set rounds before giving up; each lost round means another request moved the order. */
const MAX_ROUNDS = 30;

export interface RefundRequest extends RefundInput {
  orderId: string;
  actor: string;
  /** The caller's Idempotency-Key: the same key on the same order is the same refund. */
  idempotencyKey?: string;
  /** The after-sale request this refund pays out: stored on the refund, which then raises 'refund.changed'. */
  afterSaleId?: Types.ObjectId | string;
  /** The failed refund this one issues again (reissue-refund.ts). */
  reissueOf?: string;
}

/**
 * `R` + order id + 32 hex characters (57 characters, within WeChat's 64 and its alphabet): a hash of the
 * idempotency key, or random when the caller gave none (each call is then a new refund).
 */
export function refundNoFor(orderId: Types.ObjectId, idempotencyKey: string | undefined): string {
  const suffix = idempotencyKey
    ? createHash('sha256').update(`${String(orderId)}:${idempotencyKey}`).digest('hex').slice(0, 32)
    : randomBytes(16).toString('hex');
  return `R${String(orderId)}${suffix}`;
}

/**
 * Starts the refund, or answers a retried request with the refund it started. WeChat refusing it for good
 * (the amount already went back to the order) is a 502; WeChat being away is not an error: the refund job
 * sends it later (status PENDING).
 */
export async function refundOrder(s: Services, request: RefundRequest): Promise<{ refund: RefundDoc; created: boolean }> {
  const result = await startOrReplay(s, request);
  const { refund } = result;
  if (refund.status === 'CLOSED' && !refund.refundId && refund.lastError) {
    throw new AppError('WECHAT_REJECTED', { status: 502, message: `WeChat Pay refused refund ${refund.outRefundNo}: ${refund.lastError}` });
  }
  return result;
}

async function startOrReplay(s: Services, request: RefundRequest): Promise<{ refund: RefundDoc; created: boolean }> {
  const { models } = s;
  if (!isValidObjectId(request.orderId)) throw notFound('Order');
  const order = await models.Order.findOne({ _id: request.orderId, stage: 'PLACED' }).lean<OrderDoc>();
  if (!order) throw notFound('Order');
  const outRefundNo = refundNoFor(order._id, request.idempotencyKey);

  // 1. The draft. A retried request finds its refund here and gets it back, whatever happened to it since.
  const existing = await models.Refund.findOne({ outRefundNo }).lean<RefundDoc>();
  if (existing) {
    assertSameRefund(existing, request);
    if (existing.reservedAt) return { refund: existing, created: false };
    // Still a draft: a twin request is between its steps, or one died there. Carry on with it.
  } else {
    refuseIfImpossible(order, request);
    await models.Refund.create(draftOf(order, outRefundNo, request, new Date())).catch(async (err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
      // A twin request with the same key drafted it a moment ago: it must be the same refund.
      const twin = await models.Refund.findOne({ outRefundNo }).lean<RefundDoc>();
      if (twin) assertSameRefund(twin, request);
    });
  }

  // 2. The reservation.
  await reserve(s, order._id, outRefundNo, request);

  // 3. Live: exactly one request wins this compare-and-set and sends the refund; the others answer with it.
  const now = new Date();
  const live = { reservedAt: now, nextSyncAt: new Date(now.getTime() + refundRetryDelayMs(0)) };
  let won = (await models.Refund.updateOne({ outRefundNo, reservedAt: { $exists: false } }, { $set: live })).modifiedCount === 1;
  if (!won && !(await models.Refund.exists({ outRefundNo }))) {
    // A twin that was refused deleted the draft just before our reservation: write it again, live.
    won = await models.Refund.create({ ...draftOf(order, outRefundNo, request, now), ...live }).then(
      () => true,
      (err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
        return false;
      },
    );
  }
  const refund = (await models.Refund.findOne({ outRefundNo }).lean<RefundDoc>())!;
  if (!won) return { refund, created: false };

  await writeAudit(models, {
    at: now,
    actor: request.actor,
    action: 'order.refund',
    orderId: order._id,
    detail: `refund ${outRefundNo} of ${request.amountFen} fen: ${request.reason}${request.reissueOf ? ` (re-issue of ${request.reissueOf})` : ''}`,
    data: { amountFen: request.amountFen, outRefundNo, reason: request.reason, ...(request.reissueOf ? { reissueOf: request.reissueOf } : {}) },
  });
  // Before WeChat is asked: an immediate answer raises the refund's end, which must come after its start.
  if (refund.afterSaleId) {
    await s.events.emitIfHandled('refund.changed', { afterSaleId: refund.afterSaleId, orderId: order._id, outRefundNo, status: 'PROCESSING' });
  }
  return { refund: await submitRefund(s, refund), created: true };
}

/** The refund record before its money is reserved: no reservedAt and no nextSyncAt, so no job sends it. */
function draftOf(order: OrderDoc, outRefundNo: string, request: RefundRequest, createdAt: Date) {
  return {
    outRefundNo,
    orderId: order._id,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    amountFen: request.amountFen,
    totalFen: order.paidFen,
    reason: request.reason,
    affectsOrder: true,
    status: 'PENDING' as const,
    requestedBy: request.actor,
    createdAt,
    ...(request.afterSaleId ? { afterSaleId: new Types.ObjectId(String(request.afterSaleId)) } : {}),
    ...(request.reissueOf ? { reissueOf: request.reissueOf } : {}),
  };
}

function assertSameRefund(refund: RefundDoc, request: RefundRequest): void {
  if (refund.amountFen !== request.amountFen) {
    throw conflict('IDEMPOTENCY_KEY_REUSED', `This Idempotency-Key already started a refund of ${refund.amountFen} fen`);
  }
}

function refuseIfImpossible(order: OrderDoc, request: Pick<RefundRequest, 'amountFen' | 'includeShippingFee'>): void {
  if (!isRefundable(order.status as OrderStatus)) {
    throw new AppError('ORDER_NOT_REFUNDABLE', { status: 409, message: `A ${order.status} order cannot be refunded` });
  }
  const remaining = (order.paidFen ?? 0) - (order.refundCommittedFen ?? 0);
  if (request.amountFen > remaining) {
    throw new AppError('REFUND_EXCEEDS_PAID', { status: 409, message: `At most ${Math.max(0, remaining)} fen of this order can still be refunded` });
  }
  if (takesShippingFee(order, request.amountFen, request.includeShippingFee ?? false)) throw refundExceedsItems(order);
}

/**
 * Takes the amount from what remains refundable, in one guarded update: the paid amount and the status as read,
 * room for the amount (plain arithmetic done before the query), and this refund number not yet reserved.
 * A partial refund also needs room beside the shipping fee, unless it includes the fee (refund-room.ts).
 * Refunds are separate from fulfilment: only a refund that takes the whole remaining paid amount moves the order
 * to REFUNDING (remembering where it returns if that refund fails); a partial refund leaves the status as it
 * was, so a paid order can still be shipped and completed while it is in flight. The timeline gets a
 * REFUND_STARTED entry either way, with the status the order has after it (no pretended status change).
 */
async function reserve(s: Services, orderId: Types.ObjectId, outRefundNo: string, request: RefundRequest): Promise<void> {
  const { models } = s;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const order = await models.Order.findById(orderId).lean<OrderDoc>();
    if (!order) throw notFound('Order');
    if ((order.refundNos ?? []).includes(outRefundNo)) return; // reserved by a twin request (or our own earlier try)
    try {
      refuseIfImpossible(order, request);
    } catch (refusal) {
      // Nothing was reserved for this number: drop the draft so it never shows as a refund.
      await models.Refund.deleteOne({ outRefundNo, reservedAt: { $exists: false } });
      throw refusal;
    }
    const paidFen = order.paidFen ?? 0;
    const committed = order.refundCommittedFen ?? 0;
    const from = order.status as OrderStatus;
    const data = { amountFen: request.amountFen, outRefundNo };
    const inc = { refundCommittedFen: request.amountFen, refundsInFlight: 1 };
    const whole = committed + request.amountFen === paidFen;
    // (An order left REFUNDING by the rule before this one can hold a partial refund: it only stays REFUNDING.)
    const reserved =
      whole && from !== 'REFUNDING'
      ? // The whole remaining amount: exactly the committed amount as read, so a refund failing meanwhile is seen.
        (await moveOrder(models, {
          id: orderId,
          from,
          to: 'REFUNDING',
          where: { paidFen, refundCommittedFen: committed, refundNos: { $ne: outRefundNo } },
          set: { statusBeforeRefund: from },
          inc,
          push: { refundNos: outRefundNo },
          code: 'REFUND_STARTED',
          data,
        })) !== null
      : (
          await models.Order.updateOne(
            {
              _id: orderId,
              status: from,
              paidFen,
              // A partial refund keeps the fee in the order unless it includes it (refund-room.ts).
              refundCommittedFen: whole ? committed : partialRoom(order, request.amountFen, request.includeShippingFee ?? false),
              refundNos: { $ne: outRefundNo },
            },
            { $inc: inc, $push: { refundNos: outRefundNo, events: orderEvent(from, 'REFUND_STARTED', data) } },
          )
        ).modifiedCount === 1;
    if (reserved) return;
  }
  throw conflict('CONFLICT', 'The order is changing quickly; try again');
}
