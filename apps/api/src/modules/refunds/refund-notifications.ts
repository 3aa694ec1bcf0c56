// WeChat → API refund notifications: verified and recorded like payment notifications, then applied once.
import type { RefundNotificationResource } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import { receiveNotification, type NotificationAnswer, type NotificationRequest } from '../payments/notifications';
import { applyRefundStatus } from './apply-refund';

const fail = (status: number, message: string): NotificationAnswer => ({ status, body: { code: 'FAIL', message } });

export async function handleRefundNotification(s: Services, request: NotificationRequest): Promise<NotificationAnswer> {
  return receiveNotification(s, 'refund', request, async (event, resource, record) => {
    const refund = resource as unknown as RefundNotificationResource;
    if (!event.event_type.startsWith('REFUND.') || typeof refund.out_refund_no !== 'string') {
      await record({ outcome: 'REFUSED', reason: `not a refund notification (${event.event_type})` });
      return fail(400, 'not a refund notification');
    }
    if (refund.mchid !== s.config.wechatPay.mchid) {
      await record({ outcome: 'REFUSED', outRefundNo: refund.out_refund_no, reason: `mchid ${refund.mchid} is not this shop's` });
      return fail(400, 'mchid mismatch');
    }
    const local = await s.models.Refund.findOne({ outRefundNo: refund.out_refund_no }).lean();
    // The amount is checked where the refund is applied, as for the refund job: a mismatch is an anomaly for a
    // person and is not applied. A notification without an amount cannot vouch for one: -1 never matches.
    const outcome = await applyRefundStatus(s, {
      outRefundNo: refund.out_refund_no,
      status: refund.refund_status,
      refundId: refund.refund_id,
      successTime: refund.success_time,
      refundFen: typeof refund.amount?.refund === 'number' ? refund.amount.refund : -1,
    });
    await record({
      outcome: outcome === 'APPLIED' ? 'APPLIED' : outcome === 'UNKNOWN' || outcome === 'MISMATCH' ? 'ANOMALY' : 'DUPLICATE',
      outRefundNo: refund.out_refund_no,
      outTradeNo: refund.out_trade_no,
      orderId: local?.orderId ? String(local.orderId) : undefined,
      reason:
        outcome === 'UNKNOWN'
          ? 'refund unknown to this shop'
          : outcome === 'MISMATCH'
            ? `refund amount ${refund.amount?.refund} ≠ ${local?.amountFen}: not applied`
            : `${event.event_type}`,
    });
    // Answered as received: the anomaly is recorded, and a repeat would change nothing.
    return { status: 204 };
  });
}

