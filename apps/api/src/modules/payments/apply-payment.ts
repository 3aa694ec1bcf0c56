// The one way a payment reaches an order, whoever learnt of it first: a notification, an active query, the
// expiry job or the daily reconciliation. Every step is a compare-and-set, so running it twice, or twice at
// once, changes nothing the second time.
import type { Types } from 'mongoose';
import type { Transaction } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { AttemptDoc } from './model';
import type { OrderDoc } from '../orders/model';
import { moveOrder, moveOrderTyped } from '../orders/move-order';
import { outboxEntry } from '../orders/outbox';
import { settleOrderStock, stockSettledMark } from '../orders/stock';
import { moveAttempt } from './move-attempt';
import { recordAnomaly } from '../anomalies/record-anomaly';

export type ApplyOutcome =
  | { outcome: 'APPLIED'; order: OrderDoc }
  | { outcome: 'DUPLICATE'; order: OrderDoc }
  /** `refused`: our own trade whose money the order may not take; it was closed and the money is being refunded. */
  | { outcome: 'ANOMALY'; reason: string; orderId?: string; refused?: true };

export type PaymentSource = 'notification' | 'query' | 'reconciliation';

/** The reason given for a payment of our own trade refused and refunded (reconciliation reports it as refunded). */
export const PAYMENT_REFUSED = 'payment refused';

export async function applyPaidTransaction(s: Services, tx: Transaction, source: PaymentSource): Promise<ApplyOutcome> {
  const { models, config } = s;
  const paidFen = tx.amount?.total ?? -1;
  const transactionId = tx.transaction_id ?? '';

  // Whose money is it? A trade is ours only when WeChat files it under our mchid AND its out_trade_no is one of
  // our attempts: then the money sits in our merchant account under a number we issued, and a refund from our
  // account by that out_trade_no gives back exactly that money. Under another mchid the money is in someone
  // else's account: a refund from ours by that out_trade_no would fail, or worse, undo a different trade of ours
  // that happens to share the number — never refunded, only recorded. Under our mchid but with an out_trade_no we
  // never issued, it is another system's sale on the same merchant account (a second shop, a till): not ours to
  // undo either. A foreign appid on our own trade is still our money: refused like a wrong amount, and refunded.
  const ourMchid = tx.mchid === config.wechatPay.mchid;
  const paidAt = tx.success_time ? new Date(tx.success_time) : new Date();
  const paid = { to: 'PAID' as const, set: { transactionId, paidAt }, unset: { nextSyncAt: 1 as const } };
  // The usual case in one round trip: our shop's payment of the amount the attempt asked moves the attempt to
  // PAID by compare-and-set, found by its out_trade_no. Anything else (a repeat, an unknown number, another sum)
  // reads the attempt and goes through the checks below; the move there is the same compare-and-set.
  const movedNow =
    ourMchid && tx.appid === config.wechat.appid ? await moveAttempt(models, { outTradeNo: tx.out_trade_no }, { ...paid, where: { amountFen: paidFen } }) : null;
  const attempt = movedNow ?? (await models.PaymentAttempt.findOne({ outTradeNo: tx.out_trade_no }).lean<AttemptDoc>());
  const ours = ourMchid && attempt !== null;

  if (!ourMchid || tx.appid !== config.wechat.appid) {
    await recordAnomaly(models, {
      kind: 'IDENTITY_MISMATCH',
      key: `IDENTITY_MISMATCH:${tx.out_trade_no}:${transactionId}`,
      detail:
        `payment of ${paidFen} fen for appid ${tx.appid} / mchid ${tx.mchid}, expected ${config.wechat.appid} / ${config.wechatPay.mchid}` +
        (ours ? '; our own trade: the order is closed and the money refunded automatically' : '; not our trade: nothing refunded, the order untouched'),
      status: 'OPEN',
      // Shown with the order whose number it carries, even when it is not ours to act on.
      ...(attempt ? { orderId: attempt.orderId } : {}),
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
    });
    if (!ours) return { outcome: 'ANOMALY', reason: 'appid or mchid does not match this shop' };
    return refusePayment(s, attempt, tx, `appid ${tx.appid} is not this shop's`);
  }

  if (!attempt) {
    await recordAnomaly(models, {
      kind: 'UNKNOWN_TRADE',
      key: `UNKNOWN_TRADE:${tx.out_trade_no}`,
      detail: `WeChat reports a payment of ${paidFen} fen for out_trade_no ${tx.out_trade_no}, which this shop never created`,
      status: 'OPEN',
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
    });
    return { outcome: 'ANOMALY', reason: 'unknown out_trade_no' };
  }

  if (paidFen !== attempt.amountFen) {
    // Never mark paid: the shopper paid a different sum than the order asked. The money goes back; a person looks.
    await recordAnomaly(models, {
      kind: 'AMOUNT_MISMATCH',
      key: `AMOUNT_MISMATCH:${tx.out_trade_no}`,
      detail: `paid ${paidFen} fen, the order asked ${attempt.amountFen} fen (via ${source}); the order is closed and the ${paidFen} fen refunded automatically`,
      status: 'OPEN',
      orderId: attempt.orderId,
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
    });
    return refusePayment(s, attempt, tx, `paid ${paidFen} fen, the order asked ${attempt.amountFen}`);
  }

  if (!movedNow) await moveAttempt(models, attempt._id, paid);

  // Every value below is of its stored type (the attempt's ObjectId, dates, strings, numbers): no casting needed.
  const order = await moveOrderTyped(models, {
    id: attempt.orderId,
    from: 'PENDING_PAYMENT',
    to: 'PAID',
    set: { paidAt, transactionId, outTradeNo: tx.out_trade_no, paidFen, ...stockSettledMark('PAID') },
    unset: { closingUntil: 1 },
    code: 'PAID',
    data: { amountFen: paidFen },
    // The shopper's "paid" message and the owner's "new order" message, written with the payment itself.
    messages: [outboxEntry('PAID', 'PAID', { amountFen: paidFen }), outboxEntry('OWNER_ORDER', 'OWNER_ORDER', { amountFen: paidFen })],
  });
  if (order) {
    // After the answer to WeChat; the reservation sweeper finishes it if this process dies first.
    s.defer('commit stock', () => settleOrderStock(models, order));
    return { outcome: 'APPLIED', order };
  }

  const current = await models.Order.findById(attempt.orderId).lean<OrderDoc>();
  if (!current) return { outcome: 'ANOMALY', reason: 'order vanished' };
  if (current.transactionId === transactionId) return { outcome: 'DUPLICATE', order: current };

  // Money arrived for an order that cannot take it: closed already, or paid through another attempt.
  const kind = current.status === 'CLOSED' ? 'PAID_AFTER_CLOSE' : 'DOUBLE_PAYMENT';
  const created = await recordAnomaly(models, {
    kind,
    key: `${kind}:${transactionId}`,
    detail:
      kind === 'PAID_AFTER_CLOSE'
        ? `paid ${paidFen} fen after the order was closed (${current.closedReason ?? 'closed'}); refunding automatically`
        : `a second payment of ${paidFen} fen (${transactionId}) for an order already paid by ${current.transactionId}; refunding automatically`,
    status: 'AUTO_REFUND',
    orderId: current._id,
    outTradeNo: tx.out_trade_no,
    transactionId,
    amountFen: paidFen,
  });
  // Not only when just created: if a process died between the two writes, WeChat's next repeat (or the
  // reconciliation) finishes the job. The refund's fixed out_refund_no keeps this to one refund.
  const stillToRefund = created || (await models.Anomaly.exists({ key: `${kind}:${transactionId}`, status: 'AUTO_REFUND' })) !== null;
  if (stillToRefund) {
    await s.events.emit('payment.unkept', {
      orderId: current._id,
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
      reason: kind === 'PAID_AFTER_CLOSE' ? 'Order was closed before payment arrived' : 'Duplicate payment',
    });
  }
  return { outcome: 'ANOMALY', reason: kind === 'PAID_AFTER_CLOSE' ? 'paid after close' : 'paid twice', orderId: String(current._id) };
}

/**
 * Money WeChat took for our own trade that the order must not take (a wrong amount, another appid). It is never
 * marked paid, and nothing is left waiting on it: the attempt can take no more; the order, if still unpaid, closes
 * (PAYMENT_REFUSED) and its stock and the shopper's place go back; WeChat's amount — not the order's — is refunded
 * with the fixed out_refund_no of automatic refunds. Every step is a compare-and-set or keyed by that number, and
 * all of them run again on every repeat of the payment, so a crash between them is finished by the next repeat
 * (notification, query, expiry or reconciliation). The anomaly recorded by the caller stays OPEN for a person.
 */
async function refusePayment(s: Services, attempt: AttemptDoc, tx: Transaction, why: string): Promise<ApplyOutcome> {
  const { models } = s;
  const paidFen = tx.amount?.total ?? 0;
  const transactionId = tx.transaction_id ?? '';
  await moveAttempt(models, attempt._id, { from: ['CREATED', 'PREPAID'], to: 'CLOSED', unset: { nextSyncAt: 1 } });
  // The timeline keeps a code; the English reason is for the log (and the anomaly the caller records).
  s.logger.warn({ outTradeNo: tx.out_trade_no, transactionId, why }, 'payment refused; refunded automatically');
  const closed = await moveOrder(models, {
    id: attempt.orderId,
    from: 'PENDING_PAYMENT',
    to: 'CLOSED',
    set: { closedReason: 'PAYMENT_REFUSED', ...stockSettledMark('CLOSED') },
    unset: { closingUntil: 1 },
    code: 'CLOSED',
    data: { reason: 'PAYMENT_REFUSED', amountFen: paidFen },
  });
  if (closed) {
    await settleOrderStock(models, closed);
    // Its other attempts must not take money either: closed at WeChat after the answer. One that was paid after
    // all is found by the payment-sync job and refunded as a payment after close.
    s.defer('close the attempts of a refused order', () => closeOpenAttempts(s, closed._id));
  }
  if (transactionId && paidFen > 0) {
    await s.events.emit('payment.unkept', { orderId: attempt.orderId, outTradeNo: tx.out_trade_no, transactionId, amountFen: paidFen, reason: 'Payment refused by the shop' });
  }
  return { outcome: 'ANOMALY', reason: PAYMENT_REFUSED, orderId: String(attempt.orderId), refused: true };
}

async function closeOpenAttempts(s: Services, orderId: Types.ObjectId): Promise<void> {
  const open = await s.models.PaymentAttempt.find({ orderId, status: { $in: ['CREATED', 'PREPAID'] } }).lean<AttemptDoc[]>();
  for (const attempt of open) {
    try {
      await s.wechatPay.close(attempt.outTradeNo);
    } catch (err) {
      // ORDERPAID, ORDER_NOT_EXIST or WeChat away: the payment-sync job's next query settles this attempt.
      s.logger.info({ err: (err as Error).message, outTradeNo: attempt.outTradeNo }, 'could not close an attempt of a refused order');
      continue;
    }
    await moveAttempt(s.models, attempt._id, { from: ['CREATED', 'PREPAID'], to: 'CLOSED', unset: { nextSyncAt: 1 } });
  }
}
