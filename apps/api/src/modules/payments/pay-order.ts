// Turns a pending order into `wx.requestPayment` parameters. Each attempt at WeChat has its own out_trade_no;
// while the current attempt's prepay_id is valid it is reused, so paying again never creates a second charge.
import { requestPaymentParams, WechatPayApiError, type RequestPaymentParams } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import type { AttemptDoc } from './model';
import type { OrderDoc } from '../orders/model';
import { newOutTradeNo } from '../orders/create-order';
import { toBeijingRfc3339 } from './beijing-time';
import { moveAttempt, moveAttemptGathered } from './move-attempt';
import { nextSyncDelayMs, syncAttempt } from './sync-payment';
import { isOnlyDuplicateKeys, writeErrorsOf } from '../../infra/duplicate-key';
import { driverCollection } from '../../infra/driver-collection';
import { gatherEach, gatherWritesEach, outcomesByCount } from '../../infra/gathered-writes';
import { perModels } from '../../infra/per-models';
import type { Models } from '../../collections';
import type { Types } from 'mongoose';

/** WeChat keeps a prepay_id for 2 hours; stop handing it out a little before. */
const PREPAY_ID_LIFETIME_MS = 2 * 3600_000 - 5 * 60_000;

/** WeChat's `description` is at most 127 bytes of UTF-8. */
export function describeOrder(order: Pick<OrderDoc, 'items'>): string {
  const names = order.items.map((i) => (i.quantity && i.quantity > 1 ? `${i.name}×${i.quantity}` : (i.name ?? '')));
  let text = names.join('，') || 'Order';
  while (Buffer.byteLength(text, 'utf8') > 127) text = `${[...text].slice(0, -2).join('')}…`;
  return text;
}

/**
 * A cancel or the expiry job is closing the order (close-order.ts): it has read the order's attempts and is closing
 * them at WeChat, so no attempt may be added or prepaid under it.
 */
function beingClosed(order: Pick<OrderDoc, 'closingUntil'>, now = Date.now()): boolean {
  return !!order.closingUntil && order.closingUntil.getTime() > now;
}

function notPayable(order: OrderDoc): AppError {
  const message =
    order.status === 'CLOSED'
      ? 'This order is closed'
      : order.status !== 'PENDING_PAYMENT'
        ? 'This order is already paid'
        : beingClosed(order)
          ? 'This order is being closed'
          : 'This order has expired';
  return new AppError('ORDER_NOT_PAYABLE', { status: 409, message });
}

/** `order`: the shopper's own placed order, as the route just read it (findOwnOrder). */
export async function payOrder(s: Services, order: OrderDoc): Promise<RequestPaymentParams> {
  const { models } = s;
  if (order.status !== 'PENDING_PAYMENT' || order.expiresAt.getTime() <= Date.now() + 10_000 || beingClosed(order)) throw notPayable(order);

  let attempt = await currentAttempt(s, order);
  if (attempt && attempt.status === 'PREPAID' && attempt.prepayExpiresAt && attempt.prepayExpiresAt.getTime() > Date.now()) {
    return requestPaymentParams(s.config.wechat.appid, attempt.prepayId!, s.merchantKey);
  }
  if (attempt && attempt.status !== 'CREATED') {
    // The old attempt cannot be paid any more (prepay_id expired or WeChat closed it): make sure it never will
    // be, then start a new one. If WeChat says it was paid after all, the order is paid.
    if (await closeAttemptOrDetectPayment(s, attempt)) throw notPayable((await models.Order.findById(order._id).lean<OrderDoc>())!);
    attempt = await newAttempt(s, order);
  }
  attempt ??= await newAttempt(s, order);
  const prepayId = await prepay(s, order, attempt);
  return requestPaymentParams(s.config.wechat.appid, prepayId, s.merchantKey);
}

async function currentAttempt(s: Services, order: OrderDoc): Promise<AttemptDoc | null> {
  if (!order.attemptSeq) return null;
  return s.models.PaymentAttempt.findOne({ outTradeNo: order.outTradeNo }).lean<AttemptDoc>();
}

/**
 * Creates attempt N+1. The attempt is written first — idempotently, since concurrent callers compute the same
 * number — and only then does the order point at it by compare-and-set. A crash in between leaves an unused
 * attempt (never prepaid, harmless), never an order pointing at an attempt that does not exist.
 */
async function newAttempt(s: Services, order: OrderDoc): Promise<AttemptDoc> {
  const seq = (order.attemptSeq ?? 0) + 1;
  const outTradeNo = newOutTradeNo(order._id, seq);
  const written = await writeAttempt(s.models, {
    orderId: order._id,
    outTradeNo,
    amountFen: order.totalFen,
    openid: order.openid,
    description: describeOrder(order),
    timeExpire: toBeijingRfc3339(order.expiresAt),
    status: 'CREATED',
    syncCount: 0,
    createdAt: new Date(),
  });
  const pointed = await pointOrderAt(s.models, { orderId: order._id, from: order.attemptSeq ?? 0, seq, outTradeNo });
  // The usual case: this call moved the order onto the attempt it holds, so nothing needs reading again.
  if (pointed && written) return written;
  // Whoever won, the order now names an attempt that exists.
  const fresh = await s.models.Order.findById(order._id).lean<OrderDoc>();
  // Closed, paid, or being closed (the pointer refuses an order under a closing claim): nothing to hand out.
  if (!fresh || fresh.status !== 'PENDING_PAYMENT' || beingClosed(fresh)) throw notPayable(fresh ?? order);
  // Still unpaid and still on an older attempt: no one moved it, so the pointer failed to write. The older attempt
  // may be one this call just closed: never hand it out.
  if ((fresh.attemptSeq ?? 0) < seq) throw new Error(`order ${String(order._id)} could not be pointed at attempt ${outTradeNo}`);
  const attempt = await s.models.PaymentAttempt.findOne({ outTradeNo: fresh.outTradeNo }).lean<AttemptDoc>();
  if (!attempt) throw new Error(`order ${String(order._id)} names attempt ${fresh.outTradeNo}, which does not exist`);
  return attempt;
}

/** A new attempt as written: the schema's one default (syncCount) included, as mongoose's upsert would have. */
type NewAttempt = Pick<AttemptDoc, 'orderId' | 'outTradeNo' | 'amountFen' | 'openid' | 'description' | 'timeExpire' | 'status' | 'syncCount' | 'createdAt'>;

/**
 * Writes an attempt unless one with its out_trade_no exists, and answers the attempt stored under that number —
 * or null when a concurrent writer's insert won the race (duplicate key), as a single upsert would. Concurrent
 * ones go out as one bulk of upserts (gathered-writes.ts), through the driver's collection (the values are of
 * their stored types already): an op that inserted answers what it wrote, and the others are read by number.
 * After any other failure an attempt the read finds was written; one it does not find fails its caller with
 * that error, as the single upsert would have.
 */
async function writeAttempt(models: Models, attempt: NewAttempt): Promise<AttemptDoc | null> {
  const answer = await gatheredAttempts(models)(attempt);
  if (answer instanceof Error) throw answer;
  return answer;
}
const gatheredAttempts = perModels((models: Models) => {
  const attempts = driverCollection<AttemptDoc>(models.PaymentAttempt);
  return gatherEach<NewAttempt, AttemptDoc | null | Error>(async (wanted) => {
    const answers: (AttemptDoc | null | undefined)[] = wanted.map(() => undefined);
    let failure: unknown;
    const result = await attempts
      .bulkWrite(
        wanted.map((w) => ({ updateOne: { filter: { outTradeNo: w.outTradeNo }, update: { $setOnInsert: w }, upsert: true } })),
        { ordered: false },
      )
      .catch((err: unknown) => {
        // Duplicate keys are answers (a concurrent insert won); any other failure leaves every op to be read.
        if (!isOnlyDuplicateKeys(err)) {
          failure = err;
          return undefined;
        }
        for (const e of writeErrorsOf(err)) answers[e.index] = null;
        return err.result;
      });
    for (const [index, id] of Object.entries(result?.upsertedIds ?? {})) answers[Number(index)] = { _id: id as Types.ObjectId, ...wanted[Number(index)]! } as AttemptDoc;
    const numbers = wanted.filter((_, i) => answers[i] === undefined).map((w) => w.outTradeNo);
    const stored = numbers.length === 0 ? [] : await attempts.find({ outTradeNo: { $in: numbers } }).toArray();
    const byNumber = new Map(stored.map((a) => [a.outTradeNo, a as AttemptDoc]));
    return answers.map((answer, i) => {
      if (answer !== undefined) return answer;
      const found = byNumber.get(wanted[i]!.outTradeNo);
      if (found) return found;
      return failure instanceof Error ? failure : new Error(`attempt ${wanted[i]!.outTradeNo} was neither written nor found`);
    });
  });
});

interface Pointing {
  orderId: Types.ObjectId;
  /** The attempt number the order names now: the compare-and-set's guard. */
  from: number;
  seq: number;
  outTradeNo: string;
}

/**
 * Points unpaid orders at their new attempts by compare-and-set, concurrent ones in one bulk write
 * (gathered-writes.ts). An order under a live closing claim is refused: its closer has read (or is about to read)
 * the attempts it closes, and one pointed at now would stay open at WeChat under a closed order. The bulk's counts
 * answer when every order moved or none did; otherwise one read of the orders says which name their new attempt
 * now. An order another caller pointed at the same attempt counts as pointed: either way it names an attempt that
 * exists, which is all newAttempt needs (and a pointer that moved moved before any claim).
 */
const pointOrderAt = (models: Models, pointing: Pointing) => gatheredPointings(models)(pointing);
const gatheredPointings = perModels((models: Models) => {
  const orders = driverCollection<OrderDoc>(models.Order);
  return gatherWritesEach<Pointing>(async (wanted) => {
    // The claim's own test (close-order.ts), so that exactly one of the claim and the pointer wins.
    const at = new Date();
    const notBeingClosed = [{ closingUntil: { $exists: false } }, { closingUntil: { $lte: at } }];
    const written = await orders
      .bulkWrite(
        wanted.map((w) => ({
          // An ObjectId, a string, numbers and a date need no casting.
          updateOne: {
            filter: { _id: w.orderId, status: 'PENDING_PAYMENT', attemptSeq: w.from, $or: notBeingClosed },
            update: { $set: { attemptSeq: w.seq, outTradeNo: w.outTradeNo } },
          },
        })),
        { ordered: false },
      )
      .catch(() => undefined);
    const counted = outcomesByCount(written?.modifiedCount, wanted.length);
    if (counted) return counted;
    const now = await orders.find({ _id: { $in: wanted.map((w) => w.orderId) } }, { projection: { status: 1, attemptSeq: 1, outTradeNo: 1 } }).toArray();
    const named = new Map(now.map((o) => [String(o._id), o]));
    return wanted.map((w) => {
      const o = named.get(String(w.orderId));
      return o?.status === 'PENDING_PAYMENT' && o.attemptSeq === w.seq && o.outTradeNo === w.outTradeNo;
    });
  });
});

async function prepay(s: Services, order: OrderDoc, attempt: AttemptDoc): Promise<string> {
  let prepayId: string;
  try {
    // Identical parameters on every call: WeChat then answers a repeat with the same prepay_id.
    ({ prepay_id: prepayId } = await s.wechatPay.jsapiPrepay({
      appid: s.config.wechat.appid,
      mchid: s.config.wechatPay.mchid,
      description: attempt.description,
      out_trade_no: attempt.outTradeNo,
      time_expire: attempt.timeExpire,
      attach: String(order._id),
      notify_url: `${s.config.publicBaseUrl}/api/pay/notify`,
      amount: { total: attempt.amountFen, currency: 'CNY' },
      payer: { openid: attempt.openid },
    }));
  } catch (err) {
    // WeChat Pay away or refusing: 503 WECHAT_UNAVAILABLE or 502 WECHAT_REJECTED, through toAppError.
    if (err instanceof WechatPayApiError && err.code === 'ORDERPAID') {
      await syncAttempt(s, attempt);
      throw new AppError('ORDER_NOT_PAYABLE', { status: 409, message: 'This order is already paid' });
    }
    if (err instanceof WechatPayApiError) s.logger.error({ code: err.code, outTradeNo: attempt.outTradeNo }, 'prepay refused');
    throw err;
  }
  const now = Date.now();
  // Concurrent prepays record theirs in one bulk write. The move is refused when the attempt left CREATED and
  // PREPAID while the prepay was on its way: a cancel or the expiry job closed it (finding no trade at WeChat yet),
  // or it was paid. Its prepay_id must then never reach the shopper.
  const recorded = await moveAttemptGathered(
    s.models,
    attempt._id,
    {
      from: ['CREATED', 'PREPAID'],
      to: 'PREPAID',
      set: { prepayId, prepayExpiresAt: new Date(now + PREPAY_ID_LIFETIME_MS), nextSyncAt: new Date(now + nextSyncDelayMs(0)) },
    },
    // Read only when the batch's counts cannot tell. CLOSED and PAID never go back to PREPAID, so an attempt that is
    // PREPAID now took this move or a concurrent pay's equal one (whose prepay_id, if WeChat gave another, is as valid).
    (now) => now.status === 'PREPAID',
  );
  if (recorded) return prepayId;
  // Not recorded: refused by the guard, or the write failed (the batch's error is not an answer). Only an attempt that
  // left CREATED/PREPAID was closed or paid under the prepay; one still CREATED is a failed write, answered 500 with
  // the trade left open, so that paying again records the same prepay_id.
  const current = await s.models.PaymentAttempt.findById(attempt._id).lean<AttemptDoc>();
  if (current?.status === 'PREPAID') return prepayId;
  if (current?.status === 'CLOSED' || current?.status === 'PAID') return closeUnrecordedTrade(s, attempt);
  throw new Error(`the prepay_id of attempt ${attempt.outTradeNo} could not be recorded`);
}

/**
 * The trade the prepay just created for an attempt closed meanwhile: close it at WeChat, so the prepay_id nobody
 * was given cannot be paid either, then answer 409. ORDERPAID means it was paid after all (a concurrent pay handed
 * out the same prepay_id earlier): applied as closeAttemptOrDetectPayment applies it. Any other failure is only
 * logged: the trade's time_expire ends it, and nobody holds its prepay_id.
 */
async function closeUnrecordedTrade(s: Services, attempt: AttemptDoc): Promise<never> {
  try {
    await s.wechatPay.close(attempt.outTradeNo);
  } catch (err) {
    if (err instanceof WechatPayApiError && err.code === 'ORDERPAID') {
      await syncAttempt(s, attempt);
      throw new AppError('ORDER_NOT_PAYABLE', { status: 409, message: 'This order is already paid' });
    }
    s.logger.error({ err, outTradeNo: attempt.outTradeNo }, 'closing a trade prepaid for a closed attempt failed');
  }
  throw new AppError('ORDER_NOT_PAYABLE', { status: 409, message: 'This order is closed' });
}

/**
 * Closes an attempt at WeChat. Returns true when WeChat says it is paid (and the payment was applied). `round`
 * counts the closes that found a prepay landing after WeChat said there was no trade.
 */
export async function closeAttemptOrDetectPayment(s: Services, attempt: AttemptDoc, round = 0): Promise<boolean> {
  if (attempt.status === 'PAID') {
    // Nothing to close: WeChat took the money. Its answer finishes applying the payment to the order.
    return (await syncAttempt(s, attempt)).result === 'PAID';
  }
  let noTrade = false;
  try {
    await s.wechatPay.close(attempt.outTradeNo);
  } catch (err) {
    if (err instanceof WechatPayApiError && err.code === 'ORDERPAID') {
      const synced = await syncAttempt(s, attempt);
      return synced.result === 'PAID';
    }
    // Never created at WeChat: nothing there to pay, so nothing to close — unless a prepay is still on its way.
    if (!(err instanceof WechatPayApiError && err.code === 'ORDER_NOT_EXIST')) throw err;
    noTrade = true;
  }
  // A close is not proof that nothing was paid a moment before: ask once more.
  const synced = await syncAttempt(s, attempt);
  if (synced.result === 'PAID') return true;
  // After "no trade", only from the status the attempt had when read: a prepay that created the trade after that
  // close and recorded its prepay_id meanwhile (CREATED → PREPAID) leaves a payable trade, which this move must not
  // bury under CLOSED. A pay whose record comes after this move finds it refused and closes the trade itself.
  const narrowed = noTrade && (attempt.status === 'CREATED' || attempt.status === 'PREPAID');
  const moved = await moveAttempt(s.models, attempt._id, { from: narrowed ? attempt.status : ['CREATED', 'PREPAID'], to: 'CLOSED', unset: { nextSyncAt: 1 } });
  if (moved || !narrowed) return false;
  const now = await s.models.PaymentAttempt.findById(attempt._id).lean<AttemptDoc>();
  // Closed by someone else (or by the sync, WeChat saying the payment failed): done.
  if (!now || now.status === 'CLOSED') return false;
  // The trade exists now: close it again. Each round needs another prepay recorded in between, and an attempt is
  // prepaid with the same parameters each time, so one more round is all a prepay in flight can cause.
  if (round >= 2) throw new Error(`attempt ${attempt.outTradeNo} kept moving while it was being closed (now ${now.status})`);
  return closeAttemptOrDetectPayment(s, now, round + 1);
}
