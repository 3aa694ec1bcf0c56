// The orders of a range of Beijing days as an .xlsx file for the bookkeeper and for a courier's batch import.
// Streamed: exceljs' WorkbookWriter writes each row into the zip as a mongoose cursor hands it over, so 50,000
// orders never sit in memory at once (bench/export.ts prints the heap growth).
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { addDays, fenToYuan } from '@xiaodian/shared';
import type { Services } from '../../context';
import { badRequest } from '../../errors';
import type { OrderDoc } from '../orders/model';
import { beijingDayStart } from './list-orders';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The longest range one file may hold: a year, leap day included. */
export const MAX_EXPORT_DAYS = 366;

export const ordersExportQuery = z.object({ from: z.iso.date(), to: z.iso.date() });
export type OrdersExportQuery = z.infer<typeof ordersExportQuery>;

/** Refuses a range that runs backwards or holds more than MAX_EXPORT_DAYS days, before anything is streamed. */
export function checkExportRange({ from, to }: OrdersExportQuery): void {
  if (from > to) throw badRequest('from: must not be after to');
  if (addDays(from, MAX_EXPORT_DAYS - 1) < to) throw badRequest(`to: at most ${MAX_EXPORT_DAYS} days from from`);
}

const STATUS_TEXT: Record<string, string> = {
  PENDING_PAYMENT: '待付款',
  PAID: '待发货',
  SHIPPED: '已发货',
  COMPLETED: '已完成',
  CLOSED: '已关闭',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
};

const YUAN = '0.00';
const TIME = 'yyyy-mm-dd hh:mm:ss';

/** The columns, in the order a bookkeeper reads them; keys name the row fields below. */
const COLUMNS: Partial<ExcelJS.Column>[] = [
  { header: '订单号', key: 'orderNo', width: 26 },
  { header: '下单时间', key: 'createdAt', width: 20, style: { numFmt: TIME } },
  { header: '支付时间', key: 'paidAt', width: 20, style: { numFmt: TIME } },
  { header: '状态', key: 'status', width: 8 },
  { header: '商品', key: 'goods', width: 40 },
  { header: '规格', key: 'specs', width: 20 },
  { header: '数量', key: 'quantity', width: 6 },
  { header: '单价(元)', key: 'unitYuan', width: 10, style: { numFmt: YUAN } },
  { header: '商品金额(元)', key: 'itemsYuan', width: 12, style: { numFmt: YUAN } },
  { header: '运费(元)', key: 'feeYuan', width: 10, style: { numFmt: YUAN } },
  { header: '实付(元)', key: 'paidYuan', width: 10, style: { numFmt: YUAN } },
  { header: '已退款(元)', key: 'refundedYuan', width: 10, style: { numFmt: YUAN } },
  { header: '收件人', key: 'recipient', width: 10 },
  { header: '电话', key: 'phone', width: 14 },
  { header: '地址', key: 'address', width: 40 },
  { header: '买家留言', key: 'buyerNote', width: 24 },
  { header: '快递公司', key: 'expressCompany', width: 12 },
  { header: '快递单号', key: 'trackingNo', width: 20 },
];
export const ORDER_EXPORT_HEADERS = COLUMNS.map((c) => String(c.header));

/** The checkout snapshots of issue 15 (items, fee, note), absent on older orders: written here so the export reads them either way. */
type ExportedOrder = OrderDoc & { itemsFen?: number; shippingFeeFen?: number; buyerNote?: string };
type Item = OrderDoc['items'][number];

/**
 * A yuan amount as the nearest number to the exact decimal (one division of an integer, never a sum of floats,
 * so 30 fen is 0.3 and not 0.30000000000000004); the cell's `0.00` format shows the two decimals.
 */
export const yuanOf = (fen: number): number => Number(fenToYuan(fen));

/**
 * Excel times have no zone: the cell holds Beijing wall-clock time (UTC+8), which is what the shop's days and
 * WeChat's bills use, so the sheet reads the same wherever it is opened.
 */
const beijingWallClock = (at: Date | null | undefined): Date | undefined => (at ? new Date(new Date(at).getTime() + 8 * 3600_000) : undefined);

const specsOf = (item: Item): string => {
  const specs = item.specs as Record<string, unknown> | null | undefined;
  return specs && typeof specs === 'object' ? Object.values(specs).map(String).join(' / ') : '';
};

/**
 * One row per order (the contract's shape, and what a courier import wants: one parcel per row). Its lines are
 * joined in 商品 as `名称 [规格] ¥单价×数量；…`; 规格 lists each line's choice in the same order; 数量 is the pieces
 * in the parcel; 单价 is a number only when the order has a single line (several prices are in 商品).
 */
export function orderExportRow(order: ExportedOrder): Record<string, unknown> {
  const items = order.items ?? [];
  const itemsFen = order.itemsFen ?? items.reduce((sum, i) => sum + (i.priceFen ?? 0) * (i.quantity ?? 0), 0);
  const address = order.address;
  return {
    orderNo: order.orderNo ?? String(order._id),
    createdAt: beijingWallClock(order.createdAt),
    paidAt: beijingWallClock(order.paidAt),
    status: STATUS_TEXT[order.status] ?? order.status,
    goods: items
      .map((i) => {
        const specs = specsOf(i);
        return `${i.name ?? ''}${specs ? ` [${specs}]` : ''} ¥${fenToYuan(i.priceFen ?? 0)}×${i.quantity ?? 0}`;
      })
      .join('；'),
    specs: items.some((i) => specsOf(i)) ? items.map((i) => specsOf(i) || '—').join('；') : '',
    quantity: items.reduce((sum, i) => sum + (i.quantity ?? 0), 0),
    unitYuan: items.length === 1 ? yuanOf(items[0]!.priceFen ?? 0) : undefined,
    itemsYuan: yuanOf(itemsFen),
    feeYuan: yuanOf(order.shippingFeeFen ?? 0),
    paidYuan: yuanOf(order.paidFen ?? 0),
    refundedYuan: yuanOf(order.refundedFen ?? 0),
    recipient: address?.name ?? '',
    phone: address?.phone ?? '',
    address: address ? [address.province, address.city, address.district, address.detail].filter(Boolean).join(' ') : '',
    buyerNote: order.buyerNote ?? '',
    expressCompany: order.shipping?.expressCompany ?? '',
    trackingNo: order.shipping?.trackingNo ?? '',
  };
}

/** Orders read from the database per round trip; the cursor holds one batch at a time. */
const BATCH = 500;

/**
 * Starts streaming the orders placed on the Beijing days `from`..`to` (inclusive), oldest first, and returns the
 * stream for the response at once. The range must have passed checkExportRange. A failure half-way destroys the
 * stream (the client sees a cut download, never a file that looks complete) and is logged.
 */
export function streamOrdersExport(s: Pick<Services, 'models' | 'logger'>, range: OrdersExportQuery): PassThrough {
  const out = new PassThrough();
  // A hang-up is told by the stream closing before its end was read, wherever the writer then is: waiting between
  // two rows, or already past the last one with the rest of the file inside the zip's buffers.
  let ended = false;
  let failed = false;
  out.once('end', () => (ended = true));
  out.once('close', () => {
    if (!ended && !failed) s.logger.info({ range }, 'orders export cut short: the client went away');
  });
  void writeOrders(s, range, out).catch((err: unknown) => {
    if (out.destroyed) return;
    failed = true;
    s.logger.error({ err, range }, 'orders export failed');
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return out;
}

async function writeOrders(s: Pick<Services, 'models'>, { from, to }: OrdersExportQuery, out: PassThrough): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('订单', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS;
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  // Equality on stage and a range on createdAt, sorted by createdAt: the { stage, createdAt } index serves both.
  const cursor = s.models.Order.find({
    stage: 'PLACED',
    createdAt: { $gte: beijingDayStart(from), $lt: beijingDayStart(addDays(to, 1)) },
  })
    .sort({ createdAt: 1 })
    .lean<ExportedOrder[]>()
    .cursor({ batchSize: BATCH });
  try {
    for await (const order of cursor as AsyncIterable<ExportedOrder>) {
      sheet.addRow(orderExportRow(order)).commit();
      // A slow client: wait until it has read what is queued, instead of queueing the whole file in memory
      // (exceljs' zip ignores backpressure inside, so the brake is here, between the cursor and the zip).
      if (out.writableNeedDrain) await drained(out);
      if (out.destroyed) return;
    }
  } finally {
    await cursor.close();
  }
  sheet.commit();
  await workbook.commit();
}

/** Resolves when `out` wants more, rejects when it is gone (the client hung up). */
function drained(out: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new Error('the client went away during the export'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
