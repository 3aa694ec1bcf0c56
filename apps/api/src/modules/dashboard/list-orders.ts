import { Types } from 'mongoose';
import type { AdminOrder, AdminOrdersQuery } from '@xiaodian/shared';
import type { Services } from '../../context';
import { badRequest } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { toAdminOrder } from '../orders/dto';

const DAY_MS = 24 * 3600_000;

/** The instant a Beijing calendar day (`YYYY-MM-DD`) starts. */
export function beijingDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/**
 * Orders newest first, filtered by status and by the Beijing days they were placed on, and searched by an exact
 * out_trade_no (of any payment attempt), transaction_id, openid, out_refund_no or order id, or by the readable
 * order number: digits match it whole or in part (a prefix such as the date, or the last digits a shopper reads
 * out), as literal text.
 */
export async function listOrders(s: Pick<Services, 'models'>, query: AdminOrdersQuery): Promise<{ items: AdminOrder[]; total: number }> {
  const { models } = s;
  const filter: Record<string, unknown> = { stage: 'PLACED' };
  if (query.status) filter.status = query.status;
  if (query.from || query.to) {
    if (query.from && query.to && query.from > query.to) throw badRequest('from: must not be after to');
    filter.createdAt = {
      ...(query.from ? { $gte: beijingDayStart(query.from) } : {}),
      ...(query.to ? { $lt: new Date(beijingDayStart(query.to).getTime() + DAY_MS) } : {}),
    };
  }
  if (query.q) {
    const q = query.q;
    const [attempts, refunds] = await Promise.all([
      models.PaymentAttempt.find({ $or: [{ outTradeNo: q }, { transactionId: q }] }, { orderId: 1 }).limit(50).lean(),
      models.Refund.find({ outRefundNo: q }, { orderId: 1 }).limit(1).lean(),
    ]);
    const ids = [...attempts.map((a) => a.orderId), ...refunds.flatMap((r) => (r.orderId ? [r.orderId] : []))];
    if (/^[a-f0-9]{24}$/.test(q)) ids.push(new Types.ObjectId(q));
    const orderNo = /^\d{1,20}$/.test(q) ? [{ orderNo: { $regex: literalPattern(q) } }] : [];
    filter.$or = [{ outTradeNo: q }, { transactionId: q }, { openid: q }, ...orderNo, ...(ids.length ? [{ _id: { $in: ids } }] : [])];
  }
  const [orders, total] = await Promise.all([
    models.Order.find(filter)
      .sort({ createdAt: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<OrderDoc[]>(),
    models.Order.countDocuments(filter),
  ]);
  return { items: orders.map((order) => toAdminOrder(order)), total };
}

/** A regular expression that matches `text` literally (only digits reach it today; escaped all the same). */
function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
