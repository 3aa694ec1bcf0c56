// Limits on password guessing, counted in the database before each check (so parallel guesses, and several API
// instances, count as one) and keyed by name whether or not the name exists (so the answers reveal nothing).
import type { Models } from '../../collections';
import { AppError } from '../../errors';
import { clientKey, hit, resetHits, secondsUntil, unhit } from '../../infra/rate-limit';
import { admitPasswordCheck } from './password';

const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * How many wrong passwords are let through per 15-minute window (fixed windows from the first attempt):
 * - 5 per (name, address): the lock a guesser at one address meets. It is per address so that guessing from
 *   one address never locks the owner out at another.
 * - 50 per name, from every address together: a slower brake on guesses spread over many addresses. Only
 *   attempts inside their (name, address) allowance count here, so one address adds at most 5: locking a name
 *   out everywhere takes 10 addresses (10 /64 networks in IPv6).
 * - 30 per address, whatever the names: password spraying, and floods of bad logins, from one address.
 * A right password takes its own attempt back and clears its (name, address) count.
 */
export const LOGIN_LIMITS = {
  perNameAndAddress: { max: 5, windowMs: FIFTEEN_MINUTES },
  perName: { max: 50, windowMs: FIFTEEN_MINUTES },
  perAddress: { max: 30, windowMs: FIFTEEN_MINUTES },
} as const;

/**
 * The counters of one name: `login:name:<name>` and its `login:name:<name>|<address>` ones. The name is
 * URI-encoded, so no name can make its key equal to another name's (name, address) key.
 */
export function loginCountersOf(username: string): RegExp {
  return new RegExp(`^login:name:${encodeURIComponent(username).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\|.*)?$`);
}

/** A refused attempt: 429 TOO_MANY_ATTEMPTS, with how long to wait (the route sends it as Retry-After). */
export class TooManyAttemptsError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many wrong passwords; try again in ${retryAfterSeconds} s`,
  ) {
    super('TOO_MANY_ATTEMPTS', { status: 429, message });
  }
}

/**
 * Runs one password check for `username` from `ip` within LOGIN_LIMITS; `check` says whether the password is
 * right (it runs the KDF, for unknown names too). Throws TooManyAttemptsError when a limit is reached, or at
 * once, with nothing counted, when this instance already has all the password checks it admits under way.
 */
export async function checkPasswordWithinLimits(models: Models, username: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
  const release = admitPasswordCheck();
  if (!release) throw new TooManyAttemptsError(1, 'Too many sign-ins at once; try again in 1 s');
  try {
    return await countedCheck(models, username, ip, check);
  } finally {
    release();
  }
}

async function countedCheck(models: Models, username: string, ip: string, check: () => Promise<boolean>): Promise<boolean> {
  const address = clientKey(ip);
  const name = `login:name:${encodeURIComponent(username)}`;
  const keys = { address: `login:addr:${address}`, name, pair: `${name}|${address}` };
  const now = new Date();
  const count = async (key: string, limit: { max: number; windowMs: number }) => {
    const { count: n, until } = await hit(models, key, limit.windowMs, now);
    if (n > limit.max) throw new TooManyAttemptsError(secondsUntil(until));
  };
  await count(keys.address, LOGIN_LIMITS.perAddress);
  await count(keys.pair, LOGIN_LIMITS.perNameAndAddress);
  await count(keys.name, LOGIN_LIMITS.perName);
  const right = await check();
  if (right) await Promise.all([unhit(models, keys.address), resetHits(models, keys.pair), unhit(models, keys.name)]);
  return right;
}
