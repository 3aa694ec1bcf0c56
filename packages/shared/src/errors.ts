// The error shape every client sees: `{ error: { code, message } }`.

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'OUT_OF_STOCK',
  'PRODUCT_UNAVAILABLE',
  'ORDER_NOT_PAYABLE',
  'ORDER_NOT_CANCELLABLE',
  'ORDER_NOT_REFUNDABLE',
  'ORDER_NOT_SHIPPABLE',
  'REFUND_EXCEEDS_PAID',
  'WX_LOGIN_FAILED',
  'WECHAT_UNAVAILABLE',
  'WECHAT_REJECTED',
  'TOO_MANY_ATTEMPTS',
  'CONFLICT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number] | (string & {});

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
