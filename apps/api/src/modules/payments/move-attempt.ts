// The one way a payment attempt's status changes: a compare-and-set from ATTEMPT_TRANSITIONS.
import { ATTEMPT_TRANSITIONS, type AttemptStatus } from '@xiaodian/shared';
import type { Types } from 'mongoose';
import type { Models } from '../../collections';
import { moveState, type StateMove } from '../../infra/move-state';
import type { AttemptDoc } from './model';

export function moveAttempt(models: Pick<Models, 'PaymentAttempt'>, id: Types.ObjectId, move: Omit<StateMove<AttemptStatus>, 'match'>): Promise<AttemptDoc | null> {
  return moveState<AttemptStatus, AttemptDoc>(models.PaymentAttempt, ATTEMPT_TRANSITIONS, { ...move, match: { _id: id } });
}
