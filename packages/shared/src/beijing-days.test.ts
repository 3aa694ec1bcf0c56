import { describe, expect, it } from 'vitest';
import { addDays, beijingDate } from './beijing-days';

describe('Beijing days', () => {
  it('turns over at 16:00 UTC', () => {
    expect(beijingDate(Date.parse('2026-05-20T15:59:59Z'))).toBe('2026-05-20');
    expect(beijingDate(new Date('2026-05-20T16:00:00Z'))).toBe('2026-05-21');
  });

  it('adds calendar days across months and years', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});
