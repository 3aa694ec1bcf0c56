import { describe, expect, it } from 'vitest';
import { fenToYuan, yuanToFen } from './money';

describe('money', () => {
  it('formats fen as yuan for display', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(123456)).toBe('1234.56');
    expect(fenToYuan(-10)).toBe('-0.10');
  });

  it('parses yuan into exact fen without floating point', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('1234.5')).toBe(123450);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(yuanToFen('19.99')).toBe(1999);
    expect(yuanToFen('-0.10')).toBe(-10);
    expect(yuanToFen('1.234')).toBeUndefined();
    expect(yuanToFen('abc')).toBeUndefined();
  });
});
