// An order's end: SHIPPED → COMPLETED, when the shopper confirms receipt in the app, when WeChat tells us the
// shopper confirmed in WeChat's own order UI (or WeChat settled the order itself: trade_manage_order_settlement),
// or when the auto-complete job finds it shipped AUTO_COMPLETE_DAYS ago. One compare-and-set, so every path and
// every repeat completes an order once; an order already COMPLETED is answered as such, never as an error.
//
// WeChat may also settle an order still PAID: the shop handed the goods over without recording the shipment
// here (shipped in WeChat's merchant tools, or picked up). WeChat's word is final about the shopper's receipt,
// so a settlement completes a PAID order too (the table allows PAID → COMPLETED); the shopper's button and the
// job only complete shipped orders.
import type { CompletionVia } from '@xiaodian/shared';
import { isValidObjectId, type Types } from 'mongoose';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { moveOrder } from '../orders/move-order';

export type CompleteTarget = { orderId: Types.ObjectId | string } | { transactionId: string };

export type CompleteResult =
  /** Completed now by this call. */
  | { outcome: 'COMPLETED'; order: OrderDoc }
  /** Completed before (a repeat, or another path won): nothing changed. */
  | { outcome: 'ALREADY'; order: OrderDoc }
  /** In a state that cannot complete (unpaid, closed, refunding, refunded; PAID unless WeChat says so). */
  | { outcome: 'NOT_COMPLETABLE'; order: OrderDoc }
  | { outcome: 'NOT_FOUND' };

export async function completeOrder(s: Pick<Services, 'models'>, target: CompleteTarget & { via: CompletionVia; now?: Date }): Promise<CompleteResult> {
  const { models } = s;
  const match = 'orderId' in target ? { _id: target.orderId } : { transactionId: target.transactionId };
  if ('orderId' in target && !isValidObjectId(target.orderId)) return { outcome: 'NOT_FOUND' };
  const order = await models.Order.findOne({ ...match, stage: 'PLACED' }).lean<OrderDoc>();
  if (!order) return { outcome: 'NOT_FOUND' };
  const from = target.via === 'WECHAT' ? (['SHIPPED', 'PAID'] as const) : (['SHIPPED'] as const);
  const now = target.now ?? new Date();
  const completed = await moveOrder(models, { id: order._id, from, to: 'COMPLETED', set: { completedAt: now }, code: 'COMPLETED', data: { via: target.via } });
  if (completed) return { outcome: 'COMPLETED', order: completed };
  const current = (await models.Order.findById(order._id).lean<OrderDoc>())!;
  return { outcome: current.status === 'COMPLETED' ? 'ALREADY' : 'NOT_COMPLETABLE', order: current };
}
