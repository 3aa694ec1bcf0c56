// Money is an integer number of fen everywhere; yuan exists only for display and for WeChat's bills.

/** 1234 → "12.34" — for display only. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * "12.3" → 1230, parsed from the string so that no floating-point rounding can creep in.
 * Returns undefined for anything that is not a plain decimal with at most two places.
 */
export function yuanToFen(yuan: string): number | undefined {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  const fen = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return undefined;
  return minus ? -fen : fen;
}
