import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TradeBillFormatError } from './errors';
import {
  TRADE_BILL_COLUMNS,
  fenToYuan,
  formatTradeBill,
  parseTradeBill,
  sha1Hex,
  summarizeTradeBill,
  yuanToFen,
  type TradeBillRow,
} from './trade-bill';

const fixture = readFileSync(new URL('./fixtures/tradebill-all.csv', import.meta.url), 'utf8');

describe('yuan ↔ fen by string arithmetic', () => {
  it.each([
    ['0.01', 1],
    ['0.1', 10],
    ['1234.5', 123450],
    ['1234.50', 123450],
    ['-0.10', -10],
    ['-0.00', 0],
    ['0', 0],
    ['19.99', 1999],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['1.000000', 100],
    ['99999999.99', 9999999999],
  ])('%s yuan is %i fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it('refuses fractions of a fen unless rounding is asked for (half away from zero)', () => {
    expect(() => yuanToFen('0.001')).toThrow(RangeError);
    expect(yuanToFen('7.40700', 'half-up')).toBe(741);
    expect(yuanToFen('7.40499', 'half-up')).toBe(740);
    expect(yuanToFen('0.00594', 'half-up')).toBe(1);
    expect(yuanToFen('-0.00500', 'half-up')).toBe(-1);
    expect(yuanToFen('0.00006', 'half-up')).toBe(0);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', '1,000.00', '1e3', '.5', '¥1.00', 'NaN', '--1']) expect(() => yuanToFen(text)).toThrow(RangeError);
  });

  it('formats fen as yuan', () => {
    expect([1, 10, 123450, -10, 0, 1999, -123456].map(fenToYuan)).toEqual(['0.01', '0.10', '1234.50', '-0.10', '0.00', '19.99', '-1234.56']);
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });
});

describe('parseTradeBill on the hand-written ALL bill', () => {
  const bill = parseTradeBill(fixture);

  it('reads every row with exact fen', () => {
    expect(fixture.startsWith('\uFEFF')).toBe(true);
    expect(bill.rows).toHaveLength(5);
    expect(bill.rows.map((row) => [row.outTradeNo, row.tradeState, row.settlementTotalFen, row.couponFen, row.refundFen, row.feeFen, row.totalFen, row.requestedRefundFen])).toEqual([
      ['XD20260519091500A1', 'SUCCESS', 1, 0, 0, 0, 1, 0],
      ['XD20260519100200B7', 'SUCCESS', 123450, 0, 0, 741, 123450, 0],
      ['XD20260519132700C3', 'SUCCESS', 8990, 1000, 0, 54, 9990, 0],
      ['XD20260519100200B7', 'REFUND', 0, 0, 3000, -18, 0, 3000],
      ['XD20260519215800D9', 'SUCCESS', 99, 0, 0, 1, 99, 0],
    ]);
  });

  it('maps every column, keeps a comma inside a product name, strips the backticks', () => {
    expect(bill.rows[3]).toEqual({
      tradeTime: '2026-05-19 16:40:31',
      appid: 'wxd678efh567hg6787',
      mchid: '1900000109',
      subMchid: '0',
      deviceInfo: '',
      transactionId: '4200002718202605191002446601',
      outTradeNo: 'XD20260519100200B7',
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      tradeType: 'JSAPI',
      tradeState: 'REFUND',
      bankType: 'ICBC_CREDIT',
      currency: 'CNY',
      settlementTotalFen: 0,
      couponFen: 0,
      refundId: '50300908092026051912345678901',
      outRefundNo: 'RF20260519100200B7-1',
      refundFen: 3000,
      couponRefundFen: 0,
      refundType: 'ORIGINAL',
      refundStatus: 'SUCCESS',
      body: '小店-茶叶礼盒,2盒',
      attach: 'order=665f1c2a',
      feeFen: -18,
      rate: '0.60%',
      totalFen: 0,
      requestedRefundFen: 3000,
      rateNote: '',
    } satisfies TradeBillRow);
  });

  it('reads the summary as WeChat printed it', () => {
    expect(bill.summary).toEqual({
      tradeCount: 5,
      settlementTotalFen: 132540,
      refundTotalFen: 3000,
      couponRefundTotalFen: 0,
      // 7.77240 yuan: the total of unrounded fees, not the sum of the per-row roundings (778).
      feeTotalFen: 777,
      orderTotalFen: 133540,
      requestedRefundTotalFen: 3000,
    });
  });

  it('reads the same bill with LF, without BOM, and with trailing blank lines', () => {
    const variant = `${fixture.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')}\n\n`;
    expect(parseTradeBill(variant)).toEqual(bill);
  });
});

describe('formatTradeBill', () => {
  const rows = parseTradeBill(fixture).rows;

  it('writes WeChat’s exact format', () => {
    const text = formatTradeBill(rows.slice(0, 1));
    expect(text).toBe(
      '\uFEFF' +
        `${TRADE_BILL_COLUMNS.join(',')}\r\n` +
        '`2026-05-19 09:15:02,`wxd678efh567hg6787,`1900000109,`0,`,`4200002718202605190712345678,`XD20260519091500A1,' +
        '`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`CMB_DEBIT,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`小店-测试商品,`,' +
        '`0.00,`0.60%,`0.01,`0.00,`\r\n' +
        '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n' +
        '`1,`0.01,`0.00,`0.00,`0.00,`0.01,`0.00\r\n',
    );
    expect(TRADE_BILL_COLUMNS).toHaveLength(27);
  });

  it('round-trips format → parse, with computed totals', () => {
    const text = formatTradeBill(rows);
    const parsed = parseTradeBill(text);
    expect(parsed.rows).toEqual(rows);
    expect(parsed.summary).toEqual(summarizeTradeBill(rows));
    expect(parsed.summary).toMatchObject({ tradeCount: 5, settlementTotalFen: 132540, refundTotalFen: 3000, feeTotalFen: 778 });
  });

  it('round-trips a given summary and an empty bill', () => {
    const summary = parseTradeBill(fixture).summary;
    expect(parseTradeBill(formatTradeBill(rows, { summary })).summary).toEqual(summary);
    expect(parseTradeBill(formatTradeBill([]))).toEqual({
      rows: [],
      summary: { tradeCount: 0, settlementTotalFen: 0, refundTotalFen: 0, couponRefundTotalFen: 0, feeTotalFen: 0, orderTotalFen: 0, requestedRefundTotalFen: 0 },
    });
  });

  it('refuses a field that would break the format', () => {
    expect(() => formatTradeBill([{ ...rows[0]!, body: 'two\nlines' }])).toThrow(TradeBillFormatError);
    expect(() => formatTradeBill([{ ...rows[0]!, attach: 'a,`b' }])).toThrow(TradeBillFormatError);
  });

  it('hashes the bytes served (BOM included) in lower-case hex', () => {
    const text = formatTradeBill(rows);
    expect(sha1Hex(text)).toMatch(/^[0-9a-f]{40}$/);
    expect(sha1Hex(text)).toBe(sha1Hex(Buffer.from(text, 'utf8')));
    expect(sha1Hex(text)).not.toBe(sha1Hex(text.slice(1)));
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('parseTradeBill refuses broken bills, naming the line', () => {
  const lines = fixture.split('\r\n');
  const broken = (mutate: (copy: string[]) => void): string => {
    const copy = [...lines];
    mutate(copy);
    return copy.join('\r\n');
  };

  it.each<[string, (copy: string[]) => void, RegExp]>([
    ['a missing column', (copy) => (copy[0] = copy[0]!.replace(',费率备注', '')), /费率备注/],
    ['a short row', (copy) => (copy[2] = copy[2]!.replace(',`0.60%', '')), /line 3: expected 27 fields/],
    ['an amount in the wrong form', (copy) => (copy[1] = copy[1]!.replace('`0.01,`0.00,`0,', '`0.0x,`0.00,`0,')), /line 2: 应结订单金额/],
    ['no summary', (copy) => copy.splice(6), /summary header/],
    ['no summary row', (copy) => copy.splice(7), /summary row/],
    ['a bad count', (copy) => (copy[7] = copy[7]!.replace('`5,', '`five,')), /总交易单数/],
    ['no header', (copy) => copy.splice(0, 1), /header/],
  ])('%s', (_name, mutate, message) => {
    const text = broken(mutate);
    expect(() => parseTradeBill(text)).toThrow(TradeBillFormatError);
    expect(() => parseTradeBill(text)).toThrow(message);
  });
});
