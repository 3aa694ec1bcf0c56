// The after-sale lists and labels the mini program shows, as @xiaodian/shared defines them (after-sale.ts). A
// copy on purpose: that module also builds its zod schemas at load, and importing any value from it would
// bring them and zod (~100 kB) into the mp-weixin main package. `after-sale-codes.test.ts` keeps the copy
// equal to the shared one; the types come from there, so a new code fails the typecheck until it has words.
import type { AfterSaleReason, AfterSaleStatus, AfterSaleType } from '@xiaodian/shared';

export const AFTER_SALE_TYPES: readonly AfterSaleType[] = ['REFUND_ONLY', 'RETURN_REFUND'];

export const AFTER_SALE_TYPE_LABELS: Readonly<Record<AfterSaleType, string>> = {
  REFUND_ONLY: '仅退款',
  RETURN_REFUND: '退货退款',
};

export const AFTER_SALE_STATUS_LABELS: Readonly<Record<AfterSaleStatus, string>> = {
  REQUESTED: '待处理',
  APPROVED: '已同意，待退货',
  RETURNING: '退货中',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  REJECTED: '已拒绝',
  CANCELLED: '已撤销',
};

export const AFTER_SALE_REASON_LABELS: Readonly<Record<AfterSaleReason, string>> = {
  NOT_RECEIVED: '未收到货',
  DAMAGED: '商品破损',
  WRONG_ITEM: '商家发错货',
  QUALITY: '质量问题',
  NOT_AS_DESCRIBED: '与商品描述不符',
  MISSING_PARTS: '少件/漏发',
  NO_LONGER_WANTED: '不想要了',
  OTHER: '其他',
};

/** The reasons in the order the form lists them. */
export const AFTER_SALE_REASONS = Object.keys(AFTER_SALE_REASON_LABELS) as AfterSaleReason[];

/** Photos a request may carry. */
export const MAX_AFTER_SALE_IMAGES = 6;
