import { describe, expect, it } from 'vitest';
import { checkAfterSaleDraft, checkReturnShipment, newAfterSaleDraft, parseRefundAmount, partialAmountProblem } from './after-sale-form';

describe('refund amount typed in yuan', () => {
  it('becomes fen exactly, with no floating-point rounding', () => {
    expect(parseRefundAmount('39.9', 17590)).toEqual({ ok: true, fen: 3990 });
    expect(parseRefundAmount(' 0.07 ', 100)).toEqual({ ok: true, fen: 7 });
    expect(parseRefundAmount('175.90', 17590)).toEqual({ ok: true, fen: 17590 });
    expect(parseRefundAmount('¥12', 17590)).toEqual({ ok: true, fen: 1200 });
    expect(parseRefundAmount('0.29', 100)).toEqual({ ok: true, fen: 29 });
  });
  it('refuses nothing, zero, three decimals, words and more than refundable, in Chinese', () => {
    expect(parseRefundAmount('', 100)).toEqual({ ok: false, error: '请填写退款金额' });
    expect(parseRefundAmount('0', 100)).toEqual({ ok: false, error: '退款金额必须大于 0' });
    expect(parseRefundAmount('0.001', 100)).toEqual({ ok: false, error: '金额格式不正确（最多两位小数）' });
    expect(parseRefundAmount('abc', 100)).toEqual({ ok: false, error: '金额格式不正确（最多两位小数）' });
    expect(parseRefundAmount('-1', 100)).toEqual({ ok: false, error: '退款金额必须大于 0' });
    expect(parseRefundAmount('175.91', 17590)).toEqual({ ok: false, error: '最多可退 ¥175.90' });
  });
});

describe('after-sale form', () => {
  const limits = { refundableFen: 17590, allowedTypes: ['REFUND_ONLY', 'RETURN_REFUND'] as const };

  it('starts as 仅退款 of the whole refundable amount', () => {
    expect(newAfterSaleDraft(17590)).toEqual({ type: 'REFUND_ONLY', amountYuan: '175.90', reason: '', description: '', images: [] });
  });

  it('builds the request body: fen, reason code, trimmed words, photo urls', () => {
    const draft = { type: 'RETURN_REFUND' as const, amountYuan: '39.90', reason: 'DAMAGED' as const, description: '  杯口有裂纹 ', images: ['/api/images/a'] };
    expect(checkAfterSaleDraft(draft, limits)).toEqual({
      ok: true,
      input: { type: 'RETURN_REFUND', amountFen: 3990, reason: 'DAMAGED', description: '杯口有裂纹', images: ['/api/images/a'] },
    });
    const plain = checkAfterSaleDraft({ ...draft, description: '   ' }, limits);
    expect(plain.ok && 'description' in plain.input).toBe(false);
  });

  it('says what is wrong, field by field', () => {
    const result = checkAfterSaleDraft(
      { type: 'RETURN_REFUND', amountYuan: '200', reason: '', description: '字'.repeat(201), images: Array.from({ length: 7 }, (_, i) => `/api/images/${i}`) },
      { refundableFen: 17590, allowedTypes: ['REFUND_ONLY'] },
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        type: '订单发货后才能申请退货退款',
        amountYuan: '最多可退 ¥175.90',
        reason: '请选择售后原因',
        description: '说明最多 200 字',
        images: '最多上传 6 张照片',
      },
    });
    // 200 characters (not UTF-16 units) are fine.
    expect(checkAfterSaleDraft({ ...newAfterSaleDraft(100), reason: 'OTHER', description: '𠀀'.repeat(200) }, limits).ok).toBe(true);
  });

  it('with a shipping fee: the whole remaining amount includes it, a partial amount may not take any of it', () => {
    // ¥98 of items and a ¥10 fee still refundable.
    const fee = { refundableFen: 10_800, partialRefundMaxFen: 9_800, allowedTypes: ['REFUND_ONLY'] as const };
    const draft = { ...newAfterSaleDraft(10_800), reason: 'OTHER' as const };
    expect(draft.amountYuan).toBe('108.00');
    expect(checkAfterSaleDraft(draft, fee)).toMatchObject({ ok: true, input: { amountFen: 10_800 } });
    expect(checkAfterSaleDraft({ ...draft, amountYuan: '98' }, fee)).toMatchObject({ ok: true, input: { amountFen: 9_800 } });
    expect(checkAfterSaleDraft({ ...draft, amountYuan: '98.01' }, fee)).toEqual({
      ok: false,
      errors: { amountYuan: '部分退款不含运费，最多可退 ¥98.00；全额退款 ¥108.00 含运费' },
    });
    expect(partialAmountProblem(10_700, fee)).toBe('部分退款不含运费，最多可退 ¥98.00；全额退款 ¥108.00 含运费');
    expect(partialAmountProblem(10_800, fee)).toBeUndefined();
    // An answer without the figure (from before fees): everything is the items' part.
    expect(partialAmountProblem(10_700, { refundableFen: 10_800 })).toBeUndefined();
  });

  it('checks a return: carrier and tracking number, trimmed', () => {
    expect(checkReturnShipment({ expressCompany: ' 顺丰速运 ', trackingNo: ' SF100 ' })).toEqual({ ok: true, value: { expressCompany: '顺丰速运', trackingNo: 'SF100' } });
    expect(checkReturnShipment({ expressCompany: '', trackingNo: 'SF1' })).toEqual({ ok: false, error: '请填写快递公司' });
    expect(checkReturnShipment({ expressCompany: '顺丰', trackingNo: ' ' })).toEqual({ ok: false, error: '请填写快递单号' });
  });
});
