// Attempt counters in the database, so that several API instances count as one: a fixed window per key, counted
// with one atomic `$inc` before the work it guards (never read, work, then write back a stale count).
import type { Models } from '../collections';
import { isDuplicateKeyError } from './duplicate-key';

export interface Hit {
  /** Attempts in the current window, this one included. */
  count: number;
  /** When the window ends (and the count starts again). */
  until: Date;
}

/**
 * Counts one attempt for `key` in a window of `windowMs` and returns the new count. Concurrent hits each see a
 * distinct count, on every instance: 60 parallel attempts see 1..60, so a limit of 5 lets exactly 5 through.
 */
export async function hit(models: Models, key: string, windowMs: number, now = new Date()): Promise<Hit> {
  for (;;) {
    // The usual case: the window is open, one atomic increment.
    const open = await models.AttemptCounter.findOneAndUpdate(
      { _id: key, until: { $gt: now } },
      { $inc: { count: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (open) return { count: open.count, until: open.until };
    // No window, or an expired one (the TTL index collects it late): start a new one. Two instances starting it
    // at once: the second's upsert meets the unique _id and goes round again, into the first's window.
    try {
      const started = await models.AttemptCounter.findOneAndUpdate(
        { _id: key, until: { $lte: now } },
        { $set: { count: 1, until: new Date(now.getTime() + windowMs) } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      if (started) return { count: started.count, until: started.until };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}

/** Takes back one counted attempt (it turned out not to be one that the limit is about, e.g. a right password). */
export async function unhit(models: Models, key: string, now = new Date()): Promise<void> {
  await models.AttemptCounter.updateOne({ _id: key, until: { $gt: now }, count: { $gt: 0 } }, { $inc: { count: -1 } });
}

/** Forgets every attempt counted for `key`. */
export async function resetHits(models: Models, key: string): Promise<void> {
  await models.AttemptCounter.deleteOne({ _id: key });
}

/** Forgets the attempts counted for every key matching `pattern`. */
export async function resetHitsMatching(models: Models, pattern: RegExp): Promise<void> {
  await models.AttemptCounter.deleteMany({ _id: { $regex: pattern } });
}

/** Whole seconds until `until` (at least 1): the Retry-After of a refused attempt. */
export function secondsUntil(until: Date, now = Date.now()): number {
  return Math.max(1, Math.ceil((until.getTime() - now) / 1000));
}

/**
 * The address an attempt counts against: IPv4 as is, IPv6 by its /64 (one subscriber usually holds a whole /64,
 * so counting single IPv6 addresses would give one attacker 2^64 fresh budgets). IPv4-mapped IPv6 is IPv4.
 */
export function clientKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address || 'unknown';
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
