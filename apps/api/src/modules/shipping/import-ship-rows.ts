// Reads a spreadsheet of parcels (the order export with its tracking numbers filled in, or a courier's own sheet)
// into batch-ship rows. It changes nothing: the console shows the rows in its preview and applies them through
// POST /api/admin/orders/ship-batch like pasted lines, so one path ships and one path checks.
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { ErrorCode } from '@xiaodian/shared';
import { AppError } from '../../errors';
import { MAX_BATCH_ROWS, shipBatchRow } from './ship-batch';

/** An .xlsx of 500 parcels is about 30 KB; 2 MB leaves room for other columns and sheets. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/**
 * The header names each column goes by: ours (the export's 订单号 / 快递公司 / 快递单号) and the usual ones of
 * couriers' and other shops' sheets.
 */
const COLUMN_NAMES = {
  orderNo: ['订单号', '订单编号'],
  expressCompany: ['快递公司', '物流公司'],
  trackingNo: ['快递单号', '运单号', '物流单号'],
} as const;
type Field = keyof typeof COLUMN_NAMES;
const FIELDS = Object.keys(COLUMN_NAMES) as Field[];

/** The header is looked for in the first rows only (a title or a note may sit above it). */
const HEADER_SEARCH_ROWS = 10;

export interface ImportedShipRow {
  /** The sheet's row number, as the spreadsheet shows it. */
  line: number;
  orderNo: string;
  expressCompany: string;
  trackingNo: string;
}

/** A line that cannot be sent: VALIDATION_FAILED when a field is missing, too long or holds control characters. */
export interface ImportProblem {
  line: number;
  code: ErrorCode;
}

const unsupported = () => new AppError('UNSUPPORTED_FILE', { status: 400, message: 'The file is not an .xlsx workbook' });

/** A cell as the owner sees it: a typed-in order number Excel stored as a number reads as its digits. */
function cellText(cell: ExcelJS.Cell): string {
  if (typeof cell.value === 'number' && Number.isInteger(cell.value)) return cell.value.toFixed(0);
  return (cell.text ?? '').trim();
}

const headerKey = (text: string) => text.replace(/\s+/g, '');

/** The columns of each field when `row` is a header row; otherwise which fields it lacks. */
function headerColumns(row: ExcelJS.Row): { columns?: Record<Field, number>; missing: Field[] } {
  const found: Partial<Record<Field, number>> = {};
  row.eachCell((cell, col) => {
    const text = headerKey(cellText(cell));
    for (const field of FIELDS) {
      if (found[field] === undefined && (COLUMN_NAMES[field] as readonly string[]).includes(text)) found[field] = col;
    }
  });
  const missing = FIELDS.filter((f) => found[f] === undefined);
  return missing.length ? { missing } : { columns: found as Record<Field, number>, missing };
}

/**
 * What a sheet of 500 parcels may inflate to, with room for other columns and sheets: exceljs inflates the whole
 * zip in memory, and 2 MB of zeros deflates from about 2 GB.
 */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const tooLarge = () =>
  new AppError('TOO_LARGE', { status: 400, message: `The workbook inflates to more than ${MAX_INFLATED_BYTES} bytes`, details: { maxInflatedBytes: MAX_INFLATED_BYTES } });

/**
 * How many bytes the zip's files inflate to, found by inflating each one here under a budget of
 * MAX_INFLATED_BYTES in all (400 TOO_LARGE past it); undefined when the zip cannot be read. The sizes a zip
 * declares are not trusted: jszip (under exceljs) compares them with the data only after inflating all of it.
 */
function inflatedBytes(zip: Buffer): number | undefined {
  // The end-of-central-directory record: 22 bytes and a comment of at most 65,535, at the very end.
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  const LOCAL = 0x04034b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== ENTRY) return undefined;
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) return undefined;
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    // ZIP64 sizes (0xFFFFFFFF here) point past the end too: such a workbook is not ours to read.
    if (dataAt + compressed > zip.length) return undefined;
    const data = zip.subarray(dataAt, dataAt + compressed);
    if (method === 0) total += compressed;
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: MAX_INFLATED_BYTES - total + 1 }).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        return undefined;
      }
    } else return undefined;
    if (total > MAX_INFLATED_BYTES) throw tooLarge();
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  // An .xlsx is a zip: anything else (.xls, .csv, a picture) is refused before the parser sees it.
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== 0x04034b50) throw unsupported();
  if (inflatedBytes(bytes) === undefined) throw unsupported();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw unsupported();
  }
  if (workbook.worksheets.length === 0) throw unsupported();
  return workbook;
}

/**
 * The parcels of the first sheet that has a header row naming the order number, the courier and the tracking
 * number (found by name, in any order, among other columns). Rows with none of the three are skipped; a row that
 * lacks one, or would be refused by the batch, is a problem with its line. 400 UNSUPPORTED_FILE when the bytes
 * are not a workbook, 400 IMPORT_COLUMNS_MISSING without such a header, 400 TOO_LARGE over MAX_BATCH_ROWS
 * parcels (what one batch may ship) or when the zip would inflate past MAX_INFLATED_BYTES.
 */
export async function importShipRows(bytes: Buffer): Promise<{ rows: ImportedShipRow[]; problems: ImportProblem[] }> {
  const workbook = await loadWorkbook(bytes);
  let fewestMissing: Field[] = FIELDS;
  for (const sheet of workbook.worksheets) {
    for (let n = 1; n <= Math.min(HEADER_SEARCH_ROWS, sheet.rowCount); n++) {
      const header = headerColumns(sheet.getRow(n));
      if (header.columns) return readRows(sheet, n, header.columns);
      if (header.missing.length < fewestMissing.length) fewestMissing = header.missing;
    }
  }
  const missing = fewestMissing.map((f) => COLUMN_NAMES[f][0]);
  throw new AppError('IMPORT_COLUMNS_MISSING', { status: 400, message: `No header row names the columns ${missing.join(', ')}`, details: { missing } });
}

function readRows(sheet: ExcelJS.Worksheet, headerRow: number, columns: Record<Field, number>): { rows: ImportedShipRow[]; problems: ImportProblem[] } {
  const rows: ImportedShipRow[] = [];
  const problems: ImportProblem[] = [];
  sheet.eachRow((row, line) => {
    if (line <= headerRow) return;
    const read = { orderNo: cellText(row.getCell(columns.orderNo)), expressCompany: cellText(row.getCell(columns.expressCompany)), trackingNo: cellText(row.getCell(columns.trackingNo)) };
    if (!read.orderNo && !read.expressCompany && !read.trackingNo) return;
    if (rows.length + problems.length >= MAX_BATCH_ROWS) {
      throw new AppError('TOO_LARGE', { status: 400, message: `At most ${MAX_BATCH_ROWS} rows in one import`, details: { maxRows: MAX_BATCH_ROWS } });
    }
    const parsed = shipBatchRow.safeParse(read);
    if (parsed.success) rows.push({ line, ...parsed.data });
    else problems.push({ line, code: 'VALIDATION_FAILED' });
  });
  return { rows, problems };
}
