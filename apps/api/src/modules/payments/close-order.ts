// Closing an unpaid order, on expiry or on the shopper's cancel: WeChat first (if it says the order was paid,
// the order becomes PAID instead), then CLOSED by compare-and-set, then the stock goes back exactly once.
import type { Types } from 'mongoose';
import type { Services } from '../../context';
import type { AttemptDoc } from './model';
import type { OrderDoc } from '../orders/model';
import { closeAttemptOrDetectPayment } from './pay-order';
import { moveOrder } from '../orders/move-order';
import { settleOrderStock, stockSettledMark } from '../orders/stock';

/** How long one instance holds its claim on closing an order before another may try. */
const CLOSING_CLAIM_MS = 60_000;

export type CloseResult = { closed: true; order: OrderDoc } | { closed: false; order: OrderDoc; reason: 'PAID' | 'BUSY' | 'NOT_PENDING' };

export async function closeOrder(s: Services, orderId: Types.ObjectId, reason: 'expired' | 'cancelled by shopper'): Promise<CloseResult> {
  const { models } = s;
  const now = new Date();
  const claimed = await models.Order.findOneAndUpdate(
    { _id: orderId, status: 'PENDING_PAYMENT', stage: 'PLACED', $or: [{ closingUntil: { $exists: false } }, { closingUntil: { $lte: now } }] },
    { $set: { closingUntil: new Date(now.getTime() + CLOSING_CLAIM_MS) } },
    { returnDocument: 'after' },
  ).lean<OrderDoc>();
  if (!claimed) {
    const order = (await models.Order.findById(orderId).lean<OrderDoc>())!;
    return { closed: false, order, reason: order.status === 'PENDING_PAYMENT' ? 'BUSY' : order.status === 'CLOSED' ? 'NOT_PENDING' : 'PAID' };
  }

  // PAID too: applying a payment moves the attempt before the order, so an attempt already PAID under a pending
  // order is money arriving right now (or a process that died between the two writes). Skipping it would close
  // the order under the payment and refund the shopper who just paid.
  const attempts = await models.PaymentAttempt.find({ orderId: claimed._id, status: { $in: ['CREATED', 'PREPAID', 'PAID'] } }).lean<AttemptDoc[]>();
  try {
    for (const attempt of attempts) {
      if (await closeAttemptOrDetectPayment(s, attempt)) {
        const order = (await models.Order.findById(claimed._id).lean<OrderDoc>())!;
        return { closed: false, order, reason: order.status === 'CLOSED' ? 'NOT_PENDING' : 'PAID' };
      }
    }
  } catch (err) {
    // Unknown outcome at WeChat: keep the order pending; the expiry job tries again after the claim lapses.
    // (WeChat Pay being away answers 503 WECHAT_UNAVAILABLE, through toAppError.)
    await models.Order.updateOne({ _id: claimed._id }, { $unset: { closingUntil: 1 } });
    throw err;
  }

  const closed = await moveOrder(models, { id: claimed._id, from: 'PENDING_PAYMENT', to: 'CLOSED', set: { closedReason: reason, ...stockSettledMark('CLOSED') }, unset: { closingUntil: 1 }, code: reason === 'expired' ? 'EXPIRED' : 'CANCELLED' });
  if (!closed) {
    // A notification won the race while we talked to WeChat.
    const order = (await models.Order.findById(claimed._id).lean<OrderDoc>())!;
    return { closed: false, order, reason: order.status === 'CLOSED' ? 'NOT_PENDING' : 'PAID' };
  }
  await settleOrderStock(models, closed);
  return { closed: true, order: closed };
}
