import type { ReconciliationReport, ReconciliationSummary } from '@xiaodian/shared';
import type { ReconciliationDoc } from './model';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

/** The stored report of a date (only once a run has completed: `reconciledAt` set). */
export function toReport(doc: ReconciliationDoc): ReconciliationReport {
  return {
    date: doc.date,
    billRows: doc.billRows ?? 0,
    matched: doc.matched ?? 0,
    discrepancies: (doc.discrepancies ?? []).map((d) => ({
      kind: d.kind,
      outTradeNo: d.outTradeNo,
      ...(d.transactionId ? { transactionId: d.transactionId } : {}),
      ...(d.outRefundNo ? { outRefundNo: d.outRefundNo } : {}),
      detail: d.detail,
      action: d.action,
    })),
    totals: {
      wechatPaidFen: doc.totals?.wechatPaidFen ?? 0,
      localPaidFen: doc.totals?.localPaidFen ?? 0,
      wechatRefundFen: doc.totals?.wechatRefundFen ?? 0,
      localRefundFen: doc.totals?.localRefundFen ?? 0,
    },
    noStatement: doc.noStatement ?? false,
    provisional: doc.provisional ?? false,
    refusedDownloads: doc.refusedDownloads ?? 0,
    ...(doc.billSha1 ? { billSha1: doc.billSha1 } : {}),
    reconciledAt: iso(doc.reconciledAt)!,
  };
}

export function toSummary(doc: ReconciliationDoc): ReconciliationSummary {
  const report = doc.reconciledAt ? toReport(doc) : undefined;
  return {
    date: doc.date,
    status: doc.status,
    ...(report
      ? {
          reconciledAt: report.reconciledAt,
          billRows: report.billRows,
          matched: report.matched,
          discrepancies: report.discrepancies.length,
          flagged: report.discrepancies.filter((d) => d.action === 'FLAGGED').length,
          totals: report.totals,
          provisional: report.provisional,
        }
      : {}),
    ...(doc.status === 'FAILED' && doc.lastError ? { lastError: doc.lastError } : {}),
    ...(doc.lastRunAt ? { lastRunAt: iso(doc.lastRunAt) } : {}),
  };
}
