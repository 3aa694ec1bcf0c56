// Batch shipping from a spreadsheet (issue 15): POST /api/admin/orders/ship-batch/import reads an .xlsx into rows
// for the console's preview and changes nothing; the rows then ship through POST /api/admin/orders/ship-batch.
// Workbooks are written here with exceljs, the library the API reads them with, and the order export itself is
// filled in and sent back.
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '@xiaodian/shared';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IMPORT = '/api/admin/orders/ship-batch/import';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

async function paidOrder(user: string) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { name: '乌龙茶', priceFen: 1999 });
  const placed = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
  const pay = await call(world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token })).body.status === 'PAID');
  return { id: placed.body.id as string, orderNo: placed.body.orderNo as string };
}

const statusOf = async (id: string) => (await call(world.api.url, 'GET', `/api/admin/orders/${id}`, { token: admin })).body.status as string;

/** Posts `bytes` as the multipart field `file`, as the console's uni.uploadFile does. */
async function upload(bytes: Uint8Array, options: { token?: string; filename?: string; field?: string } = {}) {
  const form = new FormData();
  form.append(options.field ?? 'file', new Blob([bytes], { type: XLSX }), options.filename ?? 'parcels.xlsx');
  const res = await fetch(`${world.api.url}${IMPORT}`, { method: 'POST', headers: { authorization: `Bearer ${options.token ?? admin}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * A zip of one deflated file, written by hand: what a zip bomb or a zip of something else looks like. `declares`:
 * the inflated size its headers state (a bomb that lies about its size states a small one).
 */
function zipOf(name: string, content: Buffer, declares = content.length): Uint8Array {
  const data = deflateRawSync(content, { level: 9 });
  const file = Buffer.from(name);
  const sizes = (b: Buffer, at: number) => {
    b.writeUInt32LE(crc32(content), at);
    b.writeUInt32LE(data.length, at + 4);
    b.writeUInt32LE(declares, at + 8);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  sizes(local, 14);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  sizes(central, 16);
  central.writeUInt16LE(file.length, 28);
  const directoryAt = local.length + file.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(directoryAt, 16);
  return new Uint8Array(Buffer.concat([local, file, data, central, file, end]));
}

async function workbookOf(rows: unknown[][], sheetName = '发货'): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('batch-ship import', () => {
  it('finds the header by its names under a title, reads each parcel with its line, skips empty rows and reports incomplete ones', async () => {
    const a = await paidOrder('import-a');
    const b = await paidOrder('import-b');
    const file = await workbookOf([
      ['今日发货（中通）'],
      [],
      ['序号', '运单号', '收件人', '订单编号', '物流公司'],
      [1, 'ZT100', '张三', a.orderNo, '中通快递'],
      // A number typed into Excel is stored as a number: read back as its digits.
      [2, 778899001122, '李四', Number(b.orderNo), ' 中通快递 '],
      [],
      [3, '', '王五', '2611309999', '中通快递'],
      [4, 'ZT103', '', '', ''],
      [5, 'ZT104', '赵六', '2611308888', 'x'.repeat(65)],
    ]);
    const res = await upload(file);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      rows: [
        { line: 4, orderNo: a.orderNo, expressCompany: '中通快递', trackingNo: 'ZT100' },
        { line: 5, orderNo: b.orderNo, expressCompany: '中通快递', trackingNo: '778899001122' },
      ],
      problems: [
        { line: 7, code: 'VALIDATION_FAILED' },
        { line: 8, code: 'VALIDATION_FAILED' },
        { line: 9, code: 'VALIDATION_FAILED' },
      ],
    });
    // A preview only: nothing shipped.
    expect(await statusOf(a.id)).toBe('PAID');
    expect(await statusOf(b.id)).toBe('PAID');
  });

  it("reads the order export with its tracking numbers filled in, and its rows ship through the batch", async () => {
    const c = await paidOrder('import-export-c');
    const d = await paidOrder('import-export-d');
    const day = beijingDate(new Date());
    const exported = await fetch(`${world.api.url}/api/admin/orders/export?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(exported.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await exported.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).map(String);
    const [noCol, companyCol, trackingCol] = ['订单号', '快递公司', '快递单号'].map((h) => headers.indexOf(h));
    const lineOf = new Map<string, number>();
    sheet.eachRow((row, n) => {
      const orderNo = String(row.getCell(noCol!).value);
      if (orderNo === c.orderNo || orderNo === d.orderNo) {
        lineOf.set(orderNo, n);
        row.getCell(companyCol!).value = '顺丰速运';
        row.getCell(trackingCol!).value = `SF${orderNo}`;
      }
    });
    expect(lineOf.size).toBe(2);
    const res = await upload(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual(
      [c, d]
        .map((o) => ({ line: lineOf.get(o.orderNo), orderNo: o.orderNo, expressCompany: '顺丰速运', trackingNo: `SF${o.orderNo}` }))
        .sort((x, y) => x.line! - y.line!),
    );
    // The day's other orders (this file's earlier ones) have no tracking number yet: each is a problem of its own line.
    expect(res.body.problems.map((p: { code: string }) => p.code)).toEqual(res.body.problems.map(() => 'VALIDATION_FAILED'));
    expect(res.body.problems.length + res.body.rows.length).toBe(sheet.rowCount - 1);

    const shipped = await call(world.api.url, 'POST', '/api/admin/orders/ship-batch', {
      token: admin,
      body: { rows: res.body.rows.map(({ orderNo, expressCompany, trackingNo }: Record<string, string>) => ({ orderNo, expressCompany, trackingNo })) },
    });
    expect(shipped.body.results).toEqual(res.body.rows.map((r: { orderNo: string }) => ({ orderNo: r.orderNo, ok: true })));
    expect(await statusOf(c.id)).toBe('SHIPPED');
    expect(await statusOf(d.id)).toBe('SHIPPED');
  });

  it('refuses a file that is not an .xlsx, one without the columns, too many rows, too many bytes, no file and shoppers', async () => {
    const notXlsx = await upload(new TextEncoder().encode('订单号,快递公司,快递单号\n2611300001,中通,ZT1\n'), { filename: 'parcels.xlsx' });
    expect(notXlsx).toMatchObject({ status: 400, body: { error: { code: 'UNSUPPORTED_FILE' } } });
    // A zip's first bytes with nothing readable after them, and a real zip of something else.
    const broken = await upload(new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]));
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'UNSUPPORTED_FILE' } } });
    const notWorkbook = await upload(zipOf('readme.txt', Buffer.from('订单号 快递公司 快递单号')));
    expect(notWorkbook).toMatchObject({ status: 400, body: { error: { code: 'UNSUPPORTED_FILE' } } });
    // 80 MB of zeros deflate to about 80 KB: refused once 64 MB have inflated, before exceljs inflates it all — also
    // when the zip's headers state a small size (jszip would compare them with the data only after inflating).
    const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(80 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(await upload(bomb)).toMatchObject({ status: 400, body: { error: { code: 'TOO_LARGE', details: { maxInflatedBytes: 64 * 1024 * 1024 } } } });
    const lyingBomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(80 * 1024 * 1024), 1024);
    expect(await upload(lyingBomb)).toMatchObject({ status: 400, body: { error: { code: 'TOO_LARGE', details: { maxInflatedBytes: 64 * 1024 * 1024 } } } });

    const noTracking = await upload(await workbookOf([['订单号', '快递公司', '备注'], ['2611300001', '中通', '']]));
    expect(noTracking).toMatchObject({ status: 400, body: { error: { code: 'IMPORT_COLUMNS_MISSING', details: { missing: ['快递单号'] } } } });

    const many = await upload(await workbookOf([['订单号', '快递公司', '快递单号'], ...Array.from({ length: 501 }, (_, i) => [String(2611300000 + i), '中通', `ZT${i}`])]));
    expect(many).toMatchObject({ status: 400, body: { error: { code: 'TOO_LARGE', details: { maxRows: 500 } } } });
    const fiveHundred = await upload(await workbookOf([['订单号', '快递公司', '快递单号'], ...Array.from({ length: 500 }, (_, i) => [String(2611300000 + i), '中通', `ZT${i}`])]));
    expect(fiveHundred.status).toBe(200);
    expect(fiveHundred.body.rows).toHaveLength(500);

    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    expect(await upload(big)).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE' } } });

    expect(await upload(await workbookOf([['订单号', '快递公司', '快递单号']]), { field: 'sheet' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const shopper = await shopperToken(world, 'import-shopper');
    expect((await upload(await workbookOf([['订单号', '快递公司', '快递单号']]), { token: shopper })).status).toBe(403);
  });
});
