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
    if (local && refund.amount?.refund !== local.amountFen) {
      await record({ outcome: 'ANOMALY', outRefundNo: refund.out_refund_no, reason: `refund amount ${refund.amount?.refund} ≠ ${local.amountFen}` });
      return { status: 204 };
    }
    const outcome = await applyRefundStatus(s, {
      outRefundNo: refund.out_refund_no,
      status: refund.refund_status,
      refundId: refund.refund_id,
      successTime: refund.success_time,
    });
    await record({
      outcome: outcome === 'APPLIED' ? 'APPLIED' : outcome === 'UNKNOWN' ? 'ANOMALY' : 'DUPLICATE',
      outRefundNo: refund.out_refund_no,
      outTradeNo: refund.out_trade_no,
      orderId: local?.orderId ? String(local.orderId) : undefined,
      reason: outcome === 'UNKNOWN' ? 'refund unknown to this shop' : `${event.event_type}`,
    });
    return { status: 204 };
  });
}

