// Compares WeChat's bill of a date with what this shop recorded, both ways, and acts on each difference:
//  - paid at WeChat, not here   → confirmed by a query, then applied like a notification (HEALED), or refunded
//                                 automatically when the order was closed meanwhile (REFUNDED);
//  - amounts that differ        → FLAGGED (the payment is never applied);
//  - paid here, not in the bill → FLAGGED;
//  - refunds that differ        → FLAGGED.
// Every difference is written once as an action record keyed by (date, kind, trade, refund). A re-run finds the
// record and reports it as it was, without acting again; the actions themselves are idempotent besides (the heal
// is a compare-and-set, the automatic refund has a fixed out_refund_no).
import { paymentOutcomeOf, type Report } from '@xiaodian/shared';
import { fenToYuan, WechatPayApiError, type TradeBillRow, type Transaction } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import type { AttemptDoc } from '../payments/model';
import type { RefundDoc } from '../refunds/model';
import { recordAnomaly } from '../anomalies/record-anomaly';
import { applyPaidTransaction, PAYMENT_REFUSED } from '../payments/apply-payment';
import { beijingDayRange } from './dates';
import type { ReconciliationActionDoc } from './model';
import { isDuplicateKeyError } from '../../infra/duplicate-key';

export type Discrepancy = Report['discrepancies'][number] & { outRefundNo?: string };

export interface Comparison {
  billRows: number;
  matched: number;
  discrepancies: Discrepancy[];
  totals: { wechatPaidFen: number; localPaidFen: number; wechatRefundFen: number; localRefundFen: number };
}

const KIND_ORDER: Record<Discrepancy['kind'], number> = { MISSING_LOCALLY: 0, AMOUNT_MISMATCH: 1, MISSING_AT_WECHAT: 2, REFUND_MISMATCH: 3 };

const actionKey = (date: string, d: Pick<Discrepancy, 'kind' | 'outTradeNo' | 'outRefundNo'>) =>
  `${date}|${d.kind}|${d.outTradeNo}|${d.outRefundNo ?? ''}`;

const money = (fen: number) => `${fen} fen (¥${fenToYuan(fen)})`;

function fromRecord(r: ReconciliationActionDoc): Discrepancy {
  return {
    kind: r.kind,
    outTradeNo: r.outTradeNo,
    ...(r.transactionId ? { transactionId: r.transactionId } : {}),
    ...(r.outRefundNo ? { outRefundNo: r.outRefundNo } : {}),
    detail: r.detail,
    action: r.action,
  };
}

export async function compareBill(
  s: Services,
  date: string,
  allRows: readonly TradeBillRow[],
  options: { keepLease?: () => Promise<void> } = {},
): Promise<Comparison> {
  const { models, config } = s;
  // A merchant account may serve several apps; only this mini program's trades are ours to reconcile.
  const rows = allRows.filter((row) => row.appid === config.wechat.appid);
  const paymentRows = rows.filter((row) => row.tradeState !== 'REFUND');
  const refundRows = rows.filter((row) => row.tradeState === 'REFUND');

  const earlier = new Map<string, Discrepancy>();
  for (const record of await models.ReconciliationAction.find({ date }).lean<ReconciliationActionDoc[]>()) {
    earlier.set(record._id as unknown as string, fromRecord(record));
  }
  const discrepancies: Discrepancy[] = [];
  let matched = 0;

  /** Reports a difference found before, as it was; true if there was one. */
  const reportEarlier = (...keys: Pick<Discrepancy, 'kind' | 'outTradeNo' | 'outRefundNo'>[]): boolean => {
    const found = keys.map((k) => earlier.get(actionKey(date, k))).filter((d): d is Discrepancy => d !== undefined);
    discrepancies.push(...found);
    return found.length > 0;
  };
  const record = async (d: Discrepancy): Promise<void> => {
    await models.ReconciliationAction.updateOne(
      { _id: actionKey(date, d) },
      { $setOnInsert: { date, kind: d.kind, outTradeNo: d.outTradeNo, outRefundNo: d.outRefundNo, transactionId: d.transactionId, action: d.action, detail: d.detail, at: new Date() } },
      { upsert: true },
    ).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    discrepancies.push(d);
  };

  // WeChat → here: payments.
  const inBill = new Set<string>();
  for (const [i, row] of paymentRows.entries()) {
    if (i % 50 === 49) await options.keepLease?.();
    inBill.add(row.outTradeNo);
    if (reportEarlier({ kind: 'MISSING_LOCALLY', outTradeNo: row.outTradeNo }, { kind: 'AMOUNT_MISMATCH', outTradeNo: row.outTradeNo })) continue;
    const found = await checkPaymentRow(s, date, row);
    if (found) await record(found);
    else matched++;
  }

  // Here → WeChat: payments this shop holds as paid on that day.
  const { start, end } = beijingDayRange(date);
  const paidHere = await models.PaymentAttempt.find({ status: 'PAID', paidAt: { $gte: start, $lt: end } }).lean<AttemptDoc[]>();
  for (const attempt of paidHere) {
    if (inBill.has(attempt.outTradeNo)) continue;
    if (reportEarlier({ kind: 'MISSING_AT_WECHAT', outTradeNo: attempt.outTradeNo })) continue;
    await record(await missingAtWechat(s, date, attempt));
  }

  // Refunds, both ways.
  const refundsInBill = new Set<string>();
  for (const row of refundRows) {
    refundsInBill.add(row.outRefundNo);
    if (reportEarlier({ kind: 'REFUND_MISMATCH', outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo })) continue;
    const found = await checkRefundRow(s, date, row);
    if (found) await record(found);
    else matched++;
  }
  const refundedHere = await models.Refund.find({ status: 'SUCCESS', settledAt: { $gte: start, $lt: end } }).lean<RefundDoc[]>();
  for (const refund of refundedHere) {
    if (refundsInBill.has(refund.outRefundNo)) continue;
    if (reportEarlier({ kind: 'REFUND_MISMATCH', outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo })) continue;
    await record({
      kind: 'REFUND_MISMATCH',
      outTradeNo: refund.outTradeNo,
      outRefundNo: refund.outRefundNo,
      ...(refund.transactionId ? { transactionId: refund.transactionId } : {}),
      detail: `refund ${refund.outRefundNo} of ${money(refund.amountFen)} succeeded here on ${date} but is absent from WeChat's bill of that date`,
      action: 'FLAGGED',
    });
  }

  // Totals after acting, so that a re-run (which finds the healed payments here) adds up the same.
  const localPaid = await models.PaymentAttempt.find({ status: 'PAID', paidAt: { $gte: start, $lt: end } }, { amountFen: 1 }).lean<AttemptDoc[]>();
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  discrepancies.sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.outTradeNo.localeCompare(b.outTradeNo) || (a.outRefundNo ?? '').localeCompare(b.outRefundNo ?? ''),
  );
  return {
    billRows: allRows.length,
    matched,
    discrepancies,
    totals: {
      wechatPaidFen: sum(paymentRows.map((r) => r.totalFen)),
      localPaidFen: sum(localPaid.map((a) => a.amountFen)),
      wechatRefundFen: sum(refundRows.map((r) => r.refundFen)),
      localRefundFen: sum(refundedHere.map((r) => r.amountFen)),
    },
  };
}

/** One payment row of the bill: undefined when this shop agrees, else what differs and what was done. */
async function checkPaymentRow(s: Services, date: string, row: TradeBillRow): Promise<Discrepancy | undefined> {
  const attempt = await s.models.PaymentAttempt.findOne({ outTradeNo: row.outTradeNo }).lean<AttemptDoc>();
  const base = { outTradeNo: row.outTradeNo, transactionId: row.transactionId };
  const atWechat = `WeChat's bill of ${date} shows ${money(row.totalFen)} paid at ${row.tradeTime} (transaction ${row.transactionId})`;

  if (attempt && row.totalFen !== attempt.amountFen) {
    await recordAnomaly(s.models, {
      kind: 'AMOUNT_MISMATCH',
      key: `AMOUNT_MISMATCH:${row.outTradeNo}`,
      detail: `paid ${row.totalFen} fen, the order asked ${attempt.amountFen} fen (via reconciliation of ${date})`,
      status: 'OPEN',
      orderId: attempt.orderId,
      outTradeNo: row.outTradeNo,
      transactionId: row.transactionId,
      amountFen: row.totalFen,
    });
    return {
      ...base,
      kind: 'AMOUNT_MISMATCH',
      detail: `${atWechat}; this payment attempt asked ${money(attempt.amountFen)} (status here: ${attempt.status}). Not applied to the order; an admin decides.`,
      action: 'FLAGGED',
    };
  }
  if (attempt?.status === 'PAID' && attempt.transactionId === row.transactionId) return undefined;

  // Paid at WeChat but not known here as paid: ask WeChat before believing a file.
  let tx: Transaction;
  try {
    tx = await s.wechatPay.queryByOutTradeNo(row.outTradeNo);
  } catch (err) {
    if (!(err instanceof WechatPayApiError)) throw err;
    return { ...base, kind: 'MISSING_LOCALLY', detail: `${atWechat}, but WeChat's query answers ${err.code}. Nothing was applied.`, action: 'FLAGGED' };
  }
  if (paymentOutcomeOf(tx.trade_state) !== 'PAID') {
    return { ...base, kind: 'MISSING_LOCALLY', detail: `${atWechat}, but WeChat's query says ${tx.trade_state}. Nothing was applied.`, action: 'FLAGGED' };
  }
  const known = attempt ? `here the attempt was ${attempt.status}` : 'this shop never created this out_trade_no';
  const applied = await applyPaidTransaction(s, tx, 'reconciliation');
  switch (applied.outcome) {
    case 'APPLIED':
      return { ...base, kind: 'MISSING_LOCALLY', detail: `${atWechat}; ${known}. Confirmed by a query and applied: the order is now PAID.`, action: 'HEALED' };
    case 'DUPLICATE':
      // Applied by someone else (a late notification) between our read and our apply: nothing differs now.
      return undefined;
    case 'ANOMALY': {
      const refunded = applied.reason === 'paid after close' || applied.reason === 'paid twice' || applied.reason === PAYMENT_REFUSED;
      return refunded
        ? {
            ...base,
            kind: 'MISSING_LOCALLY',
            detail: `${atWechat}; ${known} and the order cannot take it (${applied.reason}). Refunded automatically (out_refund_no AR${tx.transaction_id ?? row.transactionId}).`,
            action: 'REFUNDED',
          }
        : { ...base, kind: 'MISSING_LOCALLY', detail: `${atWechat}; ${known}. Not applied: ${applied.reason}.`, action: 'FLAGGED' };
    }
  }
}

async function missingAtWechat(s: Services, date: string, attempt: AttemptDoc): Promise<Discrepancy> {
  let evidence: string;
  try {
    const tx = await s.wechatPay.queryByOutTradeNo(attempt.outTradeNo);
    evidence = `WeChat's query says ${tx.trade_state}${tx.transaction_id ? ` (transaction ${tx.transaction_id})` : ''}`;
  } catch (err) {
    evidence = err instanceof WechatPayApiError ? `WeChat's query answers ${err.code}` : 'WeChat could not be asked';
  }
  return {
    kind: 'MISSING_AT_WECHAT',
    outTradeNo: attempt.outTradeNo,
    ...(attempt.transactionId ? { transactionId: attempt.transactionId } : {}),
    detail: `paid here: ${money(attempt.amountFen)} at ${attempt.paidAt?.toISOString() ?? '?'} (transaction ${attempt.transactionId ?? '?'}), but absent from WeChat's bill of ${date}; ${evidence}.`,
    action: 'FLAGGED',
  };
}

async function checkRefundRow(s: Services, date: string, row: TradeBillRow): Promise<Discrepancy | undefined> {
  const local = await s.models.Refund.findOne({ outRefundNo: row.outRefundNo }).lean<RefundDoc>();
  const atWechat = `WeChat's bill of ${date} shows refund ${row.outRefundNo} (${row.refundId}) of ${money(row.refundFen)} ${row.refundStatus || 'SUCCESS'} at ${row.tradeTime}`;
  const base = { kind: 'REFUND_MISMATCH' as const, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo, transactionId: row.transactionId, action: 'FLAGGED' as const };
  if (!local) return { ...base, detail: `${atWechat}; this shop has no such refund.` };
  if (local.amountFen !== row.refundFen) return { ...base, detail: `${atWechat}; here it is ${money(local.amountFen)} (${local.status}).` };
  if (local.status !== 'SUCCESS') return { ...base, detail: `${atWechat}; here it is still ${local.status}.` };
  return undefined;
}
