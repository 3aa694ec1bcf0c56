import { describe, expect, it } from 'vitest';
import {
  isIsoDate,
  MAX_FEN,
  newIdempotencyKey,
  parseStock,
  parseStockChange,
  parseYuan,
  refundInputOf,
  refundMaxFen,
  shipInputOf,
  staffInputOf,
  changePasswordFormErrors,
  NEW_PASSWORD_HINT,
  parseMaxPerOrder,
} from './admin-forms';

const fen = (text: string, options?: Parameters<typeof parseYuan>[1]) => {
  const r = parseYuan(text, options);
  return r.ok ? r.value : r.error;
};

describe('yuan typed in a form', () => {
  it('becomes exact fen, including amounts floating point gets wrong', () => {
    expect(fen('12.3')).toBe(1230);
    expect(fen('12.30')).toBe(1230);
    expect(fen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(fen('1.13')).toBe(113); // 1.13 * 100 = 112.99999999999999
    expect(fen('19.99')).toBe(1999);
    expect(fen('0.01')).toBe(1);
    expect(fen(' ¥ 8 ')).toBe(800);
    expect(fen('￥1999')).toBe(199900);
    expect(fen('100000000')).toBe(MAX_FEN);
  });

  it('is refused when it is not a plain positive amount with at most two decimals', () => {
    for (const bad of ['', ' ', 'abc', '1.005', '1,000', '1e3', '.5', '5.', '0x10', '１２']) {
      expect(parseYuan(bad).ok, bad).toBe(false);
    }
    expect(fen('-1')).toBe('金额不能为负数');
    expect(fen('0')).toBe('金额必须大于 0');
    expect(fen('0.00', { allowZero: true })).toBe(0);
    expect(fen('100000000.01')).toBe('金额过大');
    expect(fen('50.01', { max: 5000 })).toBe('不能超过 ¥50.00');
    expect(fen('50', { max: 5000 })).toBe(5000);
  });
});

describe('stock', () => {
  it('accepts whole numbers only', () => {
    expect(parseStock('0')).toEqual({ ok: true, value: 0 });
    expect(parseStock(' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseStock('1.5').ok).toBe(false);
    expect(parseStock('-1').ok).toBe(false);
    expect(parseStock('1000001').ok).toBe(false);
  });

  it('applies a relative change to the stock shown, or takes an absolute figure', () => {
    expect(parseStockChange('+5', 12)).toEqual({ ok: true, value: { stock: 17, delta: 5 } });
    expect(parseStockChange('- 3', 12)).toEqual({ ok: true, value: { stock: 9, delta: -3 } });
    expect(parseStockChange('20', 12)).toEqual({ ok: true, value: { stock: 20, delta: 8 } });
    expect(parseStockChange('0', 12)).toEqual({ ok: true, value: { stock: 0, delta: -12 } });
    expect(parseStockChange('-13', 12).ok).toBe(false);
    expect(parseStockChange('12', 12)).toEqual({ ok: false, error: '库存没有变化' });
    expect(parseStockChange('+0', 12).ok).toBe(false);
    expect(parseStockChange('abc', 12).ok).toBe(false);
    expect(parseStockChange('2.5', 12).ok).toBe(false);
  });
});

it('每单限购 is optional: empty is no limit, else 1–99', () => {
  expect(parseMaxPerOrder(' ')).toEqual({ ok: true, value: undefined });
  expect(parseMaxPerOrder('3')).toEqual({ ok: true, value: 3 });
  for (const bad of ['0', '100', '2.5', '-1', 'x']) expect(parseMaxPerOrder(bad).ok).toBe(false);
});

describe('refund, ship and staff forms', () => {
  it('refund: amount at most what is refundable, and a reason of at most 80 characters', () => {
    const all = { refundableFen: 1999, partialRefundMaxFen: 1999 };
    expect(refundInputOf({ amountYuan: '19.99', reason: ' 缺货 ' }, all)).toEqual({ ok: true, value: { amountFen: 1999, reason: '缺货' } });
    expect(refundInputOf({ amountYuan: '20', reason: 'x' }, all)).toMatchObject({ ok: false, errors: { amountYuan: '不能超过 ¥19.99' } });
    expect(refundInputOf({ amountYuan: '1', reason: 'x'.repeat(81) }, all)).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
  });

  it('refund with a shipping fee: a partial amount leaves the fee unless 含运费 is ticked; the whole amount includes it', () => {
    // ¥98 of items and ¥10 of fee still refundable.
    const limits = { refundableFen: 10_800, partialRefundMaxFen: 9_800 };
    expect(refundMaxFen({}, limits)).toBe(9_800);
    expect(refundMaxFen({ includeShippingFee: true }, limits)).toBe(10_800);
    expect(refundInputOf({ amountYuan: '98', reason: '缺货' }, limits)).toEqual({ ok: true, value: { amountFen: 9_800, reason: '缺货' } });
    expect(refundInputOf({ amountYuan: '108', reason: '缺货' }, limits)).toEqual({ ok: true, value: { amountFen: 10_800, reason: '缺货' } });
    expect(refundInputOf({ amountYuan: '100', reason: '缺货' }, limits)).toMatchObject({
      ok: false,
      errors: { amountYuan: '部分退款不含运费，最多可退 ¥98.00；全额退款 ¥108.00 含运费，或勾选「含运费」' },
    });
    expect(refundInputOf({ amountYuan: '100', reason: '缺货', includeShippingFee: true }, limits)).toEqual({
      ok: true,
      value: { amountFen: 10_000, reason: '缺货', includeShippingFee: true },
    });
    expect(refundInputOf({ amountYuan: '108.01', reason: '缺货', includeShippingFee: true }, limits)).toMatchObject({ ok: false, errors: { amountYuan: '不能超过 ¥108.00' } });
  });

  it('ship: tracking number and company required, logistics type passed on', () => {
    expect(shipInputOf({ trackingNo: ' SF1 ', expressCompany: ' 顺丰速运 ', logisticsType: 1 })).toEqual({
      ok: true,
      value: { trackingNo: 'SF1', expressCompany: '顺丰速运', logisticsType: 1 },
    });
    expect(shipInputOf({ trackingNo: '', expressCompany: '', logisticsType: 4 }).errors).toEqual({
      trackingNo: expect.any(String),
      expressCompany: expect.any(String),
    });
  });

  it('staff: the same rules as the API', () => {
    expect(staffInputOf({ username: ' clerk.1 ', password: 'tea-shop-2026' })).toEqual({ ok: true, value: { username: 'clerk.1', password: 'tea-shop-2026' } });
    expect(staffInputOf({ username: 'ab', password: 'tea-shop-2026' }).ok).toBe(false);
    expect(staffInputOf({ username: '店员一号', password: 'tea-shop-2026' }).ok).toBe(false);
    // The shared rule (passwordProblem): 10 characters, not a common password.
    expect(staffInputOf({ username: 'clerk', password: '12345678' })).toMatchObject({ ok: false, errors: { password: '密码至少 10 位' } });
    expect(staffInputOf({ username: 'clerk', password: '1234567890' })).toMatchObject({ ok: false, errors: { password: '这个密码太常见，请换一个' } });
    expect(staffInputOf({ username: 'clerk', password: 'x'.repeat(257) })).toMatchObject({ ok: false, errors: { password: '密码过长（最多 256 位）' } });
  });

  it('checks the change-password form: current given, the shared rule, different, typed twice alike', () => {
    const ok = { current: 'old-password', next: 'a-new-long-password', confirm: 'a-new-long-password' };
    expect(changePasswordFormErrors(ok)).toBeUndefined();
    expect(changePasswordFormErrors({ ...ok, current: '' })).toEqual({ current: '请输入当前密码' });
    expect(changePasswordFormErrors({ ...ok, next: 'short', confirm: 'short' })).toEqual({ next: '密码至少 10 位' });
    expect(changePasswordFormErrors({ ...ok, next: 'qwertyuiop', confirm: 'qwertyuiop' })).toEqual({ next: '这个密码太常见，请换一个' });
    expect(changePasswordFormErrors({ ...ok, next: 'old-password', confirm: 'old-password' })).toEqual({ next: '新密码不能与当前密码相同' });
    expect(changePasswordFormErrors({ ...ok, confirm: 'a-new-long-passwore' })).toEqual({ confirm: '两次输入的新密码不一致' });
    expect(NEW_PASSWORD_HINT).toBe('至少 10 位，不能是常见密码');
  });
});

it('dates are real YYYY-MM-DD days', () => {
  expect(isIsoDate('2026-02-28')).toBe(true);
  expect(isIsoDate('2026-02-30')).toBe(false);
  expect(isIsoDate('2026-2-3')).toBe(false);
  expect(isIsoDate('')).toBe(false);
});

it('idempotency keys are random and printable', () => {
  const keys = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
  expect(keys.size).toBe(50);
  for (const k of keys) expect(k).toMatch(/^xd-[0-9a-f]{32}$/);
});
