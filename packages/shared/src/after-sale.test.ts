import { describe, expect, it } from 'vitest';
import {
  AFTER_SALE_REASONS,
  AFTER_SALE_REASON_LABELS,
  AFTER_SALE_STATUSES,
  AFTER_SALE_STATUS_LABELS,
  AFTER_SALE_TRANSITIONS,
  OPEN_AFTER_SALE_STATUSES,
  isAfterSaleOpen,
} from './after-sale-codes';
import { createAfterSaleInput } from './after-sale';
import { sourcesIn } from './order-status';

describe('after-sale state machine', () => {
  it('ends in REFUNDED, REJECTED or CANCELLED and never leaves them', () => {
    for (const end of ['REFUNDED', 'REJECTED', 'CANCELLED'] as const) {
      expect(AFTER_SALE_TRANSITIONS[end]).toEqual([]);
      expect(isAfterSaleOpen(end)).toBe(false);
    }
    expect([...OPEN_AFTER_SALE_STATUSES].sort()).toEqual(['APPROVED', 'REFUNDING', 'REQUESTED', 'RETURNING']);
  });

  it('lets the shopper cancel only before the refund starts', () => {
    expect(sourcesIn(AFTER_SALE_TRANSITIONS, 'CANCELLED').sort()).toEqual(['APPROVED', 'REQUESTED', 'RETURNING']);
    expect(AFTER_SALE_TRANSITIONS.REFUNDING).toEqual(['REFUNDED']);
  });

  it('starts a refund from a request, an agreed return or goods on their way back', () => {
    expect(sourcesIn(AFTER_SALE_TRANSITIONS, 'REFUNDING').sort()).toEqual(['APPROVED', 'REQUESTED', 'RETURNING']);
    expect(sourcesIn(AFTER_SALE_TRANSITIONS, 'REFUNDED')).toEqual(['REFUNDING']);
  });

  it('has a Chinese label for every status and reason', () => {
    for (const status of AFTER_SALE_STATUSES) expect(AFTER_SALE_STATUS_LABELS[status]).toMatch(/[\u4e00-\u9fff]/);
    for (const reason of AFTER_SALE_REASONS) expect(AFTER_SALE_REASON_LABELS[reason]).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('after-sale input', () => {
  const valid = { type: 'REFUND_ONLY', amountFen: 100, reason: 'DAMAGED' };

  it('takes a reason code, words up to 200 characters and up to 6 photos', () => {
    expect(createAfterSaleInput.parse(valid)).toEqual({ ...valid, images: [] });
    expect(createAfterSaleInput.safeParse({ ...valid, description: '杯子碎了'.repeat(50) }).success).toBe(true);
    expect(createAfterSaleInput.safeParse({ ...valid, description: 'x'.repeat(201) }).success).toBe(false);
    expect(createAfterSaleInput.safeParse({ ...valid, images: Array(7).fill('0123456789abcdef01234567') }).success).toBe(false);
  });

  it('refuses unknown reasons and types, and amounts that are not whole fen above 0', () => {
    expect(createAfterSaleInput.safeParse({ ...valid, reason: 'because' }).success).toBe(false);
    expect(createAfterSaleInput.safeParse({ ...valid, type: 'EXCHANGE' }).success).toBe(false);
    expect(createAfterSaleInput.safeParse({ ...valid, amountFen: 0 }).success).toBe(false);
    expect(createAfterSaleInput.safeParse({ ...valid, amountFen: 1.5 }).success).toBe(false);
  });
});
