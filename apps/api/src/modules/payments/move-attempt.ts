// The one way a payment attempt's status changes: a compare-and-set from ATTEMPT_TRANSITIONS.
import { ATTEMPT_TRANSITIONS, type AttemptStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveStateTyped, moveStateUnanswered, type StateMove } from '../../infra/move-state';
import type { AttemptDoc } from './model';

/** Which attempt: its _id, or its out_trade_no (unique), which is all a WeChat payment names. */
export type AttemptRef = Types.ObjectId | { outTradeNo: string };

export function moveAttempt(models: Pick<Models, 'PaymentAttempt'>, ref: AttemptRef, move: Omit<StateMove<AttemptStatus>, 'match'>): Promise<AttemptDoc | null> {
  const match = 'outTradeNo' in ref ? { outTradeNo: ref.outTradeNo } : { _id: ref };
  // Every caller moves by an ObjectId or an out_trade_no with values of their stored types: no casting needed.
  return moveStateTyped<AttemptStatus, AttemptDoc>(models.PaymentAttempt, ATTEMPT_TRANSITIONS, { ...move, match });
}

/** moveAttempt for a caller that needs no answer: concurrent ones share a bulk write (moveStateUnanswered). */
export function moveAttemptUnanswered(models: Pick<Models, 'PaymentAttempt'>, ref: AttemptRef, move: Omit<StateMove<AttemptStatus>, 'match' | 'returnDocument'>): Promise<void> {
  const match = 'outTradeNo' in ref ? { outTradeNo: ref.outTradeNo } : { _id: ref };
  return moveStateUnanswered<AttemptStatus>(models.PaymentAttempt, ATTEMPT_TRANSITIONS, { ...move, match });
}
