// The shopper's side of a request: the return's tracking number, and cancelling before the refund starts. The
// compare-and-set against the shop's moves decides a race: a cancel that loses to an approval answers 409.
import type { AfterSaleReturnInput, AfterSaleStatus } from '@xiaodian/shared';
import type { Services } from '../../context';
import { conflict } from '../../errors';
import { findAfterSale } from './find-after-sale';
import type { AfterSaleDoc } from './model';
import { moveAfterSale } from './move-after-sale';
import { noteOnOrder } from './order-timeline';
import { releaseOrderSlot } from './request-after-sale';

export async function returnGoods(s: Services, userId: string, id: string, input: AfterSaleReturnInput): Promise<AfterSaleDoc> {
  const current = await findAfterSale(s, id, userId);
  if (current.type !== 'RETURN_REFUND') throw conflict('AFTER_SALE_STATE', 'A refund-only request has nothing to send back');
  const moved = await moveAfterSale(s.models, {
    id: current._id,
    from: 'APPROVED',
    to: 'RETURNING',
    set: { returnShipment: { expressCompany: input.expressCompany, trackingNo: input.trackingNo, at: new Date() } },
  });
  if (!moved) {
    const now = await findAfterSale(s, id, userId);
    // The same tracking number sent twice (a retry) is the step already taken.
    if (now.status === 'RETURNING' && now.returnShipment?.trackingNo === input.trackingNo) return now;
    throw conflict('AFTER_SALE_STATE', `The request is ${now.status}`);
  }
  await noteOnOrder(s, moved.orderId, 'AFTER_SALE_RETURNED', { afterSaleId: id, expressCompany: input.expressCompany, trackingNo: input.trackingNo });
  return moved;
}

export async function cancelAfterSale(s: Services, userId: string, id: string): Promise<AfterSaleDoc> {
  const current = await findAfterSale(s, id, userId);
  const before: AfterSaleStatus[] = ['REQUESTED', 'APPROVED', 'RETURNING'];
  const moved = await moveAfterSale(s.models, { id: current._id, from: before, to: 'CANCELLED' });
  if (!moved) {
    const now = await findAfterSale(s, id, userId);
    if (now.status === 'CANCELLED') return now;
    throw conflict('AFTER_SALE_STATE', `The request is ${now.status}: it can no longer be cancelled`);
  }
  await noteOnOrder(s, moved.orderId, 'AFTER_SALE_CANCELLED', { afterSaleId: id });
  await releaseOrderSlot(s, moved.orderId, moved._id);
  return moved;
}
