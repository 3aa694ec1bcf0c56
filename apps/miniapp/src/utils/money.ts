import { fenToYuan } from '@xiaodian/shared';

/** 1234 → "¥12.34". Money stays in fen everywhere else. */
export function formatPrice(fen: number): string {
  return `¥${fenToYuan(fen)}`;
}

/** The shipping fee as the shop and the console show it: 包邮 when there is none. */
export function shippingFeeText(fen: number): string {
  return fen === 0 ? '包邮' : formatPrice(fen);
}
