import { describe, expect, it } from 'vitest';
import { closedNote, countdownText, inOrderTab, msToPay, orderTabOf } from './order-tabs';

describe('inOrderTab', () => {
  it('puts each status in its tab and every order in 全部', () => {
    expect(inOrderTab({ status: 'PENDING_PAYMENT' }, 'pending')).toBe(true);
    expect(inOrderTab({ status: 'PAID' }, 'toShip')).toBe(true);
    expect(inOrderTab({ status: 'SHIPPED' }, 'toReceive')).toBe(true);
    expect(inOrderTab({ status: 'COMPLETED' }, 'completed')).toBe(true);
    expect(inOrderTab({ status: 'PAID' }, 'toReceive')).toBe(false);
    expect(inOrderTab({ status: 'CLOSED' }, 'all')).toBe(true);
    expect(inOrderTab({ status: 'CLOSED' }, 'pending')).toBe(false);
  });
  it('售后 holds orders with an open after-sale or refunds', () => {
    expect(inOrderTab({ status: 'COMPLETED', openAfterSaleId: 'a1' }, 'afterSale')).toBe(true);
    const refund = { outRefundNo: 'r', amountFen: 100, reason: 'x', status: 'SUCCESS' as const, createdAt: '2026-11-30T00:00:00Z' };
    expect(inOrderTab({ status: 'PAID', refunds: [refund] }, 'afterSale')).toBe(true);
    expect(inOrderTab({ status: 'REFUNDED' }, 'afterSale')).toBe(true);
    expect(inOrderTab({ status: 'PAID', refunds: [] }, 'afterSale')).toBe(false);
  });
  it('reads an unknown tab query as 全部', () => {
    expect(orderTabOf('toShip')).toBe('toShip');
    expect(orderTabOf('nope')).toBe('all');
    expect(orderTabOf(undefined)).toBe('all');
  });
});

describe('countdown', () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  it('counts mm:ss to expiresAt, rounding up, never below 00:00', () => {
    expect(countdownText(msToPay('2026-11-30T10:15:00Z', now))).toBe('15:00');
    expect(countdownText(msToPay('2026-11-30T10:00:59.500Z', now))).toBe('01:00');
    expect(countdownText(msToPay('2026-11-30T10:00:00.001Z', now))).toBe('00:01');
    expect(msToPay('2026-11-30T09:59:00Z', now)).toBe(0);
    expect(countdownText(0)).toBe('00:00');
    expect(msToPay('not a date', now)).toBe(0);
  });
});

describe('closedNote', () => {
  it('says whether the shopper cancelled or the order expired', () => {
    expect(closedNote({ status: 'CLOSED', closedReason: 'CANCELLED' })).toBe('已取消');
    expect(closedNote({ status: 'CLOSED', closedReason: 'EXPIRED' })).toBe('超时未支付，已关闭');
    expect(closedNote({ status: 'CLOSED' })).toBeUndefined();
    expect(closedNote({ status: 'PAID' })).toBeUndefined();
  });
});
