import { describe, expect, it } from 'vitest';
import { batchResultText, importErrorText, importSummary, readShipRows } from './batch-ship';

describe('reading pasted shipping rows', () => {
  const shippable = new Set(['2026113000001', '2026113000002', '2026113000003']);

  it('reads spaces, tabs and commas, skips blank lines and keeps the line numbers', () => {
    const rows = readShipRows('2026113000001 顺丰速运 SF1\n\n2026113000002\t中通快递\tZT2\r\n2026113000003，圆通速递，YT3', shippable);
    expect(rows).toEqual([
      { line: 1, orderNo: '2026113000001', expressCompany: '顺丰速运', trackingNo: 'SF1' },
      { line: 3, orderNo: '2026113000002', expressCompany: '中通快递', trackingNo: 'ZT2' },
      { line: 4, orderNo: '2026113000003', expressCompany: '圆通速递', trackingNo: 'YT3' },
    ]);
  });

  it('flags unknown orders, duplicates and short lines before anything is sent', () => {
    const rows = readShipRows('2026113000001 顺丰速运 SF1\n2026113000001 顺丰速运 SF9\n2026119999999 顺丰速运 SF2\n2026113000002 ZT2', shippable);
    expect(rows.map((r) => r.problem)).toEqual(['订单号重复', '订单号重复', '不是待发货的订单', '格式应为：订单号 快递公司 单号']);
  });

  it('says each result in Chinese', () => {
    expect(batchResultText({ orderNo: '1', ok: true })).toBe('已发货');
    expect(batchResultText({ orderNo: '1', ok: false, code: 'NOT_FOUND' })).toBe('订单不存在');
    expect(batchResultText({ orderNo: '1', ok: false, code: 'CONFLICT' })).toBe('订单号重复，均未发货');
    expect(batchResultText({ orderNo: '1', ok: false, code: 'ORDER_NOT_SHIPPABLE' })).toMatch(/^订单当前不能发货/);
  });

  it('says what an import read and why a sheet was refused', () => {
    expect(importSummary(3, [])).toBe('已从表格读入 3 单');
    expect(importSummary(0, Array.from({ length: 12 }, (_, i) => i + 2))).toBe('已从表格读入 0 单；表格第 2、3、4、5、6、7、8、9、10、11 等 12 行缺少订单号、快递公司或单号（或内容过长），未读入');
    expect(importErrorText({ code: 'TOO_LARGE', status: 400, message: 'x', details: { maxRows: 500 } })).toBe('一次最多导入 500 单，请分成几个表格');
    expect(importErrorText({ code: 'TOO_LARGE', status: 413, message: 'x' })).toBe('表格文件太大了（最大 2 MB）');
    expect(importErrorText({ code: 'TOO_LARGE', status: 400, message: 'x', details: { maxInflatedBytes: 67108864 } })).toBe('表格内容太多了：请只留下要发货的订单再导入');
    expect(importErrorText({ code: 'UNSUPPORTED_FILE', status: 400, message: '只能导入 .xlsx 格式的 Excel 表格' })).toBe('只能导入 .xlsx 格式的 Excel 表格');
  });
});
