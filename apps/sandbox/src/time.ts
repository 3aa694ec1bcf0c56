// WeChat speaks Beijing time: RFC 3339 with +08:00 in the API, `YYYY-MM-DD HH:mm:ss` in bills.
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

function beijingIso(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString();
}

/** `2026-05-20T13:29:35+08:00` */
export function rfc3339(ms: number): string {
  return `${beijingIso(ms).slice(0, 19)}+08:00`;
}

/** `2026-05-20` — the Beijing calendar date a moment falls on (what a bill_date means). */
export function beijingDate(ms: number): string {
  return beijingIso(ms).slice(0, 10);
}

/** `2026-05-20 13:29:35` — the bill's time format. */
export function billTime(ms: number): string {
  const iso = beijingIso(ms);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `20260520132935` — used inside generated ids. */
export function compactBeijing(ms: number): string {
  return beijingIso(ms).slice(0, 19).replace(/[-T:]/g, '');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp; undefined when it is not one (WeChat insists on the offset). */
export function parseRfc3339(value: unknown): number | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Start of a Beijing calendar day (`YYYY-MM-DD`) in epoch ms; undefined when it is not a real date. */
export function beijingDayStart(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00+08:00`);
  if (Number.isNaN(ms) || beijingDate(ms) !== date) return undefined;
  return ms;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
