// What happened to an order, as a code plus data: the API stores these on the order's timeline and the clients
// render the words (Chinese) from the code, so no English note ever reaches a shopper or an owner.

export const ORDER_EVENT_CODES = [
  'PLACED',
  'PAID',
  'CANCELLED',
  'EXPIRED',
  'CLOSED',
  'SHIPPED',
  'SHIPMENT_UPDATED',
  'COMPLETED',
  'REFUND_STARTED',
  'REFUND_SUCCEEDED',
  'REFUND_FAILED',
  'AFTER_SALE_REQUESTED',
  'AFTER_SALE_APPROVED',
  'AFTER_SALE_REJECTED',
  'AFTER_SALE_CANCELLED',
  'AFTER_SALE_RETURNED',
  'AFTER_SALE_RECEIVED',
] as const;
export type OrderEventCode = (typeof ORDER_EVENT_CODES)[number];

/** Who completed an order: the shopper in the app, WeChat (the shopper confirmed in WeChat's UI, or WeChat settled it), or the auto-complete job. */
export const COMPLETION_VIAS = ['SHOPPER', 'WECHAT', 'AUTO'] as const;
export type CompletionVia = (typeof COMPLETION_VIAS)[number];
