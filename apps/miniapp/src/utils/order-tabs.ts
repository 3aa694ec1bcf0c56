// The shopper's order tabs (全部 / 待付款 / 待发货 / 待收货 / 已完成 / 售后), the payment countdown and how a
// closed order says why it closed.
import { STATUS_OF_ORDER_GROUP, type Order, type OrderGroup } from '@xiaodian/shared';

export const ORDER_TAB_KEYS = ['all', 'pending', 'toShip', 'toReceive', 'completed', 'afterSale'] as const;
export type OrderTabKey = (typeof ORDER_TAB_KEYS)[number];

/** Each tab with the API's group (`GET /api/orders?group=`, the shared ORDER_GROUPS); 全部 has none. */
export const ORDER_TABS: readonly { key: OrderTabKey; label: string; group?: OrderGroup }[] = [
  { key: 'all', label: '全部' },
  { key: 'pending', label: '待付款', group: 'PENDING_PAYMENT' },
  { key: 'toShip', label: '待发货', group: 'TO_SHIP' },
  { key: 'toReceive', label: '待收货', group: 'TO_RECEIVE' },
  { key: 'completed', label: '已完成', group: 'COMPLETED' },
  { key: 'afterSale', label: '售后', group: 'AFTER_SALE' },
];

/** The API's group of a tab (undefined: 全部). */
export function groupOfTab(tab: OrderTabKey): OrderGroup | undefined {
  return ORDER_TABS.find((t) => t.key === tab)?.group;
}

type TabOrder = Pick<Order, 'status' | 'openAfterSaleId' | 'refunds'>;

/**
 * Whether the order belongs in the tab, by the API's definition of its group. The API chooses the tab's orders;
 * the page uses this only to drop one that left the tab since (确认收货 moves it from 待收货 to 已完成).
 * 售后 also holds orders that sit in another tab by their status.
 */
export function inOrderTab(order: TabOrder, tab: OrderTabKey): boolean {
  const group = groupOfTab(tab);
  switch (group) {
    case undefined:
      return true;
    case 'AFTER_SALE':
      return (
        order.openAfterSaleId !== undefined ||
        (order.refunds?.length ?? 0) > 0 ||
        order.status === 'REFUNDING' ||
        order.status === 'REFUNDED'
      );
    default:
      return order.status === STATUS_OF_ORDER_GROUP[group];
  }
}

/** A tab key from a page query (`?tab=toShip`); anything else is 全部. */
export function orderTabOf(value: unknown): OrderTabKey {
  return ORDER_TAB_KEYS.find((k) => k === value) ?? 'all';
}

/** Milliseconds left to pay, never below 0. */
export function msToPay(expiresAt: string, now: number): number {
  const left = Date.parse(expiresAt) - now;
  return Number.isFinite(left) && left > 0 ? left : 0;
}

/** The countdown as mm:ss, rounded up so that 00:00 shows only when the time is really up. */
export function countdownText(ms: number): string {
  const seconds = Math.ceil(Math.max(ms, 0) / 1000);
  const mm = Math.floor(seconds / 60);
  const ss = seconds % 60;
  return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/** On a closed order's card: whether the shopper cancelled it or it expired (undefined otherwise). */
export function closedNote(order: Pick<Order, 'status' | 'closedReason'>): string | undefined {
  if (order.status !== 'CLOSED') return undefined;
  if (order.closedReason === 'CANCELLED') return '已取消';
  if (order.closedReason === 'EXPIRED') return '超时未支付，已关闭';
  return undefined;
}
