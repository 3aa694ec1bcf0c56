// The console's order tabs: 待发货, 待收货 and 售后中, as filters for the list and as counts for their badges.
import type { Services } from '../../context';

export const ORDER_TABS = ['TO_SHIP', 'TO_RECEIVE', 'AFTER_SALE'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

/** The orders of a tab: what `shipOrder` would take (PAID, not blocked by a refund-only after-sale), parcels on their way, and orders with an after-sale open or a refund of everything in flight. */
export function tabFilter(tab: OrderTab): Record<string, unknown> {
  switch (tab) {
    case 'TO_SHIP':
      return { status: 'PAID', shipBlocked: { $ne: true } };
    case 'TO_RECEIVE':
      return { status: 'SHIPPED' };
    case 'AFTER_SALE':
      return { $or: [{ openAfterSaleId: { $exists: true, $ne: null } }, { status: 'REFUNDING' }] };
  }
}

export interface OrderTabCounts {
  toShip: number;
  toReceive: number;
  afterSale: number;
}

export async function countOrderTabs(s: Pick<Services, 'models'>): Promise<OrderTabCounts> {
  const count = (tab: OrderTab) => s.models.Order.countDocuments({ stage: 'PLACED', ...tabFilter(tab) });
  const [toShip, toReceive, afterSale] = await Promise.all([count('TO_SHIP'), count('TO_RECEIVE'), count('AFTER_SALE')]);
  return { toShip, toReceive, afterSale };
}
