import { describe, expect, it } from 'vitest';
import type { Order } from '@xiaodian/shared';
import { CLOSED_REASON_LABELS, closedExplanation, eventText, formatAddress, formatShortTime, formatTime, orderTimeline, STATUS_LABELS, statusText, type TimelineOrder } from './order-view';
import { formatPrice } from './money';
import { emptyDraft, validateAddress } from './address';

const base: Order = {
  id: 'o1',
  outTradeNo: 'XD1',
  status: 'PENDING_PAYMENT',
  totalFen: 100,
  items: [],
  createdAt: '2026-05-20T05:00:00.000Z',
  expiresAt: '2026-05-20T05:15:00.000Z',
};

const labels = (o: Order) => orderTimeline(o).map((s) => `${s.label}${s.done ? '' : '?'}`);

describe('order timeline', () => {
  it('a pending order: placed, then the steps still to come', () => {
    expect(labels(base)).toEqual(['下单', '已支付?', '已发货?', '已完成?']);
  });
  it('a paid order from its timestamps', () => {
    expect(labels({ ...base, status: 'PAID', paidAt: '2026-05-20T05:01:00.000Z' })).toEqual([
      '下单',
      '已支付',
      '已发货?',
      '已完成?',
    ]);
  });
  it('a shipped order shows the carrier and tracking number', () => {
    const steps = orderTimeline({
      ...base,
      status: 'SHIPPED',
      paidAt: '2026-05-20T05:01:00.000Z',
      shipping: { trackingNo: 'SF123', expressCompany: 'SF', shippedAt: '2026-05-21T01:00:00.000Z' },
    });
    expect(steps[2]).toMatchObject({ label: '已发货', note: 'SF SF123', done: true });
    expect(steps.at(-1)).toMatchObject({ label: '已完成', done: false });
  });
  it('a closed order ends closed, with no steps to come', () => {
    expect(labels({ ...base, status: 'CLOSED' })).toEqual(['下单', '已关闭']);
  });
  it("uses the API's events when present", () => {
    const o: Order = {
      ...base,
      status: 'REFUNDED',
      events: [
        { at: '2026-05-20T05:00:00.000Z', status: 'PENDING_PAYMENT' },
        { at: '2026-05-20T05:01:00.000Z', status: 'PAID' },
        { at: '2026-05-20T05:30:00.000Z', status: 'SHIPPED' },
        { at: '2026-05-20T06:00:00.000Z', status: 'REFUNDING' },
        { at: '2026-05-20T06:05:00.000Z', status: 'REFUNDED' },
      ],
      shipping: { trackingNo: 'SF1', expressCompany: '顺丰', shippedAt: '2026-05-20T05:30:00.000Z' },
    };
    expect(labels(o)).toEqual(['下单', '已支付', '已发货', '退款中', '已退款']);
    // The shipment shows carrier and tracking number (the API no longer sends operators' notes to shoppers).
    expect(orderTimeline(o).map((s) => s.note)).toEqual([undefined, undefined, '顺丰 SF1', undefined, undefined]);
  });
  it('renders event codes in Chinese, with amounts in yuan, carriers, and who completed it', () => {
    const o: TimelineOrder = {
      ...base,
      status: 'COMPLETED',
      events: [
        { at: '2026-05-20T05:00:00.000Z', status: 'PENDING_PAYMENT', code: 'PLACED' },
        { at: '2026-05-20T05:01:00.000Z', status: 'PAID', code: 'PAID', data: { amountFen: 17590 } },
        { at: '2026-05-20T05:20:00.000Z', status: 'PAID', code: 'REFUND_STARTED', data: { amountFen: 3990, outRefundNo: 'R1' } },
        { at: '2026-05-20T05:21:00.000Z', status: 'PAID', code: 'REFUND_SUCCEEDED', data: { amountFen: 3990, outRefundNo: 'R1' } },
        { at: '2026-05-20T05:30:00.000Z', status: 'SHIPPED', code: 'SHIPPED', data: { expressCompany: '顺丰速运', trackingNo: 'SF1' } },
        { at: '2026-05-21T05:30:00.000Z', status: 'COMPLETED', code: 'COMPLETED', data: { via: 'WECHAT' } },
      ],
    };
    expect(orderTimeline(o).map((s) => [s.label, s.note ?? '', s.code ?? ''])).toEqual([
      ['下单', '', 'PLACED'],
      ['已支付 ¥175.90', '', 'PAID'],
      ['退款中 ¥39.90', '', 'REFUND_STARTED'],
      ['已退款 ¥39.90', '', 'REFUND_SUCCEEDED'],
      ['已发货', '顺丰速运 SF1', 'SHIPPED'],
      ['已完成', '已在微信中确认收货', 'COMPLETED'],
    ]);
    // A partial refund leaves the order on its path: a paid order still has shipping and completion to come.
    const partial = { ...o, status: 'PAID' as const, events: o.events!.slice(0, 4) };
    expect(labels(partial as Order)).toEqual(['下单', '已支付 ¥175.90', '退款中 ¥39.90', '已退款 ¥39.90', '已发货?', '已完成?']);
  });
  it('an old entry without a code shows its status; an unknown code too', () => {
    expect(eventText({ status: 'SHIPPED' })).toEqual({ label: '已发货' });
    expect(eventText({ status: 'PAID', code: 'SOMETHING_NEW' })).toEqual({ label: '已支付' });
    expect(eventText({ status: 'CLOSED' }, { ...base, status: 'CLOSED', closedReason: 'EXPIRED' })).toEqual({ label: '超时未支付' });
    expect(eventText({ status: 'SHIPPED', code: 'AFTER_SALE_RETURNED', data: { expressCompany: '中通', trackingNo: 'ZT9' } })).toEqual({ label: '已寄回商品', note: '中通 ZT9' });
    expect(eventText({ status: 'COMPLETED', code: 'COMPLETED', data: { via: 'AUTO' } }).note).toBe('发货后到期自动确认收货');
    expect(eventText({ status: 'COMPLETED', code: 'AFTER_SALE_REQUESTED', data: { afterSaleId: 'a1', type: 'RETURN_REFUND', amountFen: 8800 } })).toEqual({ label: '申请退货退款 ¥88.00' });
    expect(eventText({ status: 'PAID', code: 'AFTER_SALE_APPROVED', data: { type: 'REFUND_ONLY' } })).toEqual({ label: '商家已同意退款' });
    expect(eventText({ status: 'PAID', code: 'AFTER_SALE_REQUESTED' })).toEqual({ label: '申请售后' });
    expect(eventText({ status: 'PAID', code: 'REFUND_FAILED', data: { amountFen: 100 } })).toEqual({ label: '退款未成功 ¥1.00', note: '商家会重新处理这笔退款' });
  });
  it('labels every status', () => {
    expect(Object.values(STATUS_LABELS).every((l) => l.length > 0)).toBe(true);
  });
});

describe('display helpers', () => {
  it('prices in yuan with two decimals', () => {
    expect(formatPrice(4990)).toBe('¥49.90');
    expect(formatPrice(5)).toBe('¥0.05');
    expect(formatPrice(100000)).toBe('¥1000.00');
  });
  it('times and addresses', () => {
    expect(formatTime(undefined)).toBe('');
    expect(formatTime('nonsense')).toBe('nonsense');
    expect(formatTime('2026-05-20T05:00:00.000Z')).toMatch(/^2026-05-2\d \d\d:\d\d$/);
    expect(formatShortTime('2026-05-20T05:00:00.000Z')).toBe(formatTime('2026-05-20T05:00:00.000Z').slice(5));
    expect(formatShortTime('2026-05-20T05:00:00.000Z')).toMatch(/^05-2\d \d\d:\d\d$/);
    expect(formatShortTime(undefined)).toBe('');
    expect(formatAddress({ province: '北京市', city: '北京市', district: '朝阳区', detail: '1 号' })).toBe('北京市 朝阳区 1 号');
  });
});

describe('H5 address form checks', () => {
  it('requires every field but the postcode, and a phone number', () => {
    const d = emptyDraft();
    expect(validateAddress(d)).toEqual({ ok: false, message: '请填写收货人' });
    const full = { ...d, name: ' 张三 ', phone: '138 0013 8000', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号' };
    expect(validateAddress(full)).toEqual({
      ok: true,
      address: { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号' },
    });
    expect(validateAddress({ ...full, phone: 'abc' })).toEqual({ ok: false, message: '请填写 11 位手机号，或带区号的座机（如 010-12345678）' });
    expect(validateAddress({ ...full, postalCode: '518000' })).toMatchObject({ ok: true, address: { postalCode: '518000' } });
  });

  it('takes the phone numbers the API takes: 11-digit mobiles and landlines with their area code', () => {
    const full = { ...emptyDraft(), name: '张三', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号' };
    for (const phone of ['1380013800', '12345', '138001380001', '23800138000']) {
      expect(validateAddress({ ...full, phone })).toEqual({ ok: false, message: '请填写 11 位手机号，或带区号的座机（如 010-12345678）' });
    }
    expect(validateAddress({ ...full, phone: '0755-1234567' })).toMatchObject({ ok: true, address: { phone: '0755-1234567' } });
    expect(validateAddress({ ...full, phone: '010 12345678-123' })).toMatchObject({ ok: true, address: { phone: '010-12345678-123' } });
  });

  it('refuses control characters and bidi overrides in any field', () => {
    const full = { ...emptyDraft(), name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '1 号' };
    expect(validateAddress({ ...full, name: '张\u202e三' })).toEqual({ ok: false, message: '收货人含有不可见字符' });
    expect(validateAddress({ ...full, detail: '1\u0000 号' })).toEqual({ ok: false, message: '详细地址含有不可见字符' });
  });
});

describe('why an order closed', () => {
  it('says why a closed order closed when the API tells, and the plain status otherwise', () => {
    expect(statusText({ ...base, status: 'CLOSED', closedReason: 'CANCELLED' })).toBe('已取消');
    expect(statusText({ ...base, status: 'CLOSED', closedReason: 'EXPIRED' })).toBe('超时未支付');
    expect(statusText({ ...base, status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' })).toBe('支付异常，原路退款');
    expect(closedExplanation({ ...base, status: 'CLOSED', closedReason: 'PAYMENT_REFUSED' })).toBe(CLOSED_REASON_LABELS.PAYMENT_REFUSED);
    expect(CLOSED_REASON_LABELS.PAYMENT_REFUSED).toContain('退回');
    expect(closedExplanation({ ...base, status: 'CLOSED', closedReason: 'EXPIRED' })).toBe('超时未支付，订单已关闭');
    expect(statusText({ ...base, status: 'CLOSED' })).toBe(STATUS_LABELS.CLOSED);
    expect(closedExplanation({ ...base, status: 'CLOSED' })).toBeUndefined();
    expect(statusText({ ...base, status: 'PAID' })).toBe(STATUS_LABELS.PAID);
    expect(closedExplanation({ ...base, status: 'PAID' })).toBeUndefined();
  });

  it('names the closing step of the timeline by its reason', () => {
    const closed = {
      ...base,
      status: 'CLOSED' as const,
      closedReason: 'EXPIRED' as const,
      events: [
        { at: base.createdAt, status: 'PENDING_PAYMENT' as const },
        { at: base.expiresAt, status: 'CLOSED' as const },
      ],
    };
    expect(orderTimeline(closed).map((s) => s.label)).toEqual(['下单', '超时未支付']);
    expect(orderTimeline({ ...closed, closedReason: undefined }).map((s) => s.label)).toEqual(['下单', '已关闭']);
  });
});
