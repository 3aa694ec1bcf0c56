// The shopper's and the console's view of orders with what the rooms below shipping cannot read themselves: the
// order's refunds (refunds room) and whether confirming receipt goes through WeChat's own order UI (the shop is
// under WeChat's trade management, a cached answer; shipping room).
import type { AdminOrder, Order } from '@xiaodian/shared';
import type { Services } from '../../context';
import { toAdminOrder, toOrder, type OrderViewExtras } from '../orders/dto';
import type { OrderDoc } from '../orders/model';
import { orderRefundsOf } from '../refunds/dto';
import { isTradeManaged } from './check-trade-managed';

async function extrasOf(s: Services, docs: OrderDoc[]): Promise<(doc: OrderDoc) => OrderViewExtras> {
  const refunds = await orderRefundsOf(s.models, docs.filter((d) => (d.paidFen ?? 0) > 0).map((d) => d._id));
  // Only orders with a transaction need the answer; WeChat away must not break reading one's orders.
  const managed = docs.some((d) => d.transactionId)
    ? await isTradeManaged(s).catch((err: unknown) => {
        s.logger.warn({ err: (err as Error).message }, 'is_trade_managed unknown; confirm receipt in the app');
        return false;
      })
    : false;
  return (doc) => ({ refunds: refunds.get(String(doc._id)) ?? [], confirmInWechat: managed });
}

export async function shopperOrderViews(s: Services, docs: OrderDoc[]): Promise<Order[]> {
  const extras = await extrasOf(s, docs);
  return docs.map((doc) => toOrder(doc, extras(doc)));
}

export async function shopperOrderView(s: Services, doc: OrderDoc): Promise<Order> {
  return (await shopperOrderViews(s, [doc]))[0]!;
}

export async function adminOrderView(s: Services, doc: OrderDoc): Promise<AdminOrder> {
  const extras = await extrasOf(s, [doc]);
  return toAdminOrder(doc, extras(doc));
}
