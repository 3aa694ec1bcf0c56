// Sends the PENDING messages that are due, with the shared access token. Each message is claimed first by a
// compare-and-set on its attempt count, with a lease (claimedUntil): one sender at a time works on it, and if
// that instance dies, another takes it over once the lease has passed. WeChat's answers decide the rest:
// - accepted → SENT;
// - 43101 (the shopper allowed none, or used it up) → FAILED with the errcode, never retried;
// - 5xx, network errors, token errors (40001/42001/40014; callWithAccessToken already fetched a new token once)
//   and -1 (WeChat busy) → retried with backoff, FAILED after MAX_SEND_ATTEMPTS;
// - any other errcode (a template whose keys do not match, a bad page…) → FAILED with the errcode.
// A crash after WeChat accepted and before SENT is written sends the message again after the lease: WeChat's
// subscribe send has no idempotency key, so that one window is at-least-once.
import type { Services } from '../../context';
import { INVALID_TOKEN_ERRCODES, callWithAccessToken } from '../wechat/access-token';
import { WechatOpenApiError } from '../wechat/open-api';
import type { MessageDoc } from './model';

export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/send';
/** How long a claim holds: far longer than a send takes (a token fetch and a 5 s call). */
export const SEND_LEASE_MS = 60_000;
export const MAX_SEND_ATTEMPTS = 6;
/** errcode 43101: no subscription left for this template (the shopper did not allow it, or it was used). */
export const NO_SUBSCRIPTION = 43101;

/** Wait after the n-th failed attempt (1-based): 5 s, 30 s, 2 min, 10 min, 30 min. */
export function sendRetryDelayMs(attempts: number): number {
  const steps = [5_000, 30_000, 120_000, 600_000, 1_800_000];
  return steps[Math.min(Math.max(attempts - 1, 0), steps.length - 1)]!;
}

const due = (now: Date) => ({
  status: 'PENDING' as const,
  nextAttemptAt: { $lte: now },
  $or: [{ claimedUntil: { $exists: false } }, { claimedUntil: { $lte: now } }],
});

/** Claims one due message for this sender; undefined when another claimed it first. */
async function claim(s: Services, message: MessageDoc, now: Date): Promise<MessageDoc | undefined> {
  const claimed = await s.models.Message.findOneAndUpdate(
    { _id: message._id, attempts: message.attempts, ...due(now) },
    { $set: { claimedUntil: new Date(now.getTime() + SEND_LEASE_MS), claimedBy: s.instanceId }, $inc: { attempts: 1 } },
    { returnDocument: 'after' },
  ).lean<MessageDoc>();
  return claimed ?? undefined;
}

/** Claims the due messages without sending them (what an instance that dies right after its claim leaves behind). */
export async function claimDueMessages(s: Services, now = new Date(), limit = 20): Promise<MessageDoc[]> {
  const candidates = await s.models.Message.find(due(now)).sort({ nextAttemptAt: 1 }).limit(limit).lean<MessageDoc[]>();
  const claimed: MessageDoc[] = [];
  for (const m of candidates) {
    const mine = await claim(s, m, now);
    if (mine) claimed.push(mine);
  }
  return claimed;
}

/** Writes the outcome of this claim, unless the claim was lost (its lease passed and another sender took over). */
async function finish(s: Services, m: MessageDoc, update: Record<string, unknown>): Promise<void> {
  await s.models.Message.updateOne({ _id: m._id, status: 'PENDING', attempts: m.attempts }, update);
}

async function sendOne(s: Services, m: MessageDoc, now: Date): Promise<void> {
  const log = s.logger.child({ message: m._id, event: m.event, attempt: m.attempts });
  const release = { $unset: { claimedUntil: 1, claimedBy: 1 } };
  try {
    const answer = await callWithAccessToken<{ msgid?: number | string }>(s, SUBSCRIBE_SEND_PATH, {
      touser: m.openid,
      template_id: m.templateId,
      ...(m.page ? { page: m.page } : {}),
      data: m.data,
      // The released mini program; the sandbox and WeChat's developer tools accept the same.
      miniprogram_state: 'formal',
      lang: 'zh_CN',
    });
    await finish(s, m, {
      $set: { status: 'SENT', sentAt: new Date(), ...(answer.msgid !== undefined ? { msgid: String(answer.msgid) } : {}) },
      $unset: { claimedUntil: 1, claimedBy: 1, nextAttemptAt: 1, lastError: 1, errcode: 1 },
    });
    log.info('subscribe message sent');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const errcode = err instanceof WechatOpenApiError ? err.errcode : undefined;
    const retryable = errcode === undefined || errcode === -1 || INVALID_TOKEN_ERRCODES.includes(errcode);
    if (!retryable || m.attempts >= MAX_SEND_ATTEMPTS) {
      await finish(s, m, {
        $set: { status: 'FAILED', lastError: message, ...(errcode !== undefined ? { errcode } : {}) },
        $unset: { claimedUntil: 1, claimedBy: 1, nextAttemptAt: 1 },
      });
      log.warn({ err: message, errcode }, 'subscribe message failed for good');
      return;
    }
    await finish(s, m, {
      $set: { nextAttemptAt: new Date(now.getTime() + sendRetryDelayMs(m.attempts)), lastError: message, ...(errcode !== undefined ? { errcode } : {}) },
      ...release,
    });
    log.warn({ err: message, errcode }, 'subscribe message not sent; will retry');
  }
}

/** Sends up to `limit` due messages; resolves how many it claimed. */
export async function runMessageSender(s: Services, now = new Date(), limit = 20): Promise<number> {
  const claimed = await claimDueMessages(s, now, limit);
  for (const m of claimed) await sendOne(s, m, now);
  return claimed.length;
}
