// The owner's exports (issue 15): orders of a range of Beijing days, and a date's reconciliation report, as .xlsx
// files read back with the same library that wrote them (exceljs).
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '@xiaodian/shared';
import { ORDER_EXPORT_HEADERS, streamOrdersExport } from '../src/modules/dashboard/export-orders';
import type { OrderDoc } from '../src/modules/orders/model';
import { ADDRESS, adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const services = () => world.api.instance.services;
const today = () => beijingDate(new Date());

async function download(path: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${world.api.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function readWorkbook(file: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  return workbook;
}

/** The sheet's rows below the header, as { header: cell } with empty cells as ''. */
function rowsOf(sheet: ExcelJS.Worksheet): Record<string, unknown>[] {
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value ?? ''])));
  });
  return rows;
}

async function placeOrder(user: string, items: { productId: string; quantity: number }[]) {
  const token = await shopperToken(world, user);
  const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items, address: ADDRESS } });
  expect(res.status).toBe(201);
  return { token, id: res.body.id as string };
}

async function pay(order: { token: string; id: string }) {
  const res = await call(world.api.url, 'POST', `/api/orders/${order.id}/pay`, { token: order.token });
  expect(res.status).toBe(200);
  await world.sandbox.control.pay(String(res.body.package).replace('prepay_id=', ''), 'SUCCESS');
  await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token: order.token })).body.status === 'PAID');
}

const stored = async (id: string) => (await services().models.Order.findById(id).lean<OrderDoc>())!;
/** What a cell holds for a Beijing wall-clock time: the instant moved by +8 h (Excel times have no zone). */
const beijingCell = (at: Date) => new Date(at.getTime() + 8 * 3600_000);

describe('orders export', () => {
  it('streams the day’s orders oldest first, one row per order, amounts in yuan, times in Beijing time', async () => {
    const tea = await createProduct(world, admin, { name: '乌龙茶', priceFen: 10, stock: 50 });
    const beans = await createProduct(world, admin, { name: '咖啡豆', priceFen: 1999, stock: 50 });
    const pin = await createProduct(world, admin, { name: '别针', priceFen: 1, stock: 50 });

    // 1. paid and shipped: 3 × ¥0.10 is ¥0.30, never 0.30000000000000004.
    const shipped = await placeOrder('exp-a', [{ productId: tea.id, quantity: 3 }]);
    await pay(shipped);
    const ship = await call(world.api.url, 'POST', `/api/admin/orders/${shipped.id}/ship`, { token: admin, body: { trackingNo: 'SF1234567890', expressCompany: '顺丰速运' } });
    expect(ship.status).toBe(200);
    // 2. two lines, paid, ¥10.00 refunded.
    const refunded = await placeOrder('exp-b', [
      { productId: beans.id, quantity: 2 },
      { productId: pin.id, quantity: 1 },
    ]);
    await pay(refunded);
    const refund = await call(world.api.url, 'POST', `/api/admin/orders/${refunded.id}/refunds`, { token: admin, body: { amountFen: 1000, reason: '少发一件' } });
    expect(refund.status).toBe(201);
    await world.sandbox.control.settleRefund(refund.body.outRefundNo, 'SUCCESS');
    await eventually(async () => (await stored(refunded.id)).refundedFen === 1000);
    // 3. not paid.
    const unpaid = await placeOrder('exp-c', [{ productId: beans.id, quantity: 1 }]);

    const day = today();
    const res = await download(`/api/admin/orders/export?from=${day}&to=${day}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="orders-${day}-${day}.xlsx"`);

    const sheet = (await readWorkbook(res.body)).worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(ORDER_EXPORT_HEADERS);
    expect(ORDER_EXPORT_HEADERS).toEqual([
      '订单号', '下单时间', '支付时间', '状态', '商品', '规格', '数量', '单价(元)', '商品金额(元)', '运费(元)', '实付(元)', '已退款(元)',
      '收件人', '电话', '地址', '买家留言', '快递公司', '快递单号',
    ]);
    const rows = rowsOf(sheet);
    const [a, b, c] = await Promise.all([stored(shipped.id), stored(refunded.id), stored(unpaid.id)]);
    expect(rows.map((r) => r['订单号'])).toEqual([a.orderNo, b.orderNo, c.orderNo]);
    expect(a.orderNo).toMatch(/^\d+$/);

    const address = `${ADDRESS.province} ${ADDRESS.city} ${ADDRESS.district} ${ADDRESS.detail}`;
    expect(rows[0]).toEqual({
      订单号: a.orderNo,
      下单时间: beijingCell(a.createdAt),
      支付时间: beijingCell(a.paidAt!),
      状态: '已发货',
      商品: '乌龙茶 ¥0.10×3',
      规格: '',
      数量: 3,
      '单价(元)': 0.1,
      '商品金额(元)': 0.3,
      '运费(元)': 0,
      '实付(元)': 0.3,
      '已退款(元)': 0,
      收件人: ADDRESS.name,
      电话: ADDRESS.phone,
      地址: address,
      买家留言: '',
      快递公司: '顺丰速运',
      快递单号: 'SF1234567890',
    });
    expect(rows[1]).toMatchObject({
      状态: '待发货',
      商品: '咖啡豆 ¥19.99×2；别针 ¥0.01×1',
      数量: 3,
      '单价(元)': '',
      '商品金额(元)': 39.99,
      '实付(元)': 39.99,
      '已退款(元)': 10,
      快递单号: '',
    });
    expect(rows[2]).toMatchObject({ 状态: '待付款', 支付时间: '', '单价(元)': 19.99, '实付(元)': 0, '商品金额(元)': 19.99 });
    // The amounts show two decimals whatever the number: the cells carry the 0.00 format.
    for (const column of [8, 9, 10, 11, 12]) expect(sheet.getRow(2).getCell(column).numFmt).toBe('0.00');
    expect(sheet.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');

    // A range that holds none of them: the header only.
    const empty = await download(`/api/admin/orders/export?from=${addDays(day, -3)}&to=${addDays(day, -1)}`);
    expect(empty.status).toBe(200);
    expect(rowsOf((await readWorkbook(empty.body)).worksheets[0]!)).toEqual([]);

    // Audited, with who exported what.
    const audits = await services().models.AuditLog.find({ action: 'orders.export' }).sort({ at: 1 }).lean();
    expect(audits.map((a) => [a.actor, a.detail])).toEqual([
      ['owner', `exported the orders of ${day}..${day}`],
      ['owner', `exported the orders of ${addDays(day, -3)}..${addDays(day, -1)}`],
    ]);
  });

  it('refuses a malformed date, a backward range and more than 366 days with 400 VALIDATION_FAILED, streaming nothing', async () => {
    const bad = async (query: string) => {
      const res = await call(world.api.url, 'GET', `/api/admin/orders/export?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.headers.get('content-disposition')).toBeNull();
    };
    await bad('from=2026-13-01&to=2026-12-01');
    await bad('from=2026-1-1&to=2026-01-02');
    await bad('from=2026-02-01&to=2026-02-30');
    await bad('from=yesterday&to=2026-01-02');
    await bad('to=2026-01-02');
    await bad('from=2026-03-02&to=2026-03-01');
    await bad('from=2025-01-01&to=2026-01-02'); // 367 days
    // 366 days, leap day included, is a year: allowed.
    expect((await download('/api/admin/orders/export?from=2024-01-01&to=2024-12-31')).status).toBe(200);
    // Admins only.
    expect((await call(world.api.url, 'GET', '/api/admin/orders/export?from=2026-01-01&to=2026-01-02')).status).toBe(401);
    const shopper = await shopperToken(world, 'exp-shopper');
    expect((await call(world.api.url, 'GET', '/api/admin/orders/export?from=2026-01-01&to=2026-01-02', { token: shopper })).status).toBe(403);
  });

  it('exports 500 orders with every row right, across cursor batches', async () => {
    // 500 copies of a real order, placed on a day of their own (2026-01-15, Beijing) a minute apart from
    // 00:00 Beijing: the first at 2026-01-14T16:00Z, which a UTC day would put on the 14th.
    const product = await createProduct(world, admin, { name: '绿茶', priceFen: 333, stock: 10 });
    const template = await stored((await placeOrder('exp-bulk', [{ productId: product.id, quantity: 1 }])).id);
    const start = new Date('2026-01-15T00:00:00+08:00').getTime();
    const copies = Array.from({ length: 500 }, (_, i) => {
      const { _id, orderNo, ...rest } = template;
      void _id;
      void orderNo;
      return {
        ...rest,
        _id: new Types.ObjectId(),
        orderNo: `260115${String(i + 1).padStart(4, '0')}`,
        outTradeNo: `EXPBULK${i}`,
        createdAt: new Date(start + i * 60_000),
        items: [{ ...rest.items[0]!, quantity: (i % 7) + 1 }],
        // The lines' sum as checkout snapshots it (orders without it are summed from their lines by the export).
        itemsFen: 333 * ((i % 7) + 1),
        totalFen: 333 * ((i % 7) + 1),
      };
    });
    await services().models.Order.insertMany(copies);
    // Either side of the day: outside the range.
    await services().models.Order.insertMany([
      { ...copies[0]!, _id: new Types.ObjectId(), orderNo: '2601140001', outTradeNo: 'EXPBULK-BEFORE', createdAt: new Date(start - 1) },
      { ...copies[0]!, _id: new Types.ObjectId(), orderNo: '2601160001', outTradeNo: 'EXPBULK-AFTER', createdAt: new Date(start + 24 * 3600_000) },
    ]);

    const res = await download('/api/admin/orders/export?from=2026-01-15&to=2026-01-15');
    expect(res.status).toBe(200);
    const rows = rowsOf((await readWorkbook(res.body)).worksheets[0]!);
    expect(rows).toHaveLength(500);
    rows.forEach((row, i) => {
      const quantity = (i % 7) + 1;
      expect(row).toMatchObject({
        订单号: `260115${String(i + 1).padStart(4, '0')}`,
        下单时间: new Date(Date.UTC(2026, 0, 15, 0, i, 0)),
        商品: `绿茶 ¥3.33×${quantity}`,
        数量: quantity,
        '单价(元)': 3.33,
        '商品金额(元)': Number((3.33 * quantity).toFixed(2)),
        状态: '待付款',
      });
    });
  });
  it('holds little in the response for a client that does not read, and ends quietly when it hangs up', async () => {
    // 2,000 orders on a day of their own, each with a buyer note of 1.5 kB that does not compress (random base64):
    // about 2 MB of .xlsx, a hundred times what the streams between the zip and the client hold.
    const product = await createProduct(world, admin, { name: '白茶', priceFen: 500, stock: 10 });
    const template = await stored((await placeOrder('exp-slow', [{ productId: product.id, quantity: 1 }])).id);
    const start = new Date('2026-02-10T00:00:00+08:00').getTime();
    const { _id, orderNo, ...rest } = template;
    void _id;
    void orderNo;
    await services().models.Order.insertMany(
      Array.from({ length: 2_000 }, (_, i) => ({ ...rest, _id: new Types.ObjectId(), orderNo: `260210${String(i + 1).padStart(4, '0')}`, outTradeNo: `EXPSLOW${i}`, createdAt: new Date(start + i * 1_000), buyerNote: randomBytes(1_125).toString('base64') })),
    );
    const out = streamOrdersExport(services(), { from: '2026-02-10', to: '2026-02-10' });
    // Nobody reads: the response's buffer fills, with a small part of the file queued.
    await eventually(async () => out.writableNeedDrain, 20_000);
    expect(out.readableLength + out.writableLength).toBeLessThan(256 * 1024);
    // The client hangs up: the export ends and says so as information, not as an error. (On a loaded machine the
    // zip may lag behind the rows, so the writer may already be past the last row; the log comes either way.)
    out.destroy();
    await eventually(async () => world.logText().includes('orders export cut short: the client went away'), 10_000);
    expect(world.logText()).not.toContain('orders export failed');
  });
});

describe('reconciliation export', () => {
  it('answers 404 for a date without a report', async () => {
    const res = await call(world.api.url, 'GET', '/api/admin/reconciliations/2020-01-01/export', { token: admin });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('exports a date’s report: the summary in yuan and each discrepancy in Chinese', async () => {
    const date = addDays(today(), -2);
    const noon = `${date}T12:00:00+08:00`;
    // Paid at WeChat on `date` with every notification dropped: reconciliation finds it and heals it.
    const product = await createProduct(world, admin, { name: '红茶', priceFen: 1999 });
    const lost = await placeOrder('exp-recon-lost', [{ productId: product.id, quantity: 1 }]);
    const prepay = await call(world.api.url, 'POST', `/api/orders/${lost.id}/pay`, { token: lost.token });
    const outTradeNo = (await stored(lost.id)).outTradeNo;
    await world.sandbox.control.setFault({ kind: 'drop', outTradeNo });
    const tx = await world.sandbox.control.pay(String(prepay.body.package).replace('prepay_id=', ''), 'SUCCESS', { successTime: noon, notify: true });
    const normal = await placeOrder('exp-recon-ok', [{ productId: product.id, quantity: 1 }]);
    const normalPrepay = await call(world.api.url, 'POST', `/api/orders/${normal.id}/pay`, { token: normal.token });
    const normalTradeNo = (await stored(normal.id)).outTradeNo;
    await world.sandbox.control.pay(String(normalPrepay.body.package).replace('prepay_id=', ''), 'SUCCESS', { successTime: noon });
    await world.sandbox.control.waitForNotification({ outTradeNo: normalTradeNo, status: 'delivered' });
    const run = await call(world.api.url, 'POST', '/api/admin/reconciliations', { token: admin, body: { date } });
    expect(run.status).toBe(200);
    await world.sandbox.control.clearFaults();

    const res = await download(`/api/admin/reconciliations/${date}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="reconciliation-${date}.xlsx"`);
    const workbook = await readWorkbook(res.body);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['汇总', '差异明细']);

    const summary = Object.fromEntries(rowsOf(workbook.getWorksheet('汇总')!).map((r) => [r['项目'], r['数值']]));
    expect(summary).toMatchObject({
      对账日期: date,
      账单状态: '正式',
      微信账单笔数: 2,
      核对一致笔数: 1,
      差异笔数: 1,
      待人工处理笔数: 0,
      '微信收款(元)': 39.98,
      '本店收款(元)': 39.98,
      '收款差额(元)': 0,
      '微信退款(元)': 0,
      '本店退款(元)': 0,
    });
    expect(rowsOf(workbook.getWorksheet('差异明细')!)).toEqual([
      { 差异类型: '微信已收款，本店未记为已付', 处理结果: '已向微信查询确认并自动补记', 商户订单号: outTradeNo, 微信支付单号: tx.transaction_id, 商户退款单号: '' },
    ]);
    const audit = await services().models.AuditLog.findOne({ action: 'reconciliation.export' }).lean();
    expect(audit).toMatchObject({ actor: 'owner', detail: expect.stringContaining(date) });
  });
});
