// Identifiers shaped like WeChat's, so merchant code that validates formats sees realistic values.
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { compactBeijing } from './time';

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

/** `wx` + Beijing time + 20 hex characters, like `wx201410272009395522657a690389285100`. */
export function prepayId(now: number): string {
  return `wx${compactBeijing(now)}${randomBytes(10).toString('hex')}`;
}

/** 28 digits starting with 4200, like WeChat Pay's transaction ids. */
export function transactionId(now: number): string {
  return `4200${digits(6)}${compactBeijing(now).slice(0, 8)}${digits(10)}`;
}

/** 29 digits starting with 50, like WeChat Pay's refund ids. */
export function refundId(now: number): string {
  return `50${digits(5)}${compactBeijing(now).slice(0, 8)}${digits(14)}`;
}

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function hmacChars(key: string, message: string, length: number): string {
  const mac = createHmac('sha256', key).update(message).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += OPENID_ALPHABET[mac[i]! % 64];
  return out;
}

/**
 * A 28-character openid, stable per (appid, user). The last 9 characters are a MAC of the first 19 under the
 * appid, so the sandbox can tell, without any stored state, whether an openid belongs to its appid — which
 * is how it answers "appid and openid do not match" like WeChat does.
 */
export function openidFor(appid: string, user: string): string {
  const head = `o${hmacChars(appid, `user:${user}`, 18)}`;
  return head + hmacChars(appid, `check:${head}`, 9);
}

export function openidBelongsTo(appid: string, openid: string): boolean {
  if (typeof openid !== 'string' || openid.length !== 28) return false;
  const head = openid.slice(0, 19);
  return head + hmacChars(appid, `check:${head}`, 9) === openid;
}
