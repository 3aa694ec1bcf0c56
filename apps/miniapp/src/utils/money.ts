import { fenToYuan } from '@xiaodian/shared';

/** 1234 → "¥12.34". Money stays in fen everywhere else. */
export function formatPrice(fen: number): string {
  return `¥${fenToYuan(fen)}`;
}
