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
  // REFUNDING: an admin started a refund (full or partial).
  PAID: ['SHIPPED', 'REFUNDING', 'COMPLETED'],
  SHIPPED: ['COMPLETED', 'REFUNDING'],
  COMPLETED: ['REFUNDING'],
  // Back to PAID/SHIPPED/COMPLETED when a partial refund settles (or a refund fails); REFUNDED when fully refunded.
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
