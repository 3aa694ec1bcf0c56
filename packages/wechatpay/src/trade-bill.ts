// The trade bill (对账单) of `GET /v3/bill/tradebill?bill_type=ALL` (docs/wechat-pay.md §9): parsed for
// reconciliation, and formatted by the sandbox to serve bills. Amounts in the file are in yuan; they
// become integer fen by string arithmetic only, so `0.01` is 1 and never 0.009999….
import { createHash } from 'node:crypto';
import { TradeBillFormatError } from './errors';

export interface TradeBillRow {
  /** 交易时间, `YYYY-MM-DD HH:mm:ss` Beijing time. */
  tradeTime: string;
  /** 公众账号ID */
  appid: string;
  /** 商户号 */
  mchid: string;
  /** 特约商户号 (`0` for a direct merchant) */
  subMchid: string;
  /** 设备号 */
  deviceInfo: string;
  /** 微信订单号 */
  transactionId: string;
  /** 商户订单号 */
  outTradeNo: string;
  /** 用户标识 */
  openid: string;
  /** 交易类型 */
  tradeType: string;
  /** 交易状态: `SUCCESS` for a payment row, `REFUND` for a refund row. */
  tradeState: string;
  /** 付款银行 */
  bankType: string;
  /** 货币种类 */
  currency: string;
  /** 应结订单金额 */
  settlementTotalFen: number;
  /** 代金券金额 */
  couponFen: number;
  /** 微信退款单号 (`0` on payment rows) */
  refundId: string;
  /** 商户退款单号 (`0` on payment rows) */
  outRefundNo: string;
  /** 退款金额 */
  refundFen: number;
  /** 充值券退款金额 */
  couponRefundFen: number;
  /** 退款类型 */
  refundType: string;
  /** 退款状态 */
  refundStatus: string;
  /** 商品名称 */
  body: string;
  /** 商户数据包 */
  attach: string;
  /**
   * 手续费. WeChat may print it with more than two decimals; it is then rounded half away from
   * zero to the fen (the only column where that is allowed).
   */
  feeFen: number;
  /** 费率, as printed (`0.60%`). */
  rate: string;
  /** 订单金额 */
  totalFen: number;
  /** 申请退款金额 */
  requestedRefundFen: number;
  /** 费率备注 */
  rateNote: string;
}

export interface TradeBillSummary {
  /** 总交易单数 */
  tradeCount: number;
  /** 应结订单总金额 */
  settlementTotalFen: number;
  /** 退款总金额 */
  refundTotalFen: number;
  /** 充值券退款总金额 */
  couponRefundTotalFen: number;
  /** 手续费总金额 */
  feeTotalFen: number;
  /** 订单总金额 */
  orderTotalFen: number;
  /** 申请退款总金额 */
  requestedRefundTotalFen: number;
}

export interface TradeBill {
  rows: TradeBillRow[];
  summary: TradeBillSummary;
}

type ColumnKind = 'text' | 'fen' | 'fee';

/** The ALL bill's columns in file order: Chinese header, row field, kind. */
const COLUMNS = [
  ['交易时间', 'tradeTime', 'text'],
  ['公众账号ID', 'appid', 'text'],
  ['商户号', 'mchid', 'text'],
  ['特约商户号', 'subMchid', 'text'],
  ['设备号', 'deviceInfo', 'text'],
  ['微信订单号', 'transactionId', 'text'],
  ['商户订单号', 'outTradeNo', 'text'],
  ['用户标识', 'openid', 'text'],
  ['交易类型', 'tradeType', 'text'],
  ['交易状态', 'tradeState', 'text'],
  ['付款银行', 'bankType', 'text'],
  ['货币种类', 'currency', 'text'],
  ['应结订单金额', 'settlementTotalFen', 'fen'],
  ['代金券金额', 'couponFen', 'fen'],
  ['微信退款单号', 'refundId', 'text'],
  ['商户退款单号', 'outRefundNo', 'text'],
  ['退款金额', 'refundFen', 'fen'],
  ['充值券退款金额', 'couponRefundFen', 'fen'],
  ['退款类型', 'refundType', 'text'],
  ['退款状态', 'refundStatus', 'text'],
  ['商品名称', 'body', 'text'],
  ['商户数据包', 'attach', 'text'],
  ['手续费', 'feeFen', 'fee'],
  ['费率', 'rate', 'text'],
  ['订单金额', 'totalFen', 'fen'],
  ['申请退款金额', 'requestedRefundFen', 'fen'],
  ['费率备注', 'rateNote', 'text'],
] as const satisfies readonly (readonly [string, keyof TradeBillRow, ColumnKind])[];

const SUMMARY_COLUMNS = [
  ['总交易单数', 'tradeCount'],
  ['应结订单总金额', 'settlementTotalFen'],
  ['退款总金额', 'refundTotalFen'],
  ['充值券退款总金额', 'couponRefundTotalFen'],
  ['手续费总金额', 'feeTotalFen'],
  ['订单总金额', 'orderTotalFen'],
  ['申请退款总金额', 'requestedRefundTotalFen'],
] as const satisfies readonly (readonly [string, keyof TradeBillSummary])[];

/** The column names of an ALL trade bill, in order (docs/wechat-pay.md §9). */
export const TRADE_BILL_COLUMNS: readonly string[] = COLUMNS.map(([header]) => header);
export const TRADE_BILL_SUMMARY_COLUMNS: readonly string[] = SUMMARY_COLUMNS.map(([header]) => header);

const BOM = '\uFEFF';

/**
 * Yuan as printed (`'0.01'`, `'1234.5'`, `'-0.10'`) to integer fen by string arithmetic.
 * Digits beyond the fen must be zeros unless `rounding` is `'half-up'` (half away from zero).
 */
export function yuanToFen(text: string, rounding: 'exact' | 'half-up' = 'exact'): number {
  const match = /^([-+]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount in yuan: ${JSON.stringify(text)}`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const fen2 = fraction.slice(0, 2).padEnd(2, '0');
  const beyond = fraction.slice(2);
  let fen = Number(whole) * 100 + Number(fen2);
  if (/[1-9]/.test(beyond)) {
    if (rounding === 'exact') throw new RangeError(`amount has fractions of a fen: ${JSON.stringify(text)}`);
    if (beyond.charCodeAt(0) >= '5'.charCodeAt(0)) fen += 1;
  }
  if (!Number.isSafeInteger(fen)) throw new RangeError(`amount out of range: ${JSON.stringify(text)}`);
  return sign === '-' && fen !== 0 ? -fen : fen;
}

/** Integer fen to yuan with two decimals, by string arithmetic: 1 → `'0.01'`, -10 → `'-0.10'`. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer: ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** SHA1 in lower-case hex of a text's UTF-8 bytes (BOM included), as `hash_value` announces it. */
export function sha1Hex(content: string | Uint8Array): string {
  return createHash('sha1').update(content).digest('hex');
}

function splitHeader(line: string): string[] {
  return line.split(',').map((field) => field.trim().replace(/^`/, ''));
}

/**
 * Every data field starts with a backtick, so splitting on ",`" keeps a comma inside a product
 * name in its field; a line without backticks falls back to plain commas.
 */
function splitFields(line: string): string[] {
  if (line.startsWith('`')) return line.slice(1).split(',`');
  return line.split(',');
}

function indexColumns(header: string[], wanted: readonly string[], lineNumber: number): number[] {
  return wanted.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new TradeBillFormatError(`missing column ${name}`, lineNumber);
    return index;
  });
}

function amount(text: string, kind: 'fen' | 'fee', column: string, lineNumber: number): number {
  try {
    return yuanToFen(text, kind === 'fee' ? 'half-up' : 'exact');
  } catch (error) {
    throw new TradeBillFormatError(`${column}: ${(error as Error).message}`, lineNumber);
  }
}

/** Parses an ALL trade bill (BOM or not, CRLF or LF, columns found by their header names). */
export function parseTradeBill(text: string): TradeBill {
  const lines = (text.startsWith(BOM) ? text.slice(BOM.length) : text).split(/\r?\n/);
  let cursor = 0;
  const next = (): { line: string; number: number } | undefined => {
    while (cursor < lines.length) {
      const line = lines[cursor++]!;
      if (line.trim() !== '') return { line, number: cursor };
    }
    return undefined;
  };

  const headerLine = next();
  if (!headerLine) throw new TradeBillFormatError('empty bill');
  const header = splitHeader(headerLine.line);
  if (header[0] !== '交易时间') throw new TradeBillFormatError('the first line is not the bill header', headerLine.number);
  const indexes = indexColumns(header, TRADE_BILL_COLUMNS, headerLine.number);

  const rows: TradeBillRow[] = [];
  let summaryHeaderLine: { line: string; number: number } | undefined;
  for (let entry = next(); entry; entry = next()) {
    const fields = splitFields(entry.line);
    if (fields[0]?.trim() === '总交易单数') {
      summaryHeaderLine = entry;
      break;
    }
    if (fields.length !== header.length) {
      throw new TradeBillFormatError(`expected ${header.length} fields, found ${fields.length}`, entry.number);
    }
    const row: Record<string, string | number> = {};
    COLUMNS.forEach(([column, field, kind], i) => {
      const value = fields[indexes[i]!]!;
      row[field] = kind === 'text' ? value : amount(value, kind, column, entry.number);
    });
    rows.push(row as unknown as TradeBillRow);
  }
  if (!summaryHeaderLine) throw new TradeBillFormatError('missing the summary header (总交易单数 …)');

  const summaryHeader = splitHeader(summaryHeaderLine.line);
  const summaryIndexes = indexColumns(summaryHeader, TRADE_BILL_SUMMARY_COLUMNS, summaryHeaderLine.number);
  const summaryLine = next();
  if (!summaryLine) throw new TradeBillFormatError('missing the summary row', summaryHeaderLine.number + 1);
  const summaryFields = splitFields(summaryLine.line);
  if (summaryFields.length !== summaryHeader.length) {
    throw new TradeBillFormatError(
      `expected ${summaryHeader.length} summary fields, found ${summaryFields.length}`,
      summaryLine.number,
    );
  }
  const summary: Record<string, number> = {};
  SUMMARY_COLUMNS.forEach(([column, field], i) => {
    const value = summaryFields[summaryIndexes[i]!]!.trim();
    if (field === 'tradeCount') {
      if (!/^\d+$/.test(value)) throw new TradeBillFormatError(`${column}: not a count: ${value}`, summaryLine.number);
      summary[field] = Number(value);
    } else {
      summary[field] = amount(value, field === 'feeTotalFen' ? 'fee' : 'fen', column, summaryLine.number);
    }
  });
  const trailing = next();
  if (trailing) throw new TradeBillFormatError('unexpected line after the summary row', trailing.number);
  return { rows, summary: summary as unknown as TradeBillSummary };
}

/** Totals of the summary row: the count of rows and the sum of each amount column. */
export function summarizeTradeBill(rows: readonly TradeBillRow[]): TradeBillSummary {
  const sum = (pick: (row: TradeBillRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  return {
    tradeCount: rows.length,
    settlementTotalFen: sum((row) => row.settlementTotalFen),
    refundTotalFen: sum((row) => row.refundFen),
    couponRefundTotalFen: sum((row) => row.couponRefundFen),
    feeTotalFen: sum((row) => row.feeFen),
    orderTotalFen: sum((row) => row.totalFen),
    requestedRefundTotalFen: sum((row) => row.requestedRefundFen),
  };
}

function field(value: string, column: string): string {
  if (/[\r\n]/.test(value) || value.includes(',`')) {
    throw new TradeBillFormatError(`${column} cannot hold a line break or ",\`": ${JSON.stringify(value)}`);
  }
  return `\`${value}`;
}

/**
 * Writes an ALL trade bill exactly as WeChat serves it: UTF-8 BOM, the header, one backtick-prefixed
 * line per row, the summary header and the summary row (computed from the rows unless given), CRLF.
 */
export function formatTradeBill(rows: readonly TradeBillRow[], options: { summary?: TradeBillSummary } = {}): string {
  const summary = options.summary ?? summarizeTradeBill(rows);
  const lines = [TRADE_BILL_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      COLUMNS.map(([column, key, kind]) => {
        const value = row[key];
        return field(kind === 'text' ? String(value) : fenToYuan(value as number), column);
      }).join(','),
    );
  }
  lines.push(TRADE_BILL_SUMMARY_COLUMNS.join(','));
  lines.push(
    SUMMARY_COLUMNS.map(([column, key]) =>
      field(key === 'tradeCount' ? String(summary[key]) : fenToYuan(summary[key]), column),
    ).join(','),
  );
  return `${BOM}${lines.map((line) => `${line}\r\n`).join('')}`;
}
