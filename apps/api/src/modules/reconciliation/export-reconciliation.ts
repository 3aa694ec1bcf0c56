// A date's reconciliation report as an .xlsx file for the bookkeeper: a summary sheet (totals in yuan, WeChat's
// bill against the shop's records) and a sheet of the discrepancies with what was done about each. A report is
// one document of at most a few hundred discrepancies, so it is built in memory (the orders export streams).
import ExcelJS from 'exceljs';
import { fenToYuan, type ReconciliationReport } from '@xiaodian/shared';

const KIND_TEXT: Record<string, string> = {
  MISSING_LOCALLY: '微信已收款，本店未记为已付',
  MISSING_AT_WECHAT: '本店已付，微信账单中没有',
  AMOUNT_MISMATCH: '金额不符',
  REFUND_MISMATCH: '退款不符',
};

const ACTION_TEXT: Record<string, string> = {
  HEALED: '已向微信查询确认并自动补记',
  REFUNDED: '订单无法接收这笔款项，已自动原路退款',
  FLAGGED: '未自动处理，请在微信支付商户平台核实后处理',
};

const YUAN = '0.00';

/** The nearest number to the exact yuan amount (one division of an integer); the `0.00` format shows it. */
const yuanOf = (fen: number): number => Number(fenToYuan(fen));

/** `YYYY-MM-DD hh:mm:ss` in Beijing time, the shop's and WeChat's clock. */
const beijingTime = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

export const RECONCILIATION_SUMMARY_SHEET = '汇总';
export const RECONCILIATION_DISCREPANCY_SHEET = '差异明细';

export async function reconciliationWorkbook(report: ReconciliationReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const { totals } = report;

  const summary = workbook.addWorksheet(RECONCILIATION_SUMMARY_SHEET);
  summary.columns = [
    { header: '项目', key: 'item', width: 22 },
    { header: '数值', key: 'value', width: 44 },
  ];
  summary.getRow(1).font = { bold: true };
  const text = (item: string, value: string | number) => summary.addRow({ item, value });
  const money = (item: string, fen: number) => {
    summary.addRow({ item, value: yuanOf(fen) }).getCell('value').numFmt = YUAN;
  };
  text('对账日期', report.date);
  text('账单状态', report.noStatement ? '微信当天无账单（无交易）' : report.provisional ? '临时（次日 10:00 前对账，之后会再对一次）' : '正式');
  text('对账时间', beijingTime(report.reconciledAt));
  text('微信账单笔数', report.billRows);
  text('核对一致笔数', report.matched);
  text('差异笔数', report.discrepancies.length);
  text('待人工处理笔数', report.discrepancies.filter((d) => d.action === 'FLAGGED').length);
  money('微信收款(元)', totals.wechatPaidFen);
  money('本店收款(元)', totals.localPaidFen);
  money('收款差额(元)', totals.wechatPaidFen - totals.localPaidFen);
  money('微信退款(元)', totals.wechatRefundFen);
  money('本店退款(元)', totals.localRefundFen);
  money('退款差额(元)', totals.wechatRefundFen - totals.localRefundFen);
  if (report.billSha1) text('账单文件 SHA1', report.billSha1);
  if (report.refusedDownloads) text('校验不符而拒收的下载次数', report.refusedDownloads);

  const details = workbook.addWorksheet(RECONCILIATION_DISCREPANCY_SHEET);
  details.columns = [
    { header: '差异类型', key: 'kind', width: 26 },
    { header: '处理结果', key: 'action', width: 40 },
    { header: '商户订单号', key: 'outTradeNo', width: 34 },
    { header: '微信支付单号', key: 'transactionId', width: 34 },
    { header: '商户退款单号', key: 'outRefundNo', width: 34 },
  ];
  details.getRow(1).font = { bold: true };
  for (const d of report.discrepancies) {
    details.addRow({
      kind: KIND_TEXT[d.kind] ?? d.kind,
      action: ACTION_TEXT[d.action] ?? d.action,
      outTradeNo: d.outTradeNo,
      transactionId: d.transactionId ?? '',
      outRefundNo: d.outRefundNo ?? '',
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
