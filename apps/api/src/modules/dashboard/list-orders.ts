import { Types } from 'mongoose';
import { adminOrdersQuery, type AdminOrder, type AdminOrderRow } from '@xiaodian/shared';
import { z } from 'zod';
import type { Services } from '../../context';
import { badRequest } from '../../errors';
import { literalPattern } from '../catalog/list-products';
import type { OrderDoc } from '../orders/model';
import { toAdminOrder } from '../orders/dto';
import { ORDER_TABS, tabFilter } from './order-tabs';

/** The shared query plus the console's tab (待发货 / 待收货 / 售后中). */
export const adminOrdersListQuery = adminOrdersQuery.extend({ tab: z.enum(ORDER_TABS).optional() });
export type AdminOrdersListQuery = z.infer<typeof adminOrdersListQuery>;

const DAY_MS = 24 * 3600_000;

/** The instant a Beijing calendar day (`YYYY-MM-DD`) starts. */
export function beijingDayStart(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/**
 * Orders newest first, filtered by status, by tab and by the Beijing days they were placed on, and searched by an
 * exact out_trade_no (of any payment attempt), transaction_id, openid, out_refund_no or order id; by the readable
 * order number (digits match it whole or in part: a prefix such as the date, or the last digits a shopper reads
 * out); by the recipient's phone (digits: the whole number or its end, such as the last 4); and by part of the
 * recipient's name or of an item's name. Text is matched literally (a regex metacharacter is just a character).
 */
export async function listOrders(s: Pick<Services, 'models'>, query: AdminOrdersListQuery): Promise<{ items: AdminOrderRow[]; total: number }> {
  const { models } = s;
  const filter: Record<string, unknown> = { stage: 'PLACED' };
  if (query.status) filter.status = query.status;
  // The after-sale tab is an $or of its own: it joins the search's $or through $and.
  const all: Record<string, unknown>[] = query.tab ? [tabFilter(query.tab)] : [];
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
    const text = literalPattern(q);
    const digits = /^\d{1,20}$/.test(q);
    const orderNo = digits ? [{ orderNo: { $regex: text } }] : [];
    // Fewer than 4 digits would match the end of most phone numbers.
    const phone = digits && q.length >= 4 ? [{ 'address.phone': { $regex: `${text}$` } }] : [];
    all.push({
      $or: [
        { outTradeNo: q },
        { transactionId: q },
        { openid: q },
        ...orderNo,
        ...phone,
        { 'address.name': { $regex: text, $options: 'i' } },
        { 'items.name': { $regex: text, $options: 'i' } },
        ...(ids.length ? [{ _id: { $in: ids } }] : []),
      ],
    });
  }
  if (all.length) filter.$and = all;
  const [orders, total] = await Promise.all([
    models.Order.find(filter)
      .sort({ createdAt: -1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .lean<OrderDoc[]>(),
    models.Order.countDocuments(filter),
  ]);
  return { items: orders.map((order) => rowOf(toAdminOrder(order))), total };
}

/** The order without the payer's openid: the detail shows it, the list names the recipient instead. */
function rowOf(order: AdminOrder): AdminOrderRow {
  const { openid: _openid, ...row } = order;
  return row;
}
