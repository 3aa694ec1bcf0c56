// The admin console's form rules, pure and unit-tested: money typed in yuan becomes fen exactly (string
// parsing, never floats), stock changes, and the checks the API would otherwise refuse with a 400.
import {
  fenToYuan,
  passwordProblem,
  PASSWORD_MIN_LENGTH,
  yuanToFen,
  type CreateStaffInput,
  type RefundInput,
  type ShipInput,
} from '@xiaodian/shared';
import { partialAmountProblem } from './after-sale-form';

/** The largest amount the API accepts (`fen` in packages/shared: ¥100,000,000.00). */
export const MAX_FEN = 100_000_000_00;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * "12.3" → 1230 fen. Accepts a leading ¥ and surrounding spaces; refuses negatives, zero (unless allowed),
 * more than two decimal places, separators and anything above MAX_FEN.
 */
export function parseYuan(input: string, options: { allowZero?: boolean; max?: number } = {}): Parsed<number> {
  const text = input.trim().replace(/^[¥￥]\s*/, '');
  if (!text) return { ok: false, error: '请输入金额' };
  if (text.startsWith('-')) return { ok: false, error: '金额不能为负数' };
  const fen = yuanToFen(text);
  if (fen === undefined) return { ok: false, error: '金额格式不正确（元，最多两位小数，如 12.30）' };
  if (fen === 0 && !options.allowZero) return { ok: false, error: '金额必须大于 0' };
  if (fen > MAX_FEN) return { ok: false, error: '金额过大' };
  if (options.max !== undefined && fen > options.max) return { ok: false, error: `不能超过 ¥${fenToYuan(options.max)}` };
  return { ok: true, value: fen };
}

/** A whole number of items, 0 … 1,000,000. */
export function parseStock(input: string): Parsed<number> {
  const text = input.trim();
  if (!/^\d+$/.test(text)) return { ok: false, error: '库存必须是不小于 0 的整数' };
  const n = Number(text);
  if (n > 1_000_000) return { ok: false, error: '库存不能超过 1000000' };
  return { ok: true, value: n };
}

/**
 * A stock adjustment as typed: "+20" (received 20), "-3" (3 broken) or "17" (counted 17). The API takes the
 * absolute figure, so a relative change is applied to the stock the admin is looking at.
 */
export function parseStockChange(input: string, current: number): Parsed<{ stock: number; delta: number }> {
  const text = input.trim().replace(/\s+/g, '');
  const relative = /^([+-])(\d+)$/.exec(text);
  let stock: number;
  if (relative) {
    const n = Number(relative[2]);
    stock = relative[1] === '+' ? current + n : current - n;
    if (stock < 0) return { ok: false, error: `库存不能少于 0（当前 ${current}）` };
  } else if (/^\d+$/.test(text)) {
    stock = Number(text);
  } else {
    return { ok: false, error: '请输入新的库存（如 20），或增减数量（如 +5、-3）' };
  }
  if (stock > 1_000_000) return { ok: false, error: '库存不能超过 1000000' };
  if (stock === current) return { ok: false, error: '库存没有变化' };
  return { ok: true, value: { stock, delta: stock - current } };
}

export type FormErrors<K extends string> = Partial<Record<K, string>>;

/** 每单限购 as typed: empty is no limit (undefined), else a whole number 1–99 (the API's range). */
export function parseMaxPerOrder(input: string): Parsed<number | undefined> {
  const text = input.trim();
  if (!text) return { ok: true, value: undefined };
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 99) return { ok: false, error: '每单限购须为 1–99 的整数，不限购请留空' };
  return { ok: true, value: Number(text) };
}


export interface RefundForm {
  amountYuan: string;
  reason: string;
  /** 含运费: a partial refund may take the shipping fee too (sent only when ticked). */
  includeShippingFee?: boolean;
}

/** What an order may still refund, as the API reads it (never computed here). */
export interface RefundLimits {
  /** The whole remaining amount (fee included): always allowed. */
  refundableFen: number;
  /** The most a partial refund may take without the fee. */
  partialRefundMaxFen: number;
}

/**
 * The most this form may refund: everything that remains when 含运费 is ticked, else the items' part — though
 * the whole remaining amount is always allowed (it includes the fee).
 */
export function refundMaxFen(form: Pick<RefundForm, 'includeShippingFee'>, limits: RefundLimits): number {
  return form.includeShippingFee ? limits.refundableFen : limits.partialRefundMaxFen;
}

/**
 * The refund body: amount in yuan → fen exactly, either the whole remaining amount or at most `refundMaxFen`;
 * a reason of 1–80 chars; `includeShippingFee` only when ticked.
 */
export function refundInputOf(form: RefundForm, limits: RefundLimits): Parsed<RefundInput> & { errors?: FormErrors<keyof RefundForm> } {
  const errors: FormErrors<keyof RefundForm> = {};
  const max = refundMaxFen(form, limits);
  const amount = parseYuan(form.amountYuan, { max: limits.refundableFen });
  if (!amount.ok) errors.amountYuan = amount.error;
  else {
    const problem = partialAmountProblem(amount.value, { refundableFen: limits.refundableFen, partialRefundMaxFen: max });
    if (problem) errors.amountYuan = `${problem}，或勾选「含运费」`;
  }
  const reason = form.reason.trim();
  if (!reason) errors.reason = '请填写退款原因';
  else if (reason.length > 80) errors.reason = '原因最多 80 个字';
  if (!amount.ok || Object.keys(errors).length > 0) return { ok: false, error: firstError(errors), errors };
  return { ok: true, value: { amountFen: amount.value, reason, ...(form.includeShippingFee ? { includeShippingFee: true } : {}) } };
}

export interface ShipForm {
  trackingNo: string;
  expressCompany: string;
  logisticsType: 1 | 3 | 4;
}

export function shipInputOf(form: ShipForm): Parsed<ShipInput> & { errors?: FormErrors<keyof ShipForm> } {
  const errors: FormErrors<keyof ShipForm> = {};
  const trackingNo = form.trackingNo.trim();
  const expressCompany = form.expressCompany.trim();
  if (!trackingNo) errors.trackingNo = form.logisticsType === 1 ? '请输入快递单号' : '请输入单号或凭证号';
  else if (trackingNo.length > 128) errors.trackingNo = '单号最多 128 个字符';
  if (!expressCompany) errors.expressCompany = form.logisticsType === 1 ? '请输入快递公司' : '请输入配送方式说明';
  else if (expressCompany.length > 64) errors.expressCompany = '最多 64 个字';
  if (Object.keys(errors).length > 0) return { ok: false, error: firstError(errors), errors };
  return { ok: true, value: { trackingNo, expressCompany, logisticsType: form.logisticsType } };
}

/**
 * Why a new admin password is refused, before asking the API: the shared rule (`passwordProblem`, the one the API
 * answers 400 WEAK_PASSWORD by) — at least 10 characters, not one of the common passwords.
 */
export function newPasswordError(password: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem === 'TOO_SHORT') return `密码至少 ${PASSWORD_MIN_LENGTH} 位`;
  if (problem === 'TOO_LONG') return '密码过长（最多 256 位）';
  if (problem === 'TOO_COMMON') return '这个密码太常见，请换一个';
  return undefined;
}

/** The placeholder of a new-password field, saying the rule. */
export const NEW_PASSWORD_HINT = `至少 ${PASSWORD_MIN_LENGTH} 位，不能是常见密码`;

export interface ChangePasswordForm {
  current: string;
  next: string;
  /** The new password typed again. */
  confirm: string;
}

/** The change-password form's errors, field by field (undefined: it may be sent). */
export function changePasswordFormErrors(form: ChangePasswordForm): FormErrors<keyof ChangePasswordForm> | undefined {
  const errors: FormErrors<keyof ChangePasswordForm> = {};
  if (!form.current) errors.current = '请输入当前密码';
  const weak = newPasswordError(form.next);
  if (weak) errors.next = weak;
  else if (form.next === form.current) errors.next = '新密码不能与当前密码相同';
  else if (form.confirm !== form.next) errors.confirm = '两次输入的新密码不一致';
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** The same rules as `createStaffInput` in packages/shared, with messages for the form. */
export function staffInputOf(form: { username: string; password: string }): Parsed<CreateStaffInput> & {
  errors?: FormErrors<'username' | 'password'>;
} {
  const errors: FormErrors<'username' | 'password'> = {};
  const username = form.username.trim();
  if (username.length < 3 || username.length > 64) errors.username = '用户名 3–64 个字符';
  else if (!/^[A-Za-z0-9_.@-]+$/.test(username)) errors.username = '用户名只能包含字母、数字和 _ . @ -';
  const password = newPasswordError(form.password);
  if (password) errors.password = password;
  if (Object.keys(errors).length > 0) return { ok: false, error: firstError(errors), errors };
  return { ok: true, value: { username, password: form.password } };
}

/** A YYYY-MM-DD that is a real calendar day. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function firstError(errors: Record<string, string | undefined>): string {
  return Object.values(errors).find(Boolean) ?? '请检查输入';
}

/**
 * A fresh Idempotency-Key (one per refund form): 32 random hex characters. `crypto.getRandomValues` works on
 * plain-http pages too, where `randomUUID` is missing.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return `xd-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * uni-h5's `<input>` passes typing on to v-model through a 100 ms throttle: a click (or Enter) right after the
 * last keystroke could read the value from before it. Form submits wait this long first.
 */
export const INPUT_SETTLE_MS = 120;

export function inputsSettled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, INPUT_SETTLE_MS));
}
