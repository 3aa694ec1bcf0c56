// The one way a payment attempt's status changes: a compare-and-set from ATTEMPT_TRANSITIONS.
import { ATTEMPT_TRANSITIONS, type AttemptStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveStateGathered, moveStateTyped, type StateMove } from '../../infra/move-state';
import type { AttemptDoc } from './model';

/** Which attempt: its _id, or its out_trade_no (unique), which is all a WeChat payment names. */
export type AttemptRef = Types.ObjectId | { outTradeNo: string };

export function moveAttempt(models: Pick<Models, 'PaymentAttempt'>, ref: AttemptRef, move: Omit<StateMove<AttemptStatus>, 'match'>): Promise<AttemptDoc | null> {
  const match = 'outTradeNo' in ref ? { outTradeNo: ref.outTradeNo } : { _id: ref };
  // Every caller moves by an ObjectId or an out_trade_no with values of their stored types: no casting needed.
  return moveStateTyped<AttemptStatus, AttemptDoc>(models.PaymentAttempt, ATTEMPT_TRANSITIONS, { ...move, match });
}

/**
 * moveAttempt by _id for a caller that needs to know only whether its move took effect: concurrent ones share a
 * bulk write (moveStateGathered). `tookEffect` tells it from the attempt as it is now when the batch's counts cannot.
 */
export function moveAttemptGathered(
  models: Pick<Models, 'PaymentAttempt'>,
  id: Types.ObjectId,
  move: Omit<StateMove<AttemptStatus>, 'match' | 'returnDocument'>,
  tookEffect: (attempt: AttemptDoc) => boolean,
): Promise<boolean> {
  // An ObjectId and values of their stored types: no casting needed, as for moveAttempt.
  return moveStateGathered<AttemptStatus, AttemptDoc>(models.PaymentAttempt, ATTEMPT_TRANSITIONS, { ...move, match: { _id: id } }, tookEffect);
}
