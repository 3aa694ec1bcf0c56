// Trade bills (对账单): the ALL bill of a Beijing date, served through a 30-second download URL with its SHA1.
import { randomBytes } from 'node:crypto';
import { formatTradeBill, sha1Hex, type TradeBillRow } from '@xiaodian/wechatpay';
import { WxPayError } from '../errors';
import type { Core } from '../core';
import { beijingDate, beijingDayStart, billTime } from '../time';

/** How long a download_url works (WeChat: 30 s), on the sandbox clock and not scaled. */
export const BILL_URL_VALIDITY_MS = 30_000;
const RATE = '0.60%';

/** 0.6% of an amount, rounded half up to the fen. */
function fee(fen: number): number {
  return Math.floor((fen * 6 + 500) / 1000);
}

export interface BillDownload {
  content: string;
  expiresAt: number;
}

/** The rows of a day: payments whose success_time falls on it, and refunds that succeeded on it. */
export function billRows(core: Core, date: string): TradeBillRow[] {
  const rows: Array<{ at: number; row: TradeBillRow }> = [];
  const trades = core.store.data.trades;
  for (const trade of Object.values(trades)) {
    if (trade.successAt === undefined || !trade.transaction_id || beijingDate(trade.successAt) !== date) continue;
    rows.push({
      at: trade.successAt,
      row: {
        tradeTime: billTime(trade.successAt),
        appid: trade.appid,
        mchid: trade.mchid,
        subMchid: '0',
        deviceInfo: '',
        transactionId: trade.transaction_id,
        outTradeNo: trade.out_trade_no,
        openid: trade.payer.openid,
        tradeType: 'JSAPI',
        tradeState: 'SUCCESS',
        bankType: trade.bank_type ?? 'OTHERS',
        currency: 'CNY',
        settlementTotalFen: trade.amount.total,
        couponFen: 0,
        refundId: '0',
        outRefundNo: '0',
        refundFen: 0,
        couponRefundFen: 0,
        refundType: '',
        refundStatus: '',
        body: trade.description,
        attach: trade.attach ?? '',
        feeFen: fee(trade.amount.total),
        rate: RATE,
        totalFen: trade.amount.total,
        requestedRefundFen: 0,
        rateNote: '',
      },
    });
  }
  for (const refund of Object.values(core.store.data.refunds)) {
    if (refund.status !== 'SUCCESS' || refund.successAt === undefined || beijingDate(refund.successAt) !== date) continue;
    const trade = trades[refund.out_trade_no];
    rows.push({
      at: refund.successAt,
      row: {
        tradeTime: billTime(refund.successAt),
        appid: trade?.appid ?? core.identity.appid,
        mchid: core.identity.mchid,
        subMchid: '0',
        deviceInfo: '',
        transactionId: refund.transaction_id,
        outTradeNo: refund.out_trade_no,
        openid: trade?.payer.openid ?? '',
        tradeType: 'JSAPI',
        tradeState: 'REFUND',
        bankType: trade?.bank_type ?? 'OTHERS',
        currency: 'CNY',
        settlementTotalFen: 0,
        couponFen: 0,
        refundId: refund.refund_id,
        outRefundNo: refund.out_refund_no,
        refundFen: refund.amount.refund,
        couponRefundFen: 0,
        refundType: 'ORIGINAL',
        refundStatus: 'SUCCESS',
        body: trade?.description ?? '',
        attach: trade?.attach ?? '',
        feeFen: -fee(refund.amount.refund),
        rate: RATE,
        totalFen: 0,
        requestedRefundFen: refund.amount.refund,
        rateNote: '',
      },
    });
  }
  return rows.sort((a, b) => a.at - b.at).map((r) => r.row);
}

/** `GET /v3/bill/tradebill?bill_date=&bill_type=ALL` → `{hash_type, hash_value, download_url}`. */
export function requestTradeBill(
  core: Core,
  query: Record<string, string | undefined>,
  downloads: Map<string, BillDownload>,
): { hash_type: 'SHA1'; hash_value: string; download_url: string } {
  const date = query.bill_date;
  if (!date) throw new WxPayError(400, 'PARAM_ERROR', '参数错误: bill_date 为必填项', { field: 'bill_date', location: 'query' });
  const dayStart = beijingDayStart(date);
  if (dayStart === undefined) throw new WxPayError(400, 'PARAM_ERROR', '参数错误: bill_date 格式为YYYY-MM-DD', { field: 'bill_date', value: date, location: 'query' });
  const billType = query.bill_type ?? 'ALL';
  if (billType !== 'ALL') throw new WxPayError(400, 'PARAM_ERROR', `参数错误: 沙箱只提供bill_type=ALL的账单(收到${billType})`, { field: 'bill_type', value: billType, location: 'query' });
  if (query.tar_type !== undefined) throw new WxPayError(400, 'PARAM_ERROR', '参数错误: 沙箱只提供未压缩的账单(不支持tar_type)', { field: 'tar_type', location: 'query' });
  const now = core.clock.now();
  const today = beijingDate(now);
  if (date > today) throw new WxPayError(400, 'INVALID_REQUEST', '账单日期不能晚于当天');
  if (now - dayStart > 92 * 24 * 3600 * 1000) throw new WxPayError(400, 'INVALID_REQUEST', '只能下载三个月以内的账单');
  if (core.store.data.settings.strict_bill_timing && now < dayStart + (24 + 10) * 3600 * 1000) {
    throw new WxPayError(400, 'NO_STATEMENT_EXIST', '账单尚未生成，请于次日10点后下载');
  }
  const rows = billRows(core, date);
  if (rows.length === 0) throw new WxPayError(400, 'NO_STATEMENT_EXIST', '当日无交易，账单不存在');
  const content = formatTradeBill(rows);
  const token = randomBytes(24).toString('base64url');
  for (const [key, value] of downloads) if (value.expiresAt <= now) downloads.delete(key);
  downloads.set(token, { content, expiresAt: now + BILL_URL_VALIDITY_MS });
  return { hash_type: 'SHA1', hash_value: sha1Hex(content), download_url: `${core.url()}/v3/billdownload/file?token=${token}` };
}

/** The file behind a download_url, tampered (one amount changed, so its SHA1 no longer matches) under the fault. */
export function downloadBill(core: Core, token: string | undefined, downloads: Map<string, BillDownload>): string {
  const download = token ? downloads.get(token) : undefined;
  if (!download) throw new WxPayError(400, 'INVALID_REQUEST', '下载链接无效');
  if (download.expiresAt <= core.clock.now()) throw new WxPayError(400, 'INVALID_REQUEST', '下载链接已过期(有效期30秒)，请重新申请账单');
  if (core.faults.take('tamper_bill', {})) return tamper(download.content);
  return download.content;
}

function tamper(content: string): string {
  const lines = content.split('\r\n');
  const fields = lines[1]?.split(',`');
  if (!fields || fields.length < 13) return `${content} `;
  // 应结订单金额 (the 13th column) of the first row gains a fen.
  const [yuan = '0', cents = '00'] = fields[12]!.split('.');
  const fen = Number(yuan) * 100 + Number(cents) + 1;
  fields[12] = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  lines[1] = fields.join(',`');
  return lines.join('\r\n');
}
