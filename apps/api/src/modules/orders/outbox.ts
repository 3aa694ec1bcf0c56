// The order's durable outbox: a message the shop owes (to the shopper or the owner) is written into the order in
// the same update as the change it reports, so no crash can separate the two; the messages room drains it.

export const OUTBOX_EVENTS = ['PAID', 'SHIPPED', 'REFUNDED', 'OWNER_ORDER', 'OWNER_AFTERSALE', 'OWNER_REMIND_SHIPPING'] as const;
export type OutboxEvent = (typeof OUTBOX_EVENTS)[number];

export interface OutboxEntry {
  /** Unique per order and event: `PAID`, `SHIPPED`, `REFUNDED:<outRefundNo>`, `OWNER_AFTERSALE:<id>`, … */
  key: string;
  event: OutboxEvent;
  data: Record<string, unknown>;
  at: Date;
}

export function outboxEntry(event: OutboxEvent, key: string, data: Record<string, unknown>): OutboxEntry {
  return { key, event, data, at: new Date() };
}
