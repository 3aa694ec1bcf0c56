// Reading the parts of a request that are not its JSON body: query strings and idempotency keys.
import type { Context } from 'koa';
import { badRequest } from '../errors';

/** Query parameters as given, without the empty ones (`?status=&q=` means "no filter"). */
export function queryOf(ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** An Idempotency-Key header, if the caller sent one: printable ASCII, at most 128 characters. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key');
  if (!key) return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) throw badRequest('Idempotency-Key: 1 to 128 printable ASCII characters');
  return key;
}
