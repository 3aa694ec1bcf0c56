import { describe, expect, it } from 'vitest';
import { ATTEMPT_TRANSITIONS, ORDER_STATUSES, REFUND_TRANSITIONS, canTransition, isRefundable, sourcesIn, sourcesOf } from './order-status';
import { ORDER_EVENT_CODES } from './order-events';
import { paymentOutcomeOf, refundOutcomeOf } from './wechat-states';

describe('order state machine', () => {
  it('lets a pending order become paid or closed, and nothing else', () => {
    expect(ORDER_STATUSES.filter((to) => canTransition('PENDING_PAYMENT', to))).toEqual(['PAID', 'CLOSED']);
  });

  it('never reopens a closed or refunded order', () => {
    for (const to of ORDER_STATUSES) {
      expect(canTransition('CLOSED', to)).toBe(false);
      expect(canTransition('REFUNDED', to)).toBe(false);
    }
  });

  it('ends at COMPLETED from SHIPPED (or PAID, on WeChat\'s settlement); a full refund leaves and returns to where it was', () => {
    expect(sourcesOf('COMPLETED').sort()).toEqual(['PAID', 'REFUNDING', 'SHIPPED']);
    expect(ORDER_STATUSES.filter((to) => canTransition('REFUNDING', to)).sort()).toEqual(['COMPLETED', 'PAID', 'REFUNDED', 'SHIPPED']);
    // REFUNDING → SHIPPED is only the way back of a shipped order whose full refund failed (shipping moves from PAID).
    expect(sourcesOf('SHIPPED')).toEqual(['PAID', 'REFUNDING']);
  });

  it('names every timeline event once, the after-sale ones included', () => {
    expect(new Set(ORDER_EVENT_CODES).size).toBe(ORDER_EVENT_CODES.length);
    expect(ORDER_EVENT_CODES).toEqual(expect.arrayContaining(['PLACED', 'PAID', 'SHIPPED', 'COMPLETED', 'REFUND_STARTED', 'REFUND_SUCCEEDED', 'REFUND_FAILED', 'AFTER_SALE_REQUESTED']));
  });

  it('knows where a refund can start from', () => {
    expect(sourcesOf('REFUNDING').sort()).toEqual(['COMPLETED', 'PAID', 'SHIPPED']);
    expect(ORDER_STATUSES.filter(isRefundable).sort()).toEqual(['COMPLETED', 'PAID', 'REFUNDING', 'SHIPPED']);
  });
});

describe('attempt and refund state machines', () => {
  it("lets WeChat's word turn any open or closed attempt into PAID, and never leaves PAID", () => {
    expect(sourcesIn(ATTEMPT_TRANSITIONS, 'PAID').sort()).toEqual(['CLOSED', 'CREATED', 'PREPAID']);
    expect(ATTEMPT_TRANSITIONS.PAID).toEqual([]);
  });

  it('ends a refund only from PENDING, PROCESSING or ABNORMAL, and never leaves SUCCESS or CLOSED', () => {
    expect(sourcesIn(REFUND_TRANSITIONS, 'SUCCESS').sort()).toEqual(['ABNORMAL', 'PENDING', 'PROCESSING']);
    expect(sourcesIn(REFUND_TRANSITIONS, 'ABNORMAL').sort()).toEqual(['PENDING', 'PROCESSING']);
    expect(REFUND_TRANSITIONS.SUCCESS).toEqual([]);
    expect(REFUND_TRANSITIONS.CLOSED).toEqual([]);
  });
});

describe('WeChat states', () => {
  it('moves an order only on explicit success or failure', () => {
    expect(paymentOutcomeOf('SUCCESS')).toBe('PAID');
    expect(paymentOutcomeOf('REFUND')).toBe('PAID');
    expect(paymentOutcomeOf('CLOSED')).toBe('FAILED');
    expect(paymentOutcomeOf('NOTPAY')).toBe('PENDING');
    expect(paymentOutcomeOf('USERPAYING')).toBe('PENDING');
    expect(paymentOutcomeOf('SOMETHING_NEW')).toBe('PENDING');
  });

  it('maps refund states', () => {
    expect(refundOutcomeOf('SUCCESS')).toBe('SUCCEEDED');
    expect(refundOutcomeOf('CLOSED')).toBe('FAILED');
    expect(refundOutcomeOf('ABNORMAL')).toBe('ABNORMAL');
    expect(refundOutcomeOf('PROCESSING')).toBe('PROCESSING');
    expect(refundOutcomeOf('???')).toBe('PROCESSING');
  });
});
