// Gets the ALL trade bill of a date (docs/wechat-pay.md §9): ask for it, download it at once (the URL lives 30 s),
// check the file's SHA1 against the hash WeChat announced (the download is not signed), parse it, and keep both
// the raw file and the parsed rows. A file whose hash does not match is refused and asked for again.
import { gzipSync } from 'node:zlib';
import {
  parseTradeBill,
  WechatPayApiError,
  WechatPayBillHashMismatchError,
  type TradeBill,
} from '@xiaodian/wechatpay';
import type { Services } from '../../context';

/** Requests (each with a fresh download URL) before giving up on a date for now. */
const DOWNLOAD_ATTEMPTS = 3;

export type FetchedBill =
  | { noStatement: true; refusedDownloads: number }
  | { noStatement: false; bill: TradeBill; sha1: string; refusedDownloads: number };

export async function fetchTradeBill(s: Services, date: string): Promise<FetchedBill> {
  const log = s.logger.child({ billDate: date });
  let refusedDownloads = 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
    let announced;
    try {
      announced = await s.wechatPay.tradeBill({ billDate: date, billType: 'ALL' });
    } catch (err) {
      // No trades that day (or the bill is not ready yet: the caller decides which, from the time).
      if (err instanceof WechatPayApiError && err.code === 'NO_STATEMENT_EXIST') return { noStatement: true, refusedDownloads };
      throw err;
    }
    if (announced.hash_type.toUpperCase() !== 'SHA1') throw new Error(`bill hash_type ${announced.hash_type} is not SHA1`);
    let text: string;
    try {
      text = await s.wechatPay.downloadBill(announced.download_url, announced.hash_value);
    } catch (err) {
      if (err instanceof WechatPayBillHashMismatchError) {
        refusedDownloads++;
        log.warn({ expected: err.expected, actual: err.actual, attempt }, 'refused a bill whose SHA1 does not match; asking again');
        lastError = err;
        continue;
      }
      // The URL expired or the download failed half way: a new request gives a new URL.
      if (err instanceof WechatPayApiError && attempt < DOWNLOAD_ATTEMPTS) {
        log.warn({ code: err.code, attempt }, 'bill download refused; asking again');
        lastError = err;
        continue;
      }
      throw err;
    }
    const bill = parseTradeBill(text);
    // Verified by downloadBill against the raw bytes.
    const sha1 = announced.hash_value.trim().toLowerCase();
    await keepBill(s, date, text, sha1, bill);
    log.info({ rows: bill.rows.length, sha1 }, 'trade bill downloaded');
    return { noStatement: false, bill, sha1, refusedDownloads };
  }
  throw lastError;
}

/** Stores the raw file and its rows, replacing what an earlier run of the same date stored. */
async function keepBill(s: Services, date: string, text: string, sha1: string, bill: TradeBill): Promise<void> {
  const { BillFile, BillRow } = s.models;
  const bytes = Buffer.from(text, 'utf8');
  await BillFile.updateOne(
    { _id: date },
    { $set: { sha1, gzipBase64: gzipSync(bytes).toString('base64'), bytes: bytes.length, rows: bill.rows.length, summary: bill.summary, downloadedAt: new Date() } },
    { upsert: true },
  );
  await BillRow.deleteMany({ date });
  if (bill.rows.length > 0) {
    await BillRow.insertMany(
      bill.rows.map((row, i) => ({
        date,
        line: i + 1,
        tradeState: row.tradeState,
        outTradeNo: row.outTradeNo,
        transactionId: row.transactionId,
        ...(row.tradeState === 'REFUND' ? { outRefundNo: row.outRefundNo } : {}),
        row,
      })),
    );
  }
}
