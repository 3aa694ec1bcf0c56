import type { Context, Middleware } from 'koa';
import { forbidden, unauthorized } from '../errors';
import type { Session, TokenService } from '../infra/session-tokens';

async function sessionOf(ctx: Context, tokens: TokenService): Promise<Session> {
  const header = ctx.get('authorization');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized('Missing bearer token');
  const session = await tokens.verify(match[1]!);
  if (!session) throw unauthorized('Invalid or expired token');
  return session;
}

export function requireShopper(tokens: TokenService): Middleware {
  return async (ctx, next) => {
    const session = await sessionOf(ctx, tokens);
    if (session.kind !== 'shopper') throw forbidden('Shopper token required');
    ctx.state.session = session;
    await next();
  };
}

export function requireAdmin(tokens: TokenService, roles: readonly ('owner' | 'staff')[] = ['owner', 'staff']): Middleware {
  return async (ctx, next) => {
    const session = await sessionOf(ctx, tokens);
    if (session.kind !== 'admin') throw forbidden('Admin token required');
    if (!roles.includes(session.role)) throw forbidden(`Requires role ${roles.join(' or ')}`);
    ctx.state.session = session;
    await next();
  };
}

export function shopperOf(ctx: Context): Extract<Session, { kind: 'shopper' }> {
  return ctx.state.session as Extract<Session, { kind: 'shopper' }>;
}

export function adminOf(ctx: Context): Extract<Session, { kind: 'admin' }> {
  return ctx.state.session as Extract<Session, { kind: 'admin' }>;
}
