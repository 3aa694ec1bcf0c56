// "At most N per window" for one key, in the database so that every instance counts as one. Built on the
// throttles of lease.ts: the key owns N slots, and each slot passes at most once per window, so at most N attempts
// pass in any window, whichever instances they reach and however concurrently (each pass is one atomic upsert).
import type { Models } from '../collections';
import { passThrottle } from './lease';

export type QuotaAnswer = { passed: true } | { passed: false; retryAfterSeconds: number };

export async function passQuota(models: Models, key: string, limit: number, windowMs: number, now = new Date()): Promise<QuotaAnswer> {
  const slots = Array.from({ length: limit }, (_, i) => `${key}#${i}`);
  // One read to skip the slots already spent; a slot freed or taken since is settled by passThrottle itself.
  const spent = await models.Throttle.find({ _id: { $in: slots }, until: { $gt: now } }, { until: 1 }).lean();
  const busy = new Set(spent.map((t) => t._id));
  for (const slot of slots) {
    if (!busy.has(slot) && (await passThrottle(models, slot, windowMs, now))) return { passed: true };
  }
  const again = await models.Throttle.find({ _id: { $in: slots } }, { until: 1 }).lean();
  const next = Math.min(...again.map((t) => t.until.getTime()), now.getTime() + windowMs);
  return { passed: false, retryAfterSeconds: Math.max(1, Math.ceil((next - now.getTime()) / 1000)) };
}
