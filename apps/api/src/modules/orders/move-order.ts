// The one way an order's status changes. The compare-and-set filter comes from ORDER_TRANSITIONS in
// @xiaodian/shared (`sourcesOf(to)`), so no code path can move an order along a transition the table does not
// allow, and the table the tests pin is the table production runs. A null answer means someone else moved the
// order first (a duplicate or a race): callers answer it as such, never as an error.
import { ORDER_TRANSITIONS, type OrderStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveState, type StateMove } from '../../infra/move-state';
import type { OrderDoc } from './model';

export interface OrderMove extends Omit<StateMove<OrderStatus>, 'match'> {
  id: Types.ObjectId | string;
  /** The timeline entry written with the move. */
  note?: string;
}

export function moveOrder(models: Pick<Models, 'Order'>, move: OrderMove): Promise<OrderDoc | null> {
  const { id, note, push, ...rest } = move;
  const event = { at: new Date(), status: move.to, ...(note ? { note } : {}) };
  return moveState<OrderStatus, OrderDoc>(models.Order, ORDER_TRANSITIONS, { ...rest, match: { _id: id }, push: { ...push, events: event } });
}
