// Session tokens: HS256 JWTs. A shopper's carries the user id; an admin's carries the role, checked per route.
// Both carry their account's token version, checked against the database so that logging out (and, for admins, a
// password change or a disabled account) ends a session on every instance (nothing is kept in memory).
//
// Signing and verifying are plain synchronous HMAC-SHA256 from node:crypto, on the event loop: a few
// microseconds. Not jose, whose WebCrypto HMAC runs on libuv's thread pool, where every signed-in request then
// queued behind password hashing (scrypt, ~100 ms a call) during a flood of bad logins.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type AdminSession = { kind: 'admin'; adminId: string; username: string; role: 'owner' | 'staff'; tokenVersion: number };
export type ShopperSession = { kind: 'shopper'; userId: string; openid: string; tokenVersion: number };
export type Session = ShopperSession | AdminSession;

export interface TokenServiceOptions {
  /** Whether an admin session is still current (account exists and is enabled, same role, not logged out since). */
  adminSessionCurrent?: (session: AdminSession) => Promise<boolean>;
  /** Whether a shopper session is still current (the user exists and has not logged out since). */
  shopperSessionCurrent?: (session: ShopperSession) => Promise<boolean>;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hrs?|hours?)$/, 3600],
  [/^(d|days?)$/, 86_400],
  [/^(w|weeks?)$/, 604_800],
  [/^(y|yrs?|years?)$/, 31_557_600],
];

/** Seconds from now of a time span as jose wrote them: '12h', '7d', '1 minute ago', '-5 s', '2 hours from now'. */
export function spanSeconds(span: string): number {
  const match = /^([+-])? ?(\d+|\d+\.\d+) ?([a-z]+)(?: (ago|from now))?$/i.exec(span.trim());
  const unit = match && UNIT_SECONDS.find(([pattern]) => pattern.test(match[3]!.toLowerCase()))?.[1];
  if (!match || !unit) throw new TypeError(`Invalid time span: ${span}`);
  const seconds = Math.round(Number(match[2]) * unit);
  return match[1] === '-' || match[4] === 'ago' ? -seconds : seconds;
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class TokenService {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly options: TokenServiceOptions = {},
  ) {
    this.key = Buffer.from(secret, 'utf8');
  }

  issue(session: Session, ttl = session.kind === 'admin' ? '12h' : '7d'): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(JSON.stringify({ ...session, iat, exp: iat + spanSeconds(ttl) })).toString('base64url');
    const input = `${HEADER}.${payload}`;
    return Promise.resolve(`${input}.${this.sign(input).toString('base64url')}`);
  }

  async verify(token: string): Promise<Session | undefined> {
    const session = this.decode(token);
    // Outside the decode: a database failure is a 500, not a silently refused token.
    if (session?.kind === 'admin' && this.options.adminSessionCurrent && !(await this.options.adminSessionCurrent(session))) return undefined;
    if (session?.kind === 'shopper' && this.options.shopperSessionCurrent && !(await this.options.shopperSessionCurrent(session))) return undefined;
    return session;
  }

  private sign(input: string): Buffer {
    return createHmac('sha256', this.key).update(input).digest();
  }

  private decode(token: string): Session | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    // Only HS256, whatever the token says (no "none", no other algorithm or key), and no extensions we ignore.
    const header = parseJson(headerPart);
    if (!header || header.alg !== 'HS256' || 'crit' in header) return undefined;
    const given = Buffer.from(signaturePart, 'base64url');
    const expected = this.sign(`${headerPart}.${payloadPart}`);
    // Lenient base64url decoders accept several spellings of one signature: only the canonical one counts.
    if (given.length !== expected.length || given.toString('base64url') !== signaturePart || !timingSafeEqual(given, expected)) return undefined;
    const payload = parseJson(payloadPart);
    const now = Math.floor(Date.now() / 1000);
    if (!payload || typeof payload.exp !== 'number' || payload.exp <= now) return undefined;
    if (typeof payload.nbf === 'number' && payload.nbf > now) return undefined;
    const tokenVersion = typeof payload.tokenVersion === 'number' ? payload.tokenVersion : 0;
    if (payload.kind === 'shopper' && typeof payload.userId === 'string' && typeof payload.openid === 'string') {
      return { kind: 'shopper', userId: payload.userId, openid: payload.openid, tokenVersion };
    }
    if (
      payload.kind === 'admin' &&
      typeof payload.adminId === 'string' &&
      typeof payload.username === 'string' &&
      (payload.role === 'owner' || payload.role === 'staff')
    ) {
      return { kind: 'admin', adminId: payload.adminId, username: payload.username, role: payload.role, tokenVersion };
    }
    return undefined;
  }
}
