// Turns the orders' outbox entries into Message documents, then takes each entry off its order. Every step can
// run twice (a crash between them, every instance running the job at once) without doubling anything: a message's
// id is fixed by (order, outbox key, recipient) and written with $setOnInsert, and the $pull of an entry already
// pulled changes nothing. So an entry is never lost (it stays until its messages exist) and never sent twice.
import type { Services } from '../../context';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import type { OrderDoc } from '../orders/model';
import type { OutboxEntry } from '../orders/outbox';
import { isShopperEvent, messageContent, type OrderForMessage } from './message-content';

export type OrderWithOutbox = OrderForMessage & { openid: string; outbox?: OutboxEntry[] };

/** The fixed id of the message reporting `key` of `orderId` to `openid`. */
export function messageIdOf(orderId: string, key: string, openid: string): string {
  return `${orderId}:${key}:${openid}`;
}

/** The console accounts that receive the owner's messages: bound, enabled, and wanting them (the owner unless they said no). */
async function ownerRecipients(s: Services): Promise<{ staffId: OrderDoc['_id']; openid: string }[]> {
  const accounts = await s.models.Admin.find({
    wechatOpenid: { $exists: true },
    disabledAt: { $exists: false },
    $or: [{ notify: true }, { role: 'owner', notify: { $exists: false } }],
  })
    .select({ wechatOpenid: 1 })
    .lean();
  const seen = new Set<string>();
  const out: { staffId: OrderDoc['_id']; openid: string }[] = [];
  for (const a of accounts) {
    // One WeChat bound to two accounts still gets one message.
    if (!a.wechatOpenid || seen.has(a.wechatOpenid)) continue;
    seen.add(a.wechatOpenid);
    out.push({ staffId: a._id, openid: a.wechatOpenid });
  }
  return out;
}

async function createMessage(s: Services, order: OrderWithOutbox, entry: OutboxEntry, recipient: { openid: string; staffId?: OrderDoc['_id'] }, now: Date): Promise<void> {
  const content = messageContent(order, entry);
  if (!content) return;
  const templateId = s.config.subscribeTemplates[content.template];
  const id = messageIdOf(String(order._id), entry.key, recipient.openid);
  try {
    await s.models.Message.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          orderId: order._id,
          key: entry.key,
          event: entry.event,
          openid: recipient.openid,
          ...(recipient.staffId ? { staffId: recipient.staffId } : {}),
          ...(content.page ? { page: content.page } : {}),
          data: content.data,
          attempts: 0,
          createdAt: now,
          // A template the shop has not configured: recorded, never sent.
          ...(templateId ? { templateId, status: 'PENDING', nextAttemptAt: now } : { status: 'SKIPPED' }),
        },
      },
      { upsert: true },
    );
  } catch (err) {
    // Another instance inserted it between our upsert's lookup and its insert: it exists, which is the point.
    if (!isDuplicateKeyError(err)) throw err;
  }
}

/** Creates the messages of one outbox entry (what a drain does before it takes the entry off the order). */
export async function createMessagesFor(s: Services, order: OrderWithOutbox, entry: OutboxEntry, now = new Date()): Promise<void> {
  const recipients = isShopperEvent(entry.event) ? [{ openid: order.openid }] : await ownerRecipients(s);
  for (const recipient of recipients) await createMessage(s, order, entry, recipient, now);
}

/** Drains the outbox of up to `limit` orders; resolves how many entries it took off. */
export async function runOutboxDrain(s: Services, now = new Date(), limit = 50): Promise<number> {
  const orders = await s.models.Order.find({ 'outbox.at': { $lte: now } })
    .select({ openid: 1, outbox: 1, items: 1, totalFen: 1, paidFen: 1, paidAt: 1, outTradeNo: 1, orderNo: 1, shipping: 1 })
    .limit(limit)
    .lean<OrderWithOutbox[]>();
  let drained = 0;
  let owners: Awaited<ReturnType<typeof ownerRecipients>> | undefined;
  for (const order of orders) {
    for (const entry of order.outbox ?? []) {
      const recipients = isShopperEvent(entry.event) ? [{ openid: order.openid }] : (owners ??= await ownerRecipients(s));
      for (const recipient of recipients) await createMessage(s, order, entry, recipient, now);
      // Only once its messages exist: a crash before this line leaves the entry for the next run.
      const pulled = await s.models.Order.updateOne({ _id: order._id }, { $pull: { outbox: { key: entry.key } } });
      if (pulled.modifiedCount === 1) drained++;
    }
  }
  return drained;
}
