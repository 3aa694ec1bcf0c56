// WeChat → API notifications. The signature is checked over the raw body, the resource decrypted, and the
// result applied through the same compare-and-set as every other path. Every notification is recorded with
// its outcome (admins see it on the order). The answer goes out within WeChat's 5 s: slow follow-up work
// (stock, automatic refunds) is deferred until after it.
import { parseNotification, type Transaction } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import { applyPaidTransaction } from './apply-payment';

export interface NotificationAnswer {
  status: number;
  body?: { code: 'FAIL'; message: string };
}

const fail = (status: number, message: string): NotificationAnswer => ({ status, body: { code: 'FAIL', message } });

export async function handlePaymentNotification(s: Services, request: NotificationRequest): Promise<NotificationAnswer> {
  return receiveNotification(s, 'payment', request, async (event, resource, record) => {
    if (event.event_type !== 'TRANSACTION.SUCCESS') {
      await record({ outcome: 'DUPLICATE', reason: `ignored event ${event.event_type}` });
      return { status: 204 };
    }
    const tx = resource as unknown as Transaction;
    if (typeof tx.out_trade_no !== 'string' || typeof tx.trade_state !== 'string') {
      await record({ outcome: 'REFUSED', reason: 'decrypted resource is not a transaction' });
      return fail(400, 'resource is not a transaction');
    }
    if (tx.trade_state !== 'SUCCESS') {
      await record({ outcome: 'DUPLICATE', outTradeNo: tx.out_trade_no, reason: `trade_state ${tx.trade_state}` });
      return { status: 204 };
    }
    const applied = await applyPaidTransaction(s, tx, 'notification');
    if (applied.outcome === 'ANOMALY') {
      // Recorded for an admin; answering FAIL would only make WeChat repeat what we already hold.
      await record({ outcome: 'ANOMALY', outTradeNo: tx.out_trade_no, reason: applied.reason, orderId: applied.orderId });
    } else {
      await record({ outcome: applied.outcome, outTradeNo: tx.out_trade_no, orderId: String(applied.order._id) });
    }
    return { status: 204 };
  });
}

export type NotificationRequest = { headers: Record<string, string | string[] | undefined>; rawBody: string | undefined };

export type Recorder = (entry: { outcome: 'APPLIED' | 'DUPLICATE' | 'REFUSED' | 'ANOMALY'; reason?: string; outTradeNo?: string; outRefundNo?: string; orderId?: string }) => Promise<void>;

/** Verifies, decrypts and records one notification, then lets `apply` act on it (payments and refunds alike). */
export async function receiveNotification(
  s: Services,
  kind: 'payment' | 'refund',
  request: NotificationRequest,
  apply: (event: { id: string; event_type: string }, resource: Record<string, unknown>, record: Recorder) => Promise<NotificationAnswer>,
): Promise<NotificationAnswer> {
  const serial = String(request.headers['wechatpay-serial'] ?? '');
  const parse = () => parseNotification({ headers: request.headers, rawBody: request.rawBody ?? '' }, { keyRing: s.keyRing, apiV3Key: s.config.wechatPay.apiV3Key });
  let parsed = parse();
  if (!parsed.ok && parsed.reason === 'UNKNOWN_SERIAL') {
    // Possibly a platform certificate WeChat rotated in since our last refresh.
    await s.refreshKeysFor(serial);
    parsed = parse();
  }
  const log = s.logger.child({ notification: kind });
  const base = { kind, serial, receivedAt: new Date() };
  if (!parsed.ok) {
    log.warn({ reason: parsed.reason, serial }, 'notification refused');
    await s.models.Notification.create({ ...base, outcome: 'REFUSED', reason: parsed.reason });
    // 401 for signature problems, 400 for bodies we cannot read: both make WeChat send it again.
    return fail(parsed.reason === 'BAD_BODY' || parsed.reason === 'DECRYPT_FAILED' ? 400 : 401, `notification refused: ${parsed.reason}`);
  }
  const record: Recorder = async (entry) => {
    log.info({ id: parsed.event.id, eventType: parsed.event.event_type, outTradeNo: entry.outTradeNo, outRefundNo: entry.outRefundNo, outcome: entry.outcome, reason: entry.reason }, 'notification');
    await s.models.Notification.create({
      ...base,
      notificationId: parsed.event.id,
      eventType: parsed.event.event_type,
      outcome: entry.outcome,
      reason: entry.reason,
      outTradeNo: entry.outTradeNo,
      outRefundNo: entry.outRefundNo,
      orderId: entry.orderId,
    });
  };
  try {
    return await apply(parsed.event, parsed.resource, record);
  } catch (err) {
    // Our own failure (database away…): WeChat must try again later.
    log.error({ err, id: parsed.event.id }, 'notification could not be applied');
    return fail(500, 'temporary failure; please retry');
  }
}
