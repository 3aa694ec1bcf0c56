// The one way an after-sale request's status changes: a compare-and-set whose sources come from
// AFTER_SALE_TRANSITIONS, writing the step into the request's own history in the same update. A null answer means
// the request was not in a state this move may start from (someone else moved it first).
import { AFTER_SALE_TRANSITIONS, type AfterSaleStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveState, type StateMove } from '../../infra/move-state';
import type { AfterSaleDoc } from './model';

export interface AfterSaleMove extends Omit<StateMove<AfterSaleStatus>, 'match' | 'push'> {
  id: Types.ObjectId | string;
  /** Shown to the shopper with the step (the admin's note). */
  note?: string;
}

export function moveAfterSale(models: Pick<Models, 'AfterSale'>, move: AfterSaleMove): Promise<AfterSaleDoc | null> {
  const { id, note, set, ...rest } = move;
  const at = new Date();
  return moveState<AfterSaleStatus, AfterSaleDoc>(models.AfterSale, AFTER_SALE_TRANSITIONS, {
    ...rest,
    match: { _id: id },
    set: { ...set, updatedAt: at },
    push: { history: { at, status: move.to, ...(note ? { note } : {}) } },
  });
}
