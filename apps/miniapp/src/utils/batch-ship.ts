// Batch shipping in the console: the owner pastes, picks or imports (an .xlsx) lines `订单号 快递公司 单号`; this
// reads them into rows, flags what must not be sent before anything is, and says each result of
// POST /api/admin/orders/ship-batch in Chinese.

/** One line read, with what is wrong with it (then it is not sent). */
export interface BatchShipRow {
  /** 1-based line of the pasted text. */
  line: number;
  orderNo: string;
  expressCompany: string;
  trackingNo: string;
  problem?: string;
}

/** A row's outcome as the API answered it. */
export interface BatchShipResult {
  orderNo: string;
  ok: boolean;
  code?: 'NOT_FOUND' | 'ORDER_NOT_SHIPPABLE' | 'CONFLICT';
}

/** The most rows one request may carry (the API refuses more). */
export const BATCH_SHIP_MAX_ROWS = 500;

/** A line's order is not among the 待发货 ones (unknown, or shipped, unpaid, in after-sale). */
export const NOT_TO_SHIP = '不是待发货的订单';

/**
 * Reads the text into rows: blank lines are skipped; fields are split by spaces, tabs or commas (a spreadsheet
 * pastes tabs); the first is the order number, the last the tracking number, those between the company.
 * `shippable` holds the order numbers that are 待发货 now: another is flagged before sending (the API would
 * refuse it anyway), as is an order number on two lines (the API would ship neither).
 */
export function readShipRows(text: string, shippable: ReadonlySet<string>): BatchShipRow[] {
  const rows: BatchShipRow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.split(/[\s,，]+/).filter(Boolean);
    if (fields.length === 0) return;
    const row: BatchShipRow = {
      line: i + 1,
      orderNo: fields[0] ?? '',
      expressCompany: fields.slice(1, -1).join(' '),
      trackingNo: fields.length > 1 ? fields.at(-1)! : '',
    };
    if (fields.length < 3) row.problem = '格式应为：订单号 快递公司 单号';
    else if (row.orderNo.length > 32) row.problem = '订单号过长';
    else if (row.expressCompany.length > 64) row.problem = '快递公司最多 64 个字';
    else if (row.trackingNo.length > 128) row.problem = '单号最多 128 个字符';
    rows.push(row);
  });
  const seen = new Map<string, number>();
  for (const row of rows) seen.set(row.orderNo, (seen.get(row.orderNo) ?? 0) + 1);
  for (const row of rows) {
    if (row.problem) continue;
    if ((seen.get(row.orderNo) ?? 0) > 1) row.problem = '订单号重复';
    else if (!shippable.has(row.orderNo)) row.problem = NOT_TO_SHIP;
  }
  if (rows.filter((r) => !r.problem).length > BATCH_SHIP_MAX_ROWS) {
    rows.slice(BATCH_SHIP_MAX_ROWS).forEach((r) => (r.problem ??= `一次最多 ${BATCH_SHIP_MAX_ROWS} 行`));
  }
  return rows;
}

const RESULT_TEXT: Record<NonNullable<BatchShipResult['code']>, string> = {
  NOT_FOUND: '订单不存在',
  ORDER_NOT_SHIPPABLE: '订单当前不能发货（已发货、未支付或售后中）',
  CONFLICT: '订单号重复，均未发货',
};

/** A result, as the owner reads it. */
export function batchResultText(result: BatchShipResult): string {
  if (result.ok) return '已发货';
  return result.code ? RESULT_TEXT[result.code] : '发货失败';
}

/** A parcel read from a sheet by `POST /api/admin/orders/ship-batch/import`. */
export interface ImportedParcel {
  orderNo: string;
  expressCompany: string;
  trackingNo: string;
}

/** The sheet's parcels as pasted lines, so they join the preview as typed ones do (and can be edited there). */
export function importedLines(rows: readonly ImportedParcel[]): string[] {
  return rows.map((r) => `${r.orderNo} ${r.expressCompany} ${r.trackingNo}`);
}

/** What the import read, as the owner reads it: how many parcels, and which sheet lines were left out. */
export function importSummary(rows: number, problemLines: readonly number[]): string {
  const read = `已从表格读入 ${rows} 单`;
  if (problemLines.length === 0) return read;
  const shown = problemLines.slice(0, 10).join('、') + (problemLines.length > 10 ? ` 等 ${problemLines.length} 行` : ' 行');
  return `${read}；表格第 ${shown}缺少订单号、快递公司或单号（或内容过长），未读入`;
}

/** Why the API refused the whole sheet, from its code and details (the general texts speak of images). */
export function importErrorText(err: { code?: string; status?: number; message: string; details?: Record<string, unknown> }): string {
  if (err.code === 'TOO_LARGE' && typeof err.details?.maxRows === 'number') return `一次最多导入 ${err.details.maxRows} 单，请分成几个表格`;
  if (err.code === 'TOO_LARGE' && err.details?.maxInflatedBytes !== undefined) return '表格内容太多了：请只留下要发货的订单再导入';
  if (err.code === 'TOO_LARGE') return '表格文件太大了（最大 2 MB）';
  if (err.code === 'IMPORT_COLUMNS_MISSING') {
    const missing = Array.isArray(err.details?.missing) ? err.details.missing.filter((m): m is string => typeof m === 'string') : [];
    return missing.length ? `表格缺少「${missing.join('」「')}」列：表头应有 订单号、快递公司、快递单号` : err.message;
  }
  return err.message;
}
