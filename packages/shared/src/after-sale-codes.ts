// The after-sale lists, labels and transitions (售后), without any schema: the mini program imports them, and a
// module that builds zod schemas at load would bring zod (~100 kB) into its main package. after-sale.ts builds the
// request schemas from these. The transition table is the law, as for orders: every status write in the API is a
// compare-and-set whose filter comes from it.

export const AFTER_SALE_TYPES = ['REFUND_ONLY', 'RETURN_REFUND'] as const;
export type AfterSaleType = (typeof AFTER_SALE_TYPES)[number];

export const AFTER_SALE_TYPE_LABELS: Readonly<Record<AfterSaleType, string>> = {
  REFUND_ONLY: '仅退款',
  RETURN_REFUND: '退货退款',
};

export const AFTER_SALE_STATUSES = ['REQUESTED', 'APPROVED', 'RETURNING', 'REFUNDING', 'REFUNDED', 'REJECTED', 'CANCELLED'] as const;
export type AfterSaleStatus = (typeof AFTER_SALE_STATUSES)[number];

export const AFTER_SALE_STATUS_LABELS: Readonly<Record<AfterSaleStatus, string>> = {
  REQUESTED: '待处理',
  APPROVED: '已同意，待退货',
  RETURNING: '退货中',
  REFUNDING: '退款中',
  REFUNDED: '已退款',
  REJECTED: '已拒绝',
  CANCELLED: '已撤销',
};

export const AFTER_SALE_TRANSITIONS: Readonly<Record<AfterSaleStatus, readonly AfterSaleStatus[]>> = {
  // APPROVED: a return is agreed (RETURN_REFUND); REFUNDING: a refund-only request approved, its refund starts at once.
  REQUESTED: ['APPROVED', 'REFUNDING', 'REJECTED', 'CANCELLED'],
  // REFUNDING from APPROVED: the goods arrived before the shopper entered a tracking number.
  APPROVED: ['RETURNING', 'REFUNDING', 'REJECTED', 'CANCELLED'],
  // REJECTED from RETURNING: what came back is not what was sold; the note tells the shopper why.
  RETURNING: ['REFUNDING', 'REJECTED', 'CANCELLED'],
  // Once the refund started the request follows it; a failed refund waits in REFUNDING for the re-issue.
  REFUNDING: ['REFUNDED'],
  REFUNDED: [],
  REJECTED: [],
  CANCELLED: [],
};

/** The states of an open request: an order has at most one of these. */
export const OPEN_AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = ['REQUESTED', 'APPROVED', 'RETURNING', 'REFUNDING'];

export function isAfterSaleOpen(status: AfterSaleStatus): boolean {
  return OPEN_AFTER_SALE_STATUSES.includes(status);
}

/** Why the shopper asks: a code from this list (the client shows the label) plus their own words. */
export const AFTER_SALE_REASONS = ['NOT_RECEIVED', 'DAMAGED', 'WRONG_ITEM', 'QUALITY', 'NOT_AS_DESCRIBED', 'MISSING_PARTS', 'NO_LONGER_WANTED', 'OTHER'] as const;
export type AfterSaleReason = (typeof AFTER_SALE_REASONS)[number];

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

/** Photos a request may carry. */
export const MAX_AFTER_SALE_IMAGES = 6;
