import { describe, expect, it } from 'vitest';
import {
  addDays,
  beijingDate,
  eventTypeLabel,
  formatAdminTime,
  niceAxisMaxFen,
  notificationOutcomeLabel,
  refundStatusLabel,
  salesChartSvg,
  yuan,
  type DailySales,
} from './admin-view';

describe('Beijing dates and times', () => {
  it("today's date is Beijing's, whatever the machine's zone", () => {
    expect(beijingDate(Date.parse('2026-05-20T15:59:59Z'))).toBe('2026-05-20');
    expect(beijingDate(Date.parse('2026-05-20T16:00:00Z'))).toBe('2026-05-21');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-05-20', -29)).toBe('2026-04-21');
  });

  it('shows times in Beijing', () => {
    expect(formatAdminTime('2026-05-20T04:29:35.000Z')).toBe('2026-05-20 12:29:35');
    expect(formatAdminTime('2026-05-20T16:05:00Z', false)).toBe('2026-05-21 00:05');
    expect(formatAdminTime(undefined)).toBe('');
  });

  it('money in yuan, and labels for states it does not know', () => {
    expect(yuan(1999)).toBe('¥19.99');
    expect(yuan(undefined)).toBe('—');
    expect(refundStatusLabel('SUCCESS')).toEqual({ text: '退款成功', tone: 'ok' });
    expect(refundStatusLabel('SOMETHING_NEW')).toEqual({ text: 'SOMETHING_NEW', tone: 'off' });
  });
});

describe('the daily sales chart', () => {
  const days = (n: number, f: (i: number) => Partial<DailySales>): DailySales[] =>
    Array.from({ length: n }, (_, i) => ({ date: addDays('2026-05-20', i - n + 1), paidFen: 0, orders: 0, refundedFen: 0, ...f(i) }));

  it('rounds the axis up to 1, 2, 2.5 or 5 × 10ⁿ yuan per step', () => {
    expect(niceAxisMaxFen(0)).toBe(400); // ¥4: four ¥1 steps
    expect(niceAxisMaxFen(1999)).toBe(2000); // ¥19.99 → ¥5 steps
    expect(niceAxisMaxFen(12_345)).toBe(20_000);
    expect(niceAxisMaxFen(1_000_000)).toBe(1_000_000);
    expect(niceAxisMaxFen(1_000_001)).toBe(2_000_000);
  });

  it('is an SVG picture with one bar per day that had sales, each with its figures', () => {
    const svg = salesChartSvg(days(30, (i) => (i % 3 === 0 ? { paidFen: 1000 * i, orders: i, refundedFen: i === 27 ? 500 : 0 } : {})));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg.match(/class="xd-admin-chart-day"/g)).toHaveLength(30);
    // i = 3, 6, …, 27 (i = 0 has 0 fen): nine bars.
    expect(svg.match(/class="bar-paid"/g)).toHaveLength(9);
    expect(svg.match(/class="bar-refund"/g)).toHaveLength(1);
    expect(svg).toContain('<title>2026-05-18  收款 ¥270.00 · 27 单 · 退款 ¥5.00</title>');
    expect(svg).toContain('>今天</text>');
    expect(svg).not.toContain('这段时间还没有收款');
    // The tallest day, ¥270, under an axis of four ¥100 steps.
    expect(svg).toContain('>¥400</text>');
  });

  it('says so when nothing was sold', () => {
    const svg = salesChartSvg(days(30, () => ({})));
    expect(svg).toContain('这段时间还没有收款');
    expect(svg).not.toContain('bar-paid');
  });

  it('writes large axis values in 万', () => {
    expect(salesChartSvg(days(7, (i) => ({ paidFen: i === 6 ? 3_000_000 : 0 })))).toContain('>¥4万</text>');
  });
});

describe('what the owner reads', () => {
  it("names WeChat's notification types in Chinese, keeping an unknown one as it came", () => {
    expect(eventTypeLabel('TRANSACTION.SUCCESS')).toBe('支付成功通知');
    expect(eventTypeLabel('REFUND.ABNORMAL')).toBe('退款异常通知');
    expect(eventTypeLabel('SOMETHING.NEW')).toBe('SOMETHING.NEW');
  });

  it('tells an ignored notification (an event the shop does not act on) from a duplicate', () => {
    expect(notificationOutcomeLabel('IGNORED')).toEqual({ text: '无需处理', tone: 'off' });
    expect(notificationOutcomeLabel('DUPLICATE')).toEqual({ text: '重复（已处理过）', tone: 'off' });
  });
});
