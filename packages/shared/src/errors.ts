// The error shape every client sees: `{ error: { code, message } }`.

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'OUT_OF_STOCK',
  /** The address's province is not delivered to by a shipping template of the order's items (`details.province`). */
  'NOT_DELIVERABLE',
  /** A shipping template that products still use cannot be deleted: move them to another template first. */
  'SHIPPING_TEMPLATE_IN_USE',
  'PRODUCT_UNAVAILABLE',
  'ORDER_NOT_PAYABLE',
  'ORDER_NOT_CANCELLABLE',
  'ORDER_NOT_REFUNDABLE',
  'ORDER_NOT_SHIPPABLE',
  'REFUND_EXCEEDS_PAID',
  /**
   * A partial refund (or after-sale request) would take part of the shipping fee: `details: {maxFen, shippingFeeFen}`,
   * maxFen being the items' part still refundable. The whole remaining amount (fee included) is always allowed.
   */
  'REFUND_EXCEEDS_ITEMS',
  /** The order is not in a state that allows this (confirm receipt of an order that is not SHIPPED). */
  'ORDER_STATE',
  'WX_LOGIN_FAILED',
  'WECHAT_UNAVAILABLE',
  'WECHAT_REJECTED',
  'TOO_MANY_ATTEMPTS',
  /** A WeChat binding code that is wrong, expired or already used. */
  'BINDING_CODE_INVALID',
  /** A shopper already has MAX_PENDING_ORDERS unpaid orders: pay or cancel one first. */
  'TOO_MANY_PENDING_ORDERS',
  /** More of a product in one order than its `maxPerOrder`. */
  'LIMIT_PER_ORDER_EXCEEDED',
  /** An on-hand stock figure below the units unpaid orders hold. */
  'STOCK_BELOW_RESERVED',
  /** The account is disabled by the owner (told only to whoever gave its right password). */
  'ACCOUNT_DISABLED',
  /** A new password is too short or too common (`passwordProblem`). */
  'WEAK_PASSWORD',
  /** The current password given to change one's own password is wrong (not a 401: the session is fine). */
  'WRONG_PASSWORD',
  /** Owners are not disabled or reset by anyone else, nor the owner by themselves. */
  'OWNER_PROTECTED',
  'USERNAME_TAKEN',
  /** Someone else changed the record first; trying again is safe. */
  'CONFLICT',
  /** An Idempotency-Key reused for a different request. */
  'IDEMPOTENCY_KEY_REUSED',
  /** An ABNORMAL refund that WeChat still reports ABNORMAL: the merchant must settle it there first. */
  'REFUND_STILL_ABNORMAL',
  /** Reconciliation: WeChat's bill of that day is not ready yet (after 10:00 Beijing time the next day). */
  'BILL_NOT_READY',
  /** Reconciliation: every bill downloaded had the wrong SHA1 (refused; retried by the job). */
  'BILL_HASH_MISMATCH',
  /** Reconciliation: WeChat's bill could not be read. */
  'BILL_UNREADABLE',
  /** The request body is not the JSON object the endpoint takes (malformed, not an object, bad Content-Encoding). */
  'INVALID_BODY',
  'PAYLOAD_TOO_LARGE',
  /** The path exists, but not with this method (an `Allow` header lists the ones it has). */
  'METHOD_NOT_ALLOWED',
  /** A method the API does not implement at all. */
  'NOT_IMPLEMENTED',
  /** A category that still has products cannot be deleted: move or delete its products first. */
  'CATEGORY_NOT_EMPTY',
  /** An upload that is not a complete JPEG, PNG or WebP (judged by its bytes, not its name), or too many pixels. */
  'UNSUPPORTED_IMAGE',
  /** An upload over its size limit (images: 5 MB). */
  'TOO_LARGE',
  /** A shopper uploaded as many images today as a shopper may (the upload is not a file host). */
  'UPLOAD_LIMIT_REACHED',
  /** An import that is not an .xlsx workbook (judged by its bytes: an .xls, a .csv or a renamed file is refused). */
  'UNSUPPORTED_FILE',
  /** An import whose sheets have no header row naming the columns it needs (`details.missing`: their names). */
  'IMPORT_COLUMNS_MISSING',
  /** Anything the API did not expect: the message says only the request id to quote; details are in the log. */
  'INTERNAL',
  /** The order already has an open after-sale request: one at a time. */
  'AFTER_SALE_OPEN',
  /** A completed order past its after-sale window (AFTER_SALE_DAYS), or an order no after-sale applies to. */
  'AFTER_SALE_EXPIRED',
  /** The after-sale request is not in a state that allows this step (e.g. cancel after the refund started). */
  'AFTER_SALE_STATE',
] as const;
/** Closed: a code the API answers with is in ERROR_CODES, so clients can render every one of them. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  /**
   * `details`: data the client renders its own words from, e.g. OUT_OF_STOCK `{productId, skuId, name, specs?,
   * available}`, LIMIT_PER_ORDER_EXCEEDED `{productId, name, maxPerOrder, quantity}`, ORDER_STATE `{status}`, REFUND_EXCEEDS_ITEMS `{maxFen, shippingFeeFen}`.
   */
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}
