// The one way an order's status changes. The compare-and-set filter comes from ORDER_TRANSITIONS in
// @xiaodian/shared (`sourcesOf(to)`), so no code path can move an order along a transition the table does not
// allow, and the table the tests pin is the table production runs. A null answer means someone else moved the
// order first (a duplicate or a race): callers answer it as such, never as an error.
import { ORDER_TRANSITIONS, type OrderEventCode, type OrderStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveState, moveStateTyped, type StateMove } from '../../infra/move-state';
import type { OrderDoc } from './model';
import type { OutboxEntry } from './outbox';

export interface OrderMove extends Omit<StateMove<OrderStatus>, 'match'> {
  id: Types.ObjectId | string;
  /** The timeline entry written with the move: what happened, as a code the clients render, and its data. */
  code: OrderEventCode;
  data?: Record<string, unknown>;
  /** Messages the move owes (the durable outbox), pushed in the same update so a crash never separates them. */
  messages?: OutboxEntry[];
}

/** A timeline entry: the status after it, the event code and its data. */
export function orderEvent(status: OrderStatus, code: OrderEventCode, data?: Record<string, unknown>) {
  return { at: new Date(), status, code, ...(data ? { data } : {}) };
}

function orderStateMove(move: OrderMove): StateMove<OrderStatus> {
  const { id, code, data, messages, push, ...rest } = move;
  const event = orderEvent(move.to, code, data);
  return {
    ...rest,
    match: { _id: id },
    push: { ...push, events: event, ...(messages && messages.length > 0 ? { outbox: { $each: messages } } : {}) },
  };
}

export function moveOrder(models: Pick<Models, 'Order'>, move: OrderMove): Promise<OrderDoc | null> {
  return moveState<OrderStatus, OrderDoc>(models.Order, ORDER_TRANSITIONS, orderStateMove(move));
}

/**
 * moveOrder through the driver's collection (moveStateTyped), for a move whose id is an ObjectId and whose values
 * are all of their stored types: the payment's move to PAID, once per notification.
 */
export function moveOrderTyped(models: Pick<Models, 'Order'>, move: OrderMove & { id: Types.ObjectId }): Promise<OrderDoc | null> {
  return moveStateTyped<OrderStatus, OrderDoc>(models.Order, ORDER_TRANSITIONS, orderStateMove(move));
}
