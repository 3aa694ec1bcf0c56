// The shop's side of a request: approve, reject, and "goods received" for returns. Each is one compare-and-set on
// the request; only the caller whose move won writes the order's timeline and starts the refund, so two admins
// approving at once, or an approval racing the shopper's cancel, end in one outcome and at most one refund.
import type { AfterSaleStatus } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, conflict } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { refundExceedsItems, takesShippingFee } from '../refunds/refund-room';
import { writeAudit } from '../staff/audit';
import { findAfterSale } from './find-after-sale';
import type { AfterSaleDoc } from './model';
import { moveAfterSale } from './move-after-sale';
import { noteOnOrder } from './order-timeline';
import { releaseOrderSlot } from './request-after-sale';
import { startAfterSaleRefund } from './start-after-sale-refund';

export async function approveAfterSale(s: Services, id: string, actor: string, note?: string): Promise<AfterSaleDoc> {
  const current = await findAfterSale(s, id);
  const refundOnly = current.type === 'REFUND_ONLY';
  const to: AfterSaleStatus = refundOnly ? 'REFUNDING' : 'APPROVED';
  if (current.status === 'REQUESTED' && refundOnly) await refuseIfNotRefundable(s, current);
  const moved = await moveAfterSale(s.models, { id: current._id, from: 'REQUESTED', to, set: { decidedBy: actor, ...(note ? { adminNote: note } : {}) }, ...(note ? { note } : {}) });
  if (!moved) return repeatedOr409(s, id, refundOnly ? ['REFUNDING', 'REFUNDED'] : ['APPROVED', 'RETURNING', 'REFUNDING', 'REFUNDED']);
  // A refund-only request of the whole remainder approved before shipping: the order must not leave the shop any
  // more; a partial one (the amount is on the entry, for the console) leaves the rest of the order to ship.
  await noteOnOrder(s, moved.orderId, 'AFTER_SALE_APPROVED', { afterSaleId: id, type: moved.type, amountFen: moved.amountFen }, refundOnly ? { amountFen: moved.amountFen } : undefined);
  await audit(s, moved, actor, 'after-sale.approve', note);
  return refundOnly ? startAfterSaleRefund(s, moved, actor) : moved;
}

export async function rejectAfterSale(s: Services, id: string, actor: string, note: string): Promise<AfterSaleDoc> {
  const current = await findAfterSale(s, id);
  const moved = await moveAfterSale(s.models, { id: current._id, from: ['REQUESTED', 'APPROVED', 'RETURNING'], to: 'REJECTED', set: { decidedBy: actor, adminNote: note }, note });
  if (!moved) return repeatedOr409(s, id, ['REJECTED']);
  await noteOnOrder(s, moved.orderId, 'AFTER_SALE_REJECTED', { afterSaleId: id });
  await releaseOrderSlot(s, moved.orderId, moved._id);
  await audit(s, moved, actor, 'after-sale.reject', note);
  return moved;
}

/** The returned goods arrived: the refund starts (also from APPROVED, when they came before a tracking number). */
export async function receiveAfterSale(s: Services, id: string, actor: string): Promise<AfterSaleDoc> {
  const current = await findAfterSale(s, id);
  if (current.type !== 'RETURN_REFUND') throw conflict('AFTER_SALE_STATE', 'Only a return has goods to receive');
  if (current.status === 'APPROVED' || current.status === 'RETURNING') await refuseIfNotRefundable(s, current);
  const moved = await moveAfterSale(s.models, { id: current._id, from: ['APPROVED', 'RETURNING'], to: 'REFUNDING', set: { decidedBy: actor } });
  if (!moved) return repeatedOr409(s, id, ['REFUNDING', 'REFUNDED']);
  await noteOnOrder(s, moved.orderId, 'AFTER_SALE_RECEIVED', { afterSaleId: id });
  await audit(s, moved, actor, 'after-sale.receive');
  return startAfterSaleRefund(s, moved, actor);
}

/**
 * The move found the request elsewhere: a repeat of a step already taken (two admins, a double click) answers
 * with the request as it is; anything else is a 409.
 */
async function repeatedOr409(s: Services, id: string, done: readonly AfterSaleStatus[]): Promise<AfterSaleDoc> {
  const now = await findAfterSale(s, id);
  if (done.includes(now.status as AfterSaleStatus)) return now;
  throw conflict('AFTER_SALE_STATE', `The request is ${now.status}`);
}

/**
 * Refused before moving, so a request is never approved into a refund that cannot start: the money may have gone
 * back some other way since the request, and what was the whole remainder may now be a partial amount that would
 * take the fee (the refund's own reservation repeats both checks).
 */
async function refuseIfNotRefundable(s: Services, afterSale: AfterSaleDoc): Promise<void> {
  const order = await s.models.Order.findById(afterSale.orderId).lean<OrderDoc>();
  const refundable = (order?.paidFen ?? 0) - (order?.refundCommittedFen ?? 0);
  if (afterSale.amountFen > refundable) {
    throw new AppError('REFUND_EXCEEDS_PAID', { status: 409, message: `At most ${Math.max(0, refundable)} fen of this order can still be refunded` });
  }
  if (order && takesShippingFee(order, afterSale.amountFen, false)) throw refundExceedsItems(order);
}

async function audit(s: Services, afterSale: AfterSaleDoc, actor: string, action: string, note?: string): Promise<void> {
  await writeAudit(s.models, {
    actor,
    action,
    orderId: afterSale.orderId,
    detail: `after-sale ${String(afterSale._id)} (${afterSale.type}, ${afterSale.amountFen} fen) → ${afterSale.status}${note ? `: ${note}` : ''}`,
    data: { afterSaleId: String(afterSale._id), type: afterSale.type, amountFen: afterSale.amountFen, status: afterSale.status, ...(note ? { note } : {}) },
  });
}
