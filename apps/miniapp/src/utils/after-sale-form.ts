// The after-sale form's rules, pure and unit-tested: the amount typed in yuan becomes fen exactly, at most
// what is still refundable; a reason from the list; the shopper's words up to 200 characters; up to 6 photos.
import { AFTER_SALE_REASONS, MAX_AFTER_SALE_IMAGES, fenToYuan, yuanToFen, type AfterSaleReason, type AfterSaleType, type CreateAfterSaleInput } from '@xiaodian/shared';

export const DESCRIPTION_MAX = 200;
export { MAX_AFTER_SALE_IMAGES };

export interface AfterSaleDraft {
  type: AfterSaleType;
  /** As typed, in yuan ("39.9"). */
  amountYuan: string;
  reason: AfterSaleReason | '';
  description: string;
  /** Uploaded photo urls (`/api/images/<id>`). */
  images: string[];
}

/** A new form: 仅退款, the whole refundable amount (the shipping fee included) prefilled. */
export function newAfterSaleDraft(refundableFen: number): AfterSaleDraft {
  return { type: 'REFUND_ONLY', amountYuan: fenToYuan(refundableFen), reason: '', description: '', images: [] };
}

/** "39.9" → 3990 fen, between ¥0.01 and `maxFen`; a Chinese sentence otherwise. */
export function parseRefundAmount(input: string, maxFen: number): { ok: true; fen: number } | { ok: false; error: string } {
  const text = input.trim().replace(/^¥/, '');
  if (!text) return { ok: false, error: '请填写退款金额' };
  const fen = yuanToFen(text);
  if (fen === undefined) return { ok: false, error: '金额格式不正确（最多两位小数）' };
  if (fen <= 0) return { ok: false, error: '退款金额必须大于 0' };
  if (fen > maxFen) return { ok: false, error: `最多可退 ¥${fenToYuan(maxFen)}` };
  return { ok: true, fen };
}

/** What an order may still refund, as the API read it: the whole (fee included) and the most a partial amount may take. */
export interface AfterSaleRefundLimits {
  refundableFen: number;
  /** Absent (an answer from before fees): the whole amount. */
  partialRefundMaxFen?: number;
}

/**
 * Why this amount cannot be asked for although it is within what remains: a partial amount may not take the
 * shipping fee, which only goes back with the whole remaining amount (the API refuses it with
 * REFUND_EXCEEDS_ITEMS). Undefined when it may.
 */
export function partialAmountProblem(fen: number, limits: AfterSaleRefundLimits): string | undefined {
  const partialMax = limits.partialRefundMaxFen ?? limits.refundableFen;
  if (fen === limits.refundableFen || fen <= partialMax) return undefined;
  return `部分退款不含运费，最多可退 ¥${fenToYuan(partialMax)}；全额退款 ¥${fenToYuan(limits.refundableFen)} 含运费`;
}

export type AfterSaleFormErrors = Partial<Record<'type' | 'amountYuan' | 'reason' | 'description' | 'images', string>>;

/**
 * The request body, or what is wrong field by field. `allowedTypes`: 退货退款 only once the order shipped.
 */
export function checkAfterSaleDraft(
  draft: AfterSaleDraft,
  limits: AfterSaleRefundLimits & { allowedTypes: readonly AfterSaleType[] },
): { ok: true; input: CreateAfterSaleInput } | { ok: false; errors: AfterSaleFormErrors } {
  const errors: AfterSaleFormErrors = {};
  if (!limits.allowedTypes.includes(draft.type)) errors.type = '订单发货后才能申请退货退款';
  const amount = parseRefundAmount(draft.amountYuan, limits.refundableFen);
  if (!amount.ok) errors.amountYuan = amount.error;
  else {
    const problem = partialAmountProblem(amount.fen, limits);
    if (problem) errors.amountYuan = problem;
  }
  if (!draft.reason || !(AFTER_SALE_REASONS as readonly string[]).includes(draft.reason)) errors.reason = '请选择售后原因';
  const description = draft.description.trim();
  if ([...description].length > DESCRIPTION_MAX) errors.description = `说明最多 ${DESCRIPTION_MAX} 字`;
  if (draft.images.length > MAX_AFTER_SALE_IMAGES) errors.images = `最多上传 ${MAX_AFTER_SALE_IMAGES} 张照片`;
  if (Object.keys(errors).length > 0 || !amount.ok || !draft.reason) return { ok: false, errors };
  return {
    ok: true,
    input: {
      type: draft.type,
      amountFen: amount.fen,
      reason: draft.reason,
      ...(description ? { description } : {}),
      images: [...draft.images],
    },
  };
}

/** Carrier and tracking number of a return, trimmed; a Chinese sentence when one is missing. */
export function checkReturnShipment(input: { expressCompany: string; trackingNo: string }):
  | { ok: true; value: { expressCompany: string; trackingNo: string } }
  | { ok: false; error: string } {
  const expressCompany = input.expressCompany.trim();
  const trackingNo = input.trackingNo.trim();
  if (!expressCompany) return { ok: false, error: '请填写快递公司' };
  if (!trackingNo) return { ok: false, error: '请填写快递单号' };
  if (expressCompany.length > 64 || trackingNo.length > 128) return { ok: false, error: '快递公司或单号太长' };
  return { ok: true, value: { expressCompany, trackingNo } };
}
