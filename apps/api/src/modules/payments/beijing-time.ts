/** RFC 3339 in Beijing time, as WeChat writes and expects it: `2026-05-20T13:29:35+08:00`. */
export function toBeijingRfc3339(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}
