// The one way a payment reaches an order, whoever learnt of it first: a notification, an active query, the
// expiry job or the daily reconciliation. Every step is a compare-and-set, so running it twice, or twice at
// once, changes nothing the second time.
import type { Transaction } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { AttemptDoc } from './model';
import type { OrderDoc } from '../orders/model';
import { moveOrder } from '../orders/move-order';
import { settleOrderStock } from '../orders/stock';
import { moveAttempt } from './move-attempt';
import { recordAnomaly } from '../anomalies/record-anomaly';

export type ApplyOutcome =
  | { outcome: 'APPLIED'; order: OrderDoc }
  | { outcome: 'DUPLICATE'; order: OrderDoc }
  | { outcome: 'ANOMALY'; reason: string; orderId?: string };

export type PaymentSource = 'notification' | 'query' | 'reconciliation';

export async function applyPaidTransaction(s: Services, tx: Transaction, source: PaymentSource): Promise<ApplyOutcome> {
  const { models, config } = s;
  const paidFen = tx.amount?.total ?? -1;
  const transactionId = tx.transaction_id ?? '';

  if (tx.appid !== config.wechat.appid || tx.mchid !== config.wechatPay.mchid) {
    await recordAnomaly(models, {
      kind: 'IDENTITY_MISMATCH',
      key: `IDENTITY_MISMATCH:${tx.out_trade_no}:${transactionId}`,
      detail: `payment for appid ${tx.appid} / mchid ${tx.mchid}, expected ${config.wechat.appid} / ${config.wechatPay.mchid}`,
      status: 'OPEN',
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
    });
    return { outcome: 'ANOMALY', reason: 'appid or mchid does not match this shop' };
  }

  const attempt = await models.PaymentAttempt.findOne({ outTradeNo: tx.out_trade_no }).lean<AttemptDoc>();
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
    // Never mark paid: the shopper paid a different sum than the order asked. A person decides.
    await recordAnomaly(models, {
      kind: 'AMOUNT_MISMATCH',
      key: `AMOUNT_MISMATCH:${tx.out_trade_no}`,
      detail: `paid ${paidFen} fen, the order asked ${attempt.amountFen} fen (via ${source})`,
      status: 'OPEN',
      orderId: attempt.orderId,
      outTradeNo: tx.out_trade_no,
      transactionId,
      amountFen: paidFen,
    });
    return { outcome: 'ANOMALY', reason: 'amount mismatch', orderId: String(attempt.orderId) };
  }

  const paidAt = tx.success_time ? new Date(tx.success_time) : new Date();
  await moveAttempt(models, attempt._id, { to: 'PAID', set: { transactionId, paidAt }, unset: { nextSyncAt: 1 } });

  const order = await moveOrder(models, {
    id: attempt.orderId,
    from: 'PENDING_PAYMENT',
    to: 'PAID',
    set: { paidAt, transactionId, outTradeNo: tx.out_trade_no, paidFen },
    unset: { closingUntil: 1 },
    note: `paid ${paidFen} fen (${source}, ${transactionId})`,
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
