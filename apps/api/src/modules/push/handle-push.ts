// What a verified push does. Only two of WeChat's events matter to the shop: the settlement of an order under
// WeChat's trade management (the shopper confirmed receipt in WeChat's UI, or WeChat settled it) completes the
// order; a shipping reminder becomes an alert for the owner. Everything else is acknowledged and ignored, and so is
// a repeat: completing is idempotent, and a reminder counts once per Beijing day.
import { beijingDate } from '@xiaodian/shared';
import type { Services } from '../../context';
import { outboxEntry } from '../orders/outbox';
import { completeOrder } from '../shipping/complete-order';

export type PushOutcome = 'COMPLETED' | 'REMINDED' | 'IGNORED';

interface PushMessage {
  Event?: unknown;
  MsgType?: unknown;
  transaction_id?: unknown;
  confirm_receive_method?: unknown;
  settlement_time?: unknown;
}

export async function handlePush(s: Services, message: unknown, now = new Date()): Promise<PushOutcome> {
  const push = (message ?? {}) as PushMessage;
  const transactionId = typeof push.transaction_id === 'string' && push.transaction_id ? push.transaction_id : undefined;
  if (push.Event === 'trade_manage_order_settlement' && transactionId) {
    // The same event is pushed when the shipping is recorded; only the settlement (with its time) completes.
    if (push.settlement_time === undefined && push.confirm_receive_method === undefined) return 'IGNORED';
    return settle(s, transactionId);
  }
  if (push.Event === 'trade_manage_remind_shipping' && transactionId) return remind(s, transactionId, now);
  return 'IGNORED';
}

async function settle(s: Services, transactionId: string): Promise<PushOutcome> {
  const result = await completeOrder(s, { transactionId, via: 'WECHAT' });
  if (result.outcome === 'COMPLETED') return 'COMPLETED';
  // A repeat, another shop's transaction, or an order that cannot complete (refunded meanwhile): anything but
  // success would only make WeChat push it again. The log keeps the odd ones.
  if (result.outcome !== 'ALREADY') s.logger.warn({ transactionId, outcome: result.outcome }, 'settlement push for an order that does not complete');
  return 'IGNORED';
}

/** At most one owner alert per order and Beijing day, however often WeChat reminds. */
async function remind(s: Services, transactionId: string, now: Date): Promise<PushOutcome> {
  const day = beijingDate(now);
  const dayStart = new Date(`${day}T00:00:00+08:00`);
  const reminded = await s.models.Order.updateOne(
    { transactionId, status: 'PAID', $or: [{ shippingRemindedAt: { $exists: false } }, { shippingRemindedAt: { $lt: dayStart } }] },
    { $set: { shippingRemindedAt: now }, $push: { outbox: outboxEntry('OWNER_REMIND_SHIPPING', `OWNER_REMIND_SHIPPING:${day.replace(/-/g, '')}`, {}) } },
  );
  return reminded.modifiedCount === 1 ? 'REMINDED' : 'IGNORED';
}
