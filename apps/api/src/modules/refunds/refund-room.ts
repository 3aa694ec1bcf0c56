// The shipping fee in refunds: a refund of everything that remains is whole and takes the fee with it; a partial
// refund takes only from the items' part unless the admin includes the fee (shoppers' after-sale requests cannot).
// One rule for the admin's refunds and the after-sale requests, checked on the order as read and repeated in
// each compare-and-set (refund-order.ts, aftersales/request-after-sale.ts), so racing partials never cut into it.
import { refundRoomOf } from '@xiaodian/shared';
import { AppError } from '../../errors';
import type { OrderDoc } from '../orders/model';

type OrderMoney = Pick<OrderDoc, 'paidFen' | 'refundCommittedFen' | 'shippingFeeFen'>;

/** 409 REFUND_EXCEEDS_ITEMS with what the client renders: the items' part still refundable and the fee. */
export function refundExceedsItems(order: OrderMoney): AppError {
  const { partialRefundMaxFen } = refundRoomOf(order);
  const shippingFeeFen = order.shippingFeeFen ?? 0;
  return new AppError('REFUND_EXCEEDS_ITEMS', {
    status: 409,
    message: `A partial refund may take at most ${partialRefundMaxFen} fen: the shipping fee of ${shippingFeeFen} fen goes back only with the whole remaining amount`,
    details: { maxFen: partialRefundMaxFen, shippingFeeFen },
  });
}

/**
 * Whether a refund of `amountFen` breaks the fee rule on the order as read (within what remains: the caller
 * checks REFUND_EXCEEDS_PAID first). Orders from before fees have none: everything is the items' part.
 */
export function takesShippingFee(order: OrderMoney, amountFen: number, includeShippingFee: boolean): boolean {
  const { refundableFen, partialRefundMaxFen } = refundRoomOf(order);
  return !includeShippingFee && amountFen !== refundableFen && amountFen > partialRefundMaxFen;
}

/**
 * The compare-and-set's condition on `refundCommittedFen` for a partial refund of `amountFen` (one that leaves
 * something refundable): committed + amount < paid, and, unless the fee is included, committed + amount ≤
 * paid − fee. Plain numbers, computed before the query, so the database only compares.
 */
export function partialRoom(order: OrderMoney, amountFen: number, includeShippingFee: boolean): { $lt: number } | { $lte: number } {
  const paidFen = order.paidFen ?? 0;
  const feeFen = order.shippingFeeFen ?? 0;
  return includeShippingFee || feeFen === 0 ? { $lt: paidFen - amountFen } : { $lte: paidFen - feeFen - amountFen };
}
