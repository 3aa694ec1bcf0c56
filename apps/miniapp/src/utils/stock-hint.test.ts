import { describe, expect, it } from 'vitest';
import { LOW_STOCK, stockHint } from './stock-hint';

describe('stockHint', () => {
  it('says 已售罄 at 0, 仅剩 N 件 up to LOW_STOCK, and nothing above it', () => {
    expect(stockHint(0)).toBe('已售罄');
    expect(stockHint(1)).toBe('仅剩 1 件');
    expect(stockHint(LOW_STOCK)).toBe(`仅剩 ${LOW_STOCK} 件`);
    expect(stockHint(LOW_STOCK + 1)).toBe('');
    expect(stockHint(999)).toBe('');
  });
});
