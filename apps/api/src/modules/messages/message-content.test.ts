// What each outbox event says: WeChat's limits per data kind hold for long names and odd tracking numbers, and
// every event has its template.
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../orders/outbox';
import { beijingMinute, messageContent, thing, yuanText, type OrderForMessage } from './message-content';

const order = {
  _id: new Types.ObjectId('0123456789abcdef01234567'),
  items: [{ productId: new Types.ObjectId(), name: '福建安溪铁观音特级浓香型礼盒装 500 克（两罐）', priceFen: 12800, quantity: 1 }],
  totalFen: 12800,
  paidFen: 12800,
  paidAt: new Date('2026-11-30T16:05:00Z'),
  outTradeNo: 'XD20261130000000000001',
  orderNo: '2612010007',
  shipping: { trackingNo: 'SF 1234 5678', expressCompany: '顺丰速运' },
} as unknown as OrderForMessage;
const entry = (event: OutboxEntry['event'], data: Record<string, unknown> = {}): OutboxEntry => ({ key: event, event, data, at: new Date('2026-12-01T01:02:00Z') });

describe('message content', () => {
  it('formats amounts in yuan, times in Beijing, and cuts things at 20 characters', () => {
    expect(yuanText(1230)).toBe('¥12.30');
    expect(yuanText(5)).toBe('¥0.05');
    expect(beijingMinute(new Date('2026-11-30T16:05:00Z'))).toBe('2026-12-01 00:05');
    expect(thing('短')).toBe('短');
    expect([...thing('一'.repeat(25))]).toHaveLength(20);
    expect(thing('一'.repeat(25)).endsWith('…')).toBe(true);
  });

  it('fills each template with its keys', () => {
    expect(messageContent(order, entry('PAID', { amountFen: 12800 }))).toEqual({
      template: 'paid',
      page: 'pages/orders/detail?id=0123456789abcdef01234567',
      data: {
        character_string1: { value: '2612010007' },
        amount2: { value: '¥128.00' },
        thing3: { value: '福建安溪铁观音特级浓香型礼盒装 500…' },
        time4: { value: '2026-12-01 00:05' },
      },
    });
    // A tracking number keeps only what a character_string may hold.
    expect(messageContent(order, entry('SHIPPED', { expressCompany: '顺丰速运', trackingNo: 'SF 1234 5678' }))!.data.character_string3).toEqual({ value: 'SF12345678' });
    expect(messageContent(order, entry('REFUNDED', { amountFen: 3990, outRefundNo: 'R1' }))!.data).toMatchObject({ amount2: { value: '¥39.90' }, time4: { value: '2026-12-01 09:02' } });
    const owner = messageContent(order, entry('OWNER_ORDER', { amountFen: 12800 }))!;
    expect(owner.template).toBe('ownerOrder');
    expect(owner.page).toBeUndefined();
    const remind = messageContent(order, entry('OWNER_REMIND_SHIPPING'))!;
    expect(remind.template).toBe('ownerOrder');
    expect(remind.data.thing3!.value.startsWith('买家提醒发货：')).toBe(true);
    expect([...remind.data.thing3!.value].length).toBeLessThanOrEqual(20);
    expect(messageContent(order, entry('OWNER_AFTERSALE', { type: 'RETURN_REFUND', amountFen: 100 }))!.data).toMatchObject({ phrase2: { value: '退货退款' }, amount3: { value: '¥1.00' } });
    // Older orders have no readable number: the merchant's trade number stands in.
    expect(messageContent({ ...order, orderNo: undefined }, entry('PAID'))!.data.character_string1).toEqual({ value: 'XD20261130000000000001' });
  });
});
