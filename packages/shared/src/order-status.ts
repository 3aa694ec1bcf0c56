// The order's state machine. Every change in the API is a compare-and-set from one of these states to
// another allowed by this table; anything else is a duplicate or a race, never an error to the caller.

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'SHIPPED',
  'COMPLETED',
  'CLOSED',
  'REFUNDING',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  // CLOSED: expired or cancelled; PAID: a notification or a query confirmed the payment.
  PENDING_PAYMENT: ['PAID', 'CLOSED'],
  // Refunds are separate from fulfilment: only a refund of the whole remaining paid amount makes an order
  // REFUNDING (a partial refund leaves the status as it is). COMPLETED from PAID: WeChat settled an order the shop
  // handed over without recording a shipment here; the shopper's button and the auto-complete job need SHIPPED.
  PAID: ['SHIPPED', 'REFUNDING', 'COMPLETED'],
  SHIPPED: ['COMPLETED', 'REFUNDING'],
  COMPLETED: ['REFUNDING'],
  // REFUNDED when the whole paid amount went back; back to PAID/SHIPPED/COMPLETED when that refund fails.
  REFUNDING: ['REFUNDED', 'PAID', 'SHIPPED', 'COMPLETED'],
  // A payment that arrives for a closed order is refunded; the order itself stays CLOSED.
  CLOSED: [],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** States from which `to` can be reached: the filter of a compare-and-set. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}

/** Orders that money has reached (for sales figures and refunds). */
export const PAID_STATUSES: readonly OrderStatus[] = ['PAID', 'SHIPPED', 'COMPLETED', 'REFUNDING', 'REFUNDED'];

/** Orders a refund may start on (REFUNDING: only orders left so by the rule before partial refunds kept the status). */
export function isRefundable(status: OrderStatus): boolean {
  return status === 'REFUNDING' || canTransition(status, 'REFUNDING');
}

// A payment attempt (one out_trade_no). WeChat's word decides: an attempt we closed can still turn out paid (the
// money is then refunded automatically), so CLOSED → PAID is allowed, and PAID is final.
export const ATTEMPT_STATUSES = ['CREATED', 'PREPAID', 'PAID', 'CLOSED'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export const ATTEMPT_TRANSITIONS: Readonly<Record<AttemptStatus, readonly AttemptStatus[]>> = {
  CREATED: ['PREPAID', 'PAID', 'CLOSED'],
  // PREPAID → PREPAID: a repeated prepay (same parameters, same prepay_id) refreshes its expiry.
  PREPAID: ['PREPAID', 'PAID', 'CLOSED'],
  CLOSED: ['PAID'],
  PAID: [],
};

// A refund: PENDING until WeChat accepts it, then WeChat's own states. ABNORMAL can still end either way once the
// merchant sorts it out at WeChat; SUCCESS and CLOSED are final.
export const REFUND_STATUSES = ['PENDING', 'PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  PENDING: ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'],
  PROCESSING: ['SUCCESS', 'CLOSED', 'ABNORMAL'],
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  SUCCESS: [],
  CLOSED: [],
};

/** The states from which `to` can be reached in any transition table: the filter of a compare-and-set. */
export function sourcesIn<S extends string>(table: Readonly<Record<S, readonly S[]>>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}
