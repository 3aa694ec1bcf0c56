// Admin passwords: scrypt, a memory-hard slow KDF from node:crypto, with a per-password salt.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';

const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

/**
 * scrypt runs on libuv's thread pool (4 threads), which the rest of the process shares. Unbounded, a flood of
 * bad logins fills it and every other request that needs it waits behind ~100 ms derivations. So at most
 * KDF_CONCURRENCY derivations run at once, and at most PASSWORD_CHECKS_ADMITTED password checks are under way
 * (counting their attempts, hashing, or waiting to hash); a check beyond that is refused at once, before any
 * database work (429, Retry-After: 1). Per process on purpose: this guards this process's threads and event
 * loop, while the attempt counters that stop guessing are in the database (login-attempts.ts).
 */
// Two at once, but never every core: scrypt is CPU-bound, and the event loop needs a core of its own.
export const KDF_CONCURRENCY = Math.max(1, Math.min(2, availableParallelism() - 1));
export const PASSWORD_CHECKS_ADMITTED = 6;

let admitted = 0;

/** Admits one password check if fewer than PASSWORD_CHECKS_ADMITTED are under way; call the answer when done. */
export function admitPasswordCheck(): (() => void) | undefined {
  if (admitted >= PASSWORD_CHECKS_ADMITTED) return undefined;
  admitted++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    admitted--;
  };
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` in one of the KDF_CONCURRENCY slots, waiting for one if need be. */
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= KDF_CONCURRENCY) {
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
  const key = await inSlot(() => derive(password, salt, PARAMS));
  return encode(salt, key);
}

/** Checks a password against a stored hash (sign-in admits it first: admitPasswordCheck). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const wellFormed = scheme === 'scrypt' && !!n && !!r && !!p && !!salt && !!hash;
  // A malformed stored hash still costs a derivation, so that no answer is faster than another.
  const [expected, params] = wellFormed
    ? [Buffer.from(hash, 'base64'), { N: Number(n), r: Number(r), p: Number(p), keylen: Buffer.from(hash, 'base64').length }]
    : [randomBytes(PARAMS.keylen), PARAMS];
  const key = await inSlot(() => derive(password, Buffer.from(salt ?? '', 'base64'), params));
  return wellFormed && timingSafeEqual(key, expected);
}
