// Admin passwords: scrypt, a memory-hard slow KDF from node:crypto, with a per-password salt.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

/**
 * scrypt runs on libuv's thread pool (4 threads), which the rest of the process shares. Unbounded, a flood of
 * bad logins fills it and every other request that needs it waits behind ~100 ms derivations. So at most
 * KDF_CONCURRENCY derivations run at once and KDF_QUEUE more may wait; a login beyond that is refused at once
 * (429, Retry-After: 1) instead of queueing. This is per process on purpose: it guards this process's threads,
 * while the attempt counters that stop guessing are in the database (login-attempts.ts).
 */
export const KDF_CONCURRENCY = 2;
export const KDF_QUEUE = 4;

/** Every slot and the queue are taken: the caller should refuse the attempt, not wait. */
export class KdfBusyError extends Error {
  constructor() {
    super('password hashing is busy');
    this.name = 'KdfBusyError';
  }
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` in a slot: `refuse` gives up at once when KDF_QUEUE others already wait; `wait` always queues. */
async function inSlot<T>(mode: 'refuse' | 'wait', work: () => Promise<T>): Promise<T> {
  if (running >= KDF_CONCURRENCY) {
    if (mode === 'refuse' && waiting.length >= KDF_QUEUE) throw new KdfBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (running stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(password: string, salt: Buffer, params: typeof PARAMS): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, params.keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const encode = (salt: Buffer, key: Buffer) => `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;

/** A hash nothing matches, with the real parameters: checking a password against it costs what a real check does. */
export const DUMMY_HASH = encode(randomBytes(16), randomBytes(PARAMS.keylen));

/** Hashes a new password (owner and account actions: these wait for a slot rather than fail). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await inSlot('wait', () => derive(password, salt, PARAMS));
  return encode(salt, key);
}

/** Checks a password against a stored hash; throws KdfBusyError when hashing is saturated (see KDF_CONCURRENCY). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const wellFormed = scheme === 'scrypt' && !!n && !!r && !!p && !!salt && !!hash;
  // A malformed stored hash still costs a derivation, so that no answer is faster than another.
  const [expected, params] = wellFormed
    ? [Buffer.from(hash, 'base64'), { N: Number(n), r: Number(r), p: Number(p), keylen: Buffer.from(hash, 'base64').length }]
    : [randomBytes(PARAMS.keylen), PARAMS];
  const key = await inSlot('refuse', () => derive(password, Buffer.from(salt ?? '', 'base64'), params));
  return wellFormed && timingSafeEqual(key, expected);
}
