// WeChat → API notifications. The signature is checked over the raw body, the resource decrypted, and the
// result applied through the same compare-and-set as every other path. Every notification is recorded with
// its outcome (admins see it on the order). The answer goes out within WeChat's 5 s: slow follow-up work
// (stock, automatic refunds) is deferred until after it.
// Anyone can POST to the notify URL: what fails before a valid signature is counted per day and only sampled
// (one stored and logged a minute, its headers clipped), so junk grows neither the database nor the logs.
import { Types } from 'mongoose';
import { parseNotification, type NotificationFailure } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { Models } from '../../collections';
import { isDuplicateKeyError } from '../../infra/duplicate-key';
import { gatherWrites } from '../../infra/gathered-writes';
import { perModels } from '../../infra/per-models';
import { passThrottle } from '../../infra/lease';
import { applyPaidTransaction } from './apply-payment';
import { parseTransactionResource } from './transaction-resource';

export interface NotificationAnswer {
  status: number;
  body?: { code: 'FAIL'; message: string };
}

const fail = (status: number, message: string): NotificationAnswer => ({ status, body: { code: 'FAIL', message } });

export async function handlePaymentNotification(s: Services, request: NotificationRequest): Promise<NotificationAnswer> {
  return receiveNotification(s, 'payment', request, async (event, resource, record) => {
    if (event.event_type !== 'TRANSACTION.SUCCESS') {
      await record({ outcome: 'IGNORED', reason: `ignored event ${clip(event.event_type)}` });
      return { status: 204 };
    }
    const parsed = parseTransactionResource(resource);
    if (!parsed.ok) {
      const outTradeNo = typeof resource.out_trade_no === 'string' && resource.out_trade_no.length <= 32 ? resource.out_trade_no : undefined;
      await record({ outcome: 'REFUSED', outTradeNo, reason: `decrypted resource is not a transaction: ${clip(parsed.why, 200)}` });
      return fail(400, 'resource is not a transaction');
    }
    const tx = parsed.tx;
    if (tx.trade_state !== 'SUCCESS') {
      await record({ outcome: 'IGNORED', outTradeNo: tx.out_trade_no, reason: `trade_state ${tx.trade_state}` });
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

export type Recorder = (entry: {
  outcome: 'APPLIED' | 'DUPLICATE' | 'IGNORED' | 'REFUSED' | 'ANOMALY';
  reason?: string;
  outTradeNo?: string;
  outRefundNo?: string;
  orderId?: string;
}) => Promise<void>;

const gatheredRecord = perModels((models: Models) =>
  gatherWrites<Record<string, unknown>>((records) => models.Notification.collection.insertMany(records, { ordered: false })),
);

/** Refusals that prove nothing came from WeChat (no valid signature yet): anyone can send these. */
const UNAUTHENTICATED: ReadonlySet<NotificationFailure> = new Set(['MISSING_HEADERS', 'SIGNTEST_PROBE', 'STALE_TIMESTAMP', 'UNKNOWN_SERIAL', 'BAD_SIGNATURE']);
/** At most one unauthenticated refusal per kind is stored and logged in this window, across every instance. */
export const REFUSED_SAMPLE_MS = 60_000;
/** How much of a header value is kept in a stored sample or a log line (a serial is 40 characters). */
export const HEADER_CHARS = 64;

/** A header value (or any text a stranger chose), cut to `max` characters for storage and logs. */
function clip(value: unknown, max = HEADER_CHARS): string {
  const text = Array.isArray(value) ? value.join(',') : String(value ?? '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Counts one unauthenticated refusal in today's counter (UTC day): one upserted document per kind and day. */
async function countRefusal(s: Services, kind: 'payment' | 'refund', reason: NotificationFailure, now: Date): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  const update = () =>
    s.models.NotificationRefusals.findOneAndUpdate(
      { _id: `${kind}:${day}` },
      { $inc: { total: 1, [`reasons.${reason}`]: 1 }, $set: { lastAt: now }, $setOnInsert: { kind, day: new Date(`${day}T00:00:00Z`) } },
      { upsert: true, returnDocument: 'after' },
    ).lean<{ total: number }>();
  try {
    return (await update())?.total ?? 0;
  } catch (err) {
    // Two instances inserting today's counter at once: the loser increments the winner's.
    if (!isDuplicateKeyError(err)) throw err;
    return (await update())?.total ?? 0;
  }
}

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
  if (!parsed.ok && parsed.reason === 'UNKNOWN_SERIAL' && /^[0-9A-Fa-f]{8,64}$/.test(serial)) {
    // Possibly a platform certificate WeChat rotated in since our last refresh (their serials are hex; anything
    // else is not worth a download).
    await s.refreshKeysFor(serial);
    parsed = parse();
  }
  const log = s.logger.child({ notification: kind });
  const base = { kind, serial: clip(serial), receivedAt: new Date() };
  if (!parsed.ok) {
    s.metrics.notification(kind, 'REFUSED');
    if (UNAUTHENTICATED.has(parsed.reason)) {
      const today = await countRefusal(s, kind, parsed.reason, base.receivedAt);
      if (await passThrottle(s.models, `notification-refused-sample:${kind}`, REFUSED_SAMPLE_MS, base.receivedAt)) {
        const headers = { serial: base.serial, timestamp: clip(request.headers['wechatpay-timestamp']), nonce: clip(request.headers['wechatpay-nonce']) };
        log.warn({ reason: parsed.reason, ...headers, refusedToday: today }, 'notification refused (a sample: at most one a minute is kept; every one is counted)');
        await s.models.Notification.create({ ...base, outcome: 'REFUSED', reason: parsed.reason });
      }
    } else {
      // Signed by WeChat, yet unreadable: every one matters.
      log.warn({ reason: parsed.reason, serial: base.serial }, 'notification refused');
      await s.models.Notification.create({ ...base, outcome: 'REFUSED', reason: parsed.reason });
    }
    // 401 for signature problems, 400 for bodies we cannot read: both make WeChat send it again.
    return fail(parsed.reason === 'BAD_BODY' || parsed.reason === 'DECRYPT_FAILED' ? 400 : 401, `notification refused: ${parsed.reason}`);
  }
  const record: Recorder = async (entry) => {
    s.metrics.notification(kind, entry.outcome);
    log.info({ id: parsed.event.id, eventType: parsed.event.event_type, outTradeNo: entry.outTradeNo, outRefundNo: entry.outRefundNo, outcome: entry.outcome, reason: entry.reason }, 'notification');
    // Through the driver's collection, values already of their stored types (mongoose's document, casting and
    // validation cost more than the insert on this path, which every notification takes), and the records of
    // notifications answered together in one insert (gathered-writes.ts).
    const { reason, outTradeNo, outRefundNo, orderId } = entry;
    await gatheredRecord(s.models)({
      ...base,
      notificationId: parsed.event.id,
      eventType: parsed.event.event_type,
      outcome: entry.outcome,
      ...(reason !== undefined ? { reason } : {}),
      ...(outTradeNo !== undefined ? { outTradeNo } : {}),
      ...(outRefundNo !== undefined ? { outRefundNo } : {}),
      ...(orderId !== undefined ? { orderId: new Types.ObjectId(orderId) } : {}),
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
