import { isValidObjectId } from 'mongoose';
import type { AnomalyView } from '@xiaodian/shared';
import type { Services } from '../../context';
import { conflict, notFound } from '../../errors';
import type { AnomalyDoc } from './model';
import type { AnomalyKind } from './record-anomaly';
import { writeAudit } from '../staff/audit';
import { toAnomalyView } from './dto';

/** What must happen before an anomaly of a kind can be resolved, supplied by the feature that raised it. */
export type AnomalySettlers = Partial<Record<AnomalyKind, (s: Services, anomaly: AnomalyDoc) => Promise<void>>>;

/**
 * The owner closes an anomaly with a note, once its settler (if its kind has one) agrees it is over.
 */
export async function resolveAnomaly(s: Services, settlers: AnomalySettlers, id: string, note: string, actor: string): Promise<AnomalyView> {
  const { models } = s;
  if (!isValidObjectId(id)) throw notFound('Anomaly');
  const anomaly = await models.Anomaly.findById(id).lean<AnomalyDoc>();
  if (!anomaly) throw notFound('Anomaly');
  if (anomaly.status === 'RESOLVED') return toAnomalyView(anomaly);
  if (anomaly.status === 'AUTO_REFUND') throw conflict('CONFLICT', 'This payment is being refunded automatically; wait for the refund to settle');

  // Some kinds are only done once another feature has settled what caused them (an ABNORMAL refund).
  await settlers[anomaly.kind as AnomalyKind]?.(s, anomaly);

  const now = new Date();
  // Applying the refund's outcome may have resolved it automatically just now: the owner's note still goes on it.
  const resolved = await models.Anomaly.updateOne(
    { _id: anomaly._id, status: { $in: ['OPEN', 'RESOLVED'] }, resolvedBy: { $exists: false } },
    { $set: { status: 'RESOLVED', resolution: note, resolvedBy: actor, resolvedAt: now } },
  );
  if (resolved.modifiedCount === 1) {
    await writeAudit(models, { at: now, actor, action: 'anomaly.resolve', ...(anomaly.orderId ? { orderId: anomaly.orderId } : {}), detail: `${anomaly.kind}: ${note}` });
  }
  return toAnomalyView((await models.Anomaly.findById(id).lean<AnomalyDoc>())!);
}
