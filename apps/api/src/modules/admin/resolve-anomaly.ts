import { isValidObjectId } from 'mongoose';
import type { AnomalyView } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, conflict, notFound } from '../../errors';
import type { AnomalyDoc, RefundDoc } from '../../models';
import { applyRefundStatus } from '../refunds/apply-refund';
import { writeAudit } from './audit';
import { toAnomalyView } from './dto';

/**
 * The owner closes an anomaly with a note. An ABNORMAL refund is only done once WeChat says how it ended (the
 * money went back another way, or the refund was closed): we ask, and apply the answer to the order first.
 */
export async function resolveAnomaly(s: Services, id: string, note: string, actor: string): Promise<AnomalyView> {
  const { models } = s;
  if (!isValidObjectId(id)) throw notFound('Anomaly');
  const anomaly = await models.Anomaly.findById(id).lean<AnomalyDoc>();
  if (!anomaly) throw notFound('Anomaly');
  if (anomaly.status === 'RESOLVED') return toAnomalyView(anomaly);
  if (anomaly.status === 'AUTO_REFUND') throw conflict('CONFLICT', 'This payment is being refunded automatically; wait for the refund to settle');

  if (anomaly.kind === 'REFUND_ABNORMAL') {
    const outRefundNo = anomaly.key.replace(/^REFUND_ABNORMAL:/, '');
    const refund = await models.Refund.findOne({ outRefundNo }).lean<RefundDoc>();
    if (refund?.status === 'ABNORMAL') {
      let status: string;
      try {
        status = (await s.wechatPay.queryRefund(outRefundNo)).status;
      } catch {
        throw new AppError('WECHAT_UNAVAILABLE', { status: 503, message: 'WeChat Pay is not answering; try again' });
      }
      if (status !== 'SUCCESS' && status !== 'CLOSED') {
        throw conflict('REFUND_STILL_ABNORMAL', `Refund ${outRefundNo} is still ${status} at WeChat Pay; settle it in the merchant platform first`);
      }
      await applyRefundStatus(s, { outRefundNo, status });
    }
  }

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
