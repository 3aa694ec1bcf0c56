import { describe, expect, it } from 'vitest';
import * as shared from '@xiaodian/shared';
import * as codes from './after-sale-codes';

describe('the client’s copy of the after-sale lists', () => {
  it('is exactly what @xiaodian/shared defines (order included)', () => {
    expect(codes.AFTER_SALE_TYPES).toEqual(shared.AFTER_SALE_TYPES);
    expect(codes.AFTER_SALE_TYPE_LABELS).toEqual(shared.AFTER_SALE_TYPE_LABELS);
    expect(codes.AFTER_SALE_STATUS_LABELS).toEqual(shared.AFTER_SALE_STATUS_LABELS);
    expect(codes.AFTER_SALE_REASON_LABELS).toEqual(shared.AFTER_SALE_REASON_LABELS);
    expect(codes.AFTER_SALE_REASONS).toEqual(shared.AFTER_SALE_REASONS);
    expect(codes.MAX_AFTER_SALE_IMAGES).toBe(shared.MAX_AFTER_SALE_IMAGES);
  });
});
