// The one way a refund's status changes: a compare-and-set from REFUND_TRANSITIONS.
import { REFUND_TRANSITIONS, type RefundStatus } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { moveState, type StateMove } from '../../infra/move-state';
import type { RefundDoc } from './model';

export function moveRefund(models: Pick<Models, 'Refund'>, match: { _id: unknown } | { outRefundNo: string }, move: Omit<StateMove<RefundStatus>, 'match'>): Promise<RefundDoc | null> {
  return moveState<RefundStatus, RefundDoc>(models.Refund, REFUND_TRANSITIONS, { ...move, match });
}
