// Whether an order is paid is the API's answer, never the cashier's. The result page polls
// `GET /api/orders/:id?sync=1` with a growing delay and shows "confirming" until the API says PAID or CLOSED.
// This file is the whole decision; the page only renders the state it reports.
import { PAID_STATUSES, type Order, type OrderStatus } from '@xiaodian/shared';
import type { ClientPayResult } from '@/platform/types';

/**
 * Waits between polls: 1 s, 2 s, 3 s … while their sum stays within the budget (30 s → 1…7 s, 28 s in all,
 * 8 polls counting the first, immediate one).
 */
export function pollDelays(budgetMs = 30_000, stepMs = 1_000): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let next = stepMs; total + next <= budgetMs; next += stepMs) {
    delays.push(next);
    total += next;
  }
  return delays;
}

/** What the result page shows. */
export type PaymentView =
  /** Still asking the API. `trouble`: the last poll failed (network); keep going, never assume paid. */
  | { kind: 'confirming'; trouble: boolean; order?: Order }
  /** The API says the money arrived. */
  | { kind: 'paid'; order: Order }
  /** The order is closed (expired or cancelled): nothing was taken, or it will be refunded. */
  | { kind: 'closed'; order: Order }
  /** The shopper cancelled (or the cashier failed) and the order is still waiting: "not paid", pay again. */
  | { kind: 'not_paid'; order: Order; reason: 'cancel' | 'fail' }
  /** The time budget ran out without a final answer. Not paid as far as we know; check the order later. */
  | { kind: 'unconfirmed'; order?: Order; trouble: boolean };

export function isPaidStatus(status: OrderStatus): boolean {
  return PAID_STATUSES.includes(status);
}

/**
 * The view after one answer (or failure) of the API. `final` views end the polling.
 * Only an order the API reports in a paid state yields 'paid' — an error of any kind cannot.
 */
export function viewAfterPoll(
  client: ClientPayResult | undefined,
  outcome: { order: Order } | { error: unknown },
  previous?: Order,
): { view: PaymentView; final: boolean } {
  if ('error' in outcome) {
    return { view: { kind: 'confirming', trouble: true, ...(previous ? { order: previous } : {}) }, final: false };
  }
  const { order } = outcome;
  if (isPaidStatus(order.status)) return { view: { kind: 'paid', order }, final: true };
  if (order.status === 'CLOSED') return { view: { kind: 'closed', order }, final: true };
  // Still PENDING_PAYMENT. After a cancel or a failure in the cashier that is the answer: not paid.
  if (client === 'cancel' || client === 'fail') {
    return { view: { kind: 'not_paid', order, reason: client }, final: true };
  }
  return { view: { kind: 'confirming', trouble: false, order }, final: false };
}

export interface ConfirmOptions {
  /** What the cashier said (undefined when unknown, e.g. the page was reopened). */
  client: ClientPayResult | undefined;
  /** Asks the API (with `sync=1`). */
  fetchOrder(): Promise<Order>;
  /** Called with every new view, the final one included. */
  onView(view: PaymentView): void;
  delays?: number[];
  sleep?(ms: number): Promise<void>;
  /** Return true to stop (the page was left). */
  stopped?(): boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the API gives a final answer or the budget runs out; returns the last view. */
export async function confirmPayment(opts: ConfirmOptions): Promise<PaymentView> {
  const delays = opts.delays ?? pollDelays();
  const sleep = opts.sleep ?? defaultSleep;
  let lastOrder: Order | undefined;
  let trouble = false;
  let view: PaymentView = { kind: 'confirming', trouble: false };
  opts.onView(view);

  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await sleep(delays[attempt - 1] ?? 0);
    if (opts.stopped?.()) return view;
    let outcome: { order: Order } | { error: unknown };
    try {
      outcome = { order: await opts.fetchOrder() };
    } catch (error) {
      outcome = { error };
    }
    if (opts.stopped?.()) return view;
    const step = viewAfterPoll(opts.client, outcome, lastOrder);
    if ('order' in outcome) lastOrder = outcome.order;
    trouble = 'error' in outcome;
    view = step.view;
    opts.onView(view);
    if (step.final) return view;
  }

  view = { kind: 'unconfirmed', trouble, ...(lastOrder ? { order: lastOrder } : {}) };
  opts.onView(view);
  return view;
}
