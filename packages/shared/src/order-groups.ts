// The shopper's order tabs as the API filters them (`GET /api/orders?group=`). Zod-free on purpose: the
// mp-weixin build imports these values, and a zod schema in its bundle would cost the main package its size.

/** 待付款, 待发货, 待收货, 已完成 and 售后; no group: every order. */
export const ORDER_GROUPS = ['PENDING_PAYMENT', 'TO_SHIP', 'TO_RECEIVE', 'COMPLETED', 'AFTER_SALE'] as const;
export type OrderGroup = (typeof ORDER_GROUPS)[number];

/**
 * The order status each group but 售后 holds. 售后 is not a status: an open after-sale request, a refund status, or
 * any refund the shopper sees on the order, whatever its status (so an order may be in 售后 and in another group).
 */
export const STATUS_OF_ORDER_GROUP = {
  PENDING_PAYMENT: 'PENDING_PAYMENT',
  TO_SHIP: 'PAID',
  TO_RECEIVE: 'SHIPPED',
  COMPLETED: 'COMPLETED',
} as const satisfies Record<Exclude<OrderGroup, 'AFTER_SALE'>, string>;
