// Session tokens: HS256 JWTs. A shopper's carries the user id; an admin's carries the role, checked per route,
// and the account's token version, checked against the database so that logging out ends a session on every
// instance (nothing is kept in memory).
import { SignJWT, jwtVerify } from 'jose';

export type AdminSession = { kind: 'admin'; adminId: string; username: string; role: 'owner' | 'staff'; tokenVersion: number };
export type Session = { kind: 'shopper'; userId: string; openid: string } | AdminSession;

export interface TokenServiceOptions {
  /** Whether an admin session is still current (account exists, same role, not logged out since). */
  adminSessionCurrent?: (session: AdminSession) => Promise<boolean>;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly options: TokenServiceOptions = {},
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(session: Session, ttl = session.kind === 'admin' ? '12h' : '7d'): Promise<string> {
    return new SignJWT({ ...session }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(ttl).sign(this.key);
  }

  async verify(token: string): Promise<Session | undefined> {
    const session = await this.decode(token);
    // Outside the decode's try: a database failure is a 500, not a silently refused token.
    if (session?.kind === 'admin' && this.options.adminSessionCurrent && !(await this.options.adminSessionCurrent(session))) return undefined;
    return session;
  }

  private async decode(token: string): Promise<Session | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (payload.kind === 'shopper' && typeof payload.userId === 'string' && typeof payload.openid === 'string') {
        return { kind: 'shopper', userId: payload.userId, openid: payload.openid };
      }
      if (
        payload.kind === 'admin' &&
        typeof payload.adminId === 'string' &&
        typeof payload.username === 'string' &&
        (payload.role === 'owner' || payload.role === 'staff')
      ) {
        const tokenVersion = typeof payload.tokenVersion === 'number' ? payload.tokenVersion : 0;
        return { kind: 'admin', adminId: payload.adminId, username: payload.username, role: payload.role, tokenVersion };
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}
