// The mini program's access token (docs/wechat-pay.md §2), for shipping information and any other open API
// call that needs one. One token for every instance: it lives in the database, one instance at a time
// refreshes it (under a lease), a little before it expires, and the others keep using the old one meanwhile
// (WeChat's old and new stable tokens overlap 5 minutes). `force_refresh` is never sent: it is limited to
// 20 a day and would invalidate the token every other instance is using. The token is never logged.
import { randomUUID } from 'node:crypto';
import type { Services } from '../../context';
import { acquireLease, releaseLease } from '../../infra/lease';
import { WechatOpenApiError, WechatOpenApiUnavailableError } from './open-api';

interface TokenDoc {
  _id: string;
  token: string;
  expiresAt: Date;
  refreshAfter: Date;
}

/** Refresh when less than this is left; until then every instance uses the cached token. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
/** A token this close to its end is not handed out any more (a call takes a moment). */
const MIN_VALIDITY_MS = 30_000;
/** At most one fetch per this long while WeChat keeps answering with a token about to expire. */
const MIN_REFETCH_GAP_MS = 30_000;
/** How long one instance may hold the refresh lease (a fetch is a few seconds at most). */
const LEASE_MS = 15_000;
/** How long a caller waits for another instance's refresh before giving up. */
const WAIT_MS = 10_000;

/** WeChat's "this token is not valid (any more)": invalid credential, expired, not the latest. */
export const INVALID_TOKEN_ERRCODES: readonly number[] = [40001, 42001, 40014];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests of this process waiting for the same answer share it (fewer database round trips, not correctness). */
const inFlight = new WeakMap<Services, Map<string, Promise<string>>>();

/**
 * The current access token. `rejected` is a token WeChat just refused (40001/42001): it is never handed out
 * again, and a new one is fetched unless another instance already did.
 */
export function getAccessToken(s: Services, options: { rejected?: string } = {}): Promise<string> {
  let mine = inFlight.get(s);
  if (!mine) inFlight.set(s, (mine = new Map()));
  const key = options.rejected ?? '';
  const pending = mine.get(key);
  if (pending) return pending;
  const work = obtain(s, options.rejected).finally(() => mine.delete(key));
  mine.set(key, work);
  return work;
}

async function obtain(s: Services, rejected: string | undefined): Promise<string> {
  const { WechatToken } = s.models;
  const appid = s.config.wechat.appid;
  const leaseName = `wechat-token:${appid}`;
  // Unique per call: two callers in one process must not both believe they hold the lease.
  const holder = `${s.instanceId}:${randomUUID()}`;
  const deadline = Date.now() + WAIT_MS;
  for (let round = 0; ; round++) {
    const now = Date.now();
    const cached = await WechatToken.findById(appid).lean<TokenDoc>();
    const usable = cached && cached.token !== rejected && cached.expiresAt.getTime() - now > MIN_VALIDITY_MS ? cached : undefined;
    if (usable && usable.refreshAfter.getTime() > now) return usable.token;

    if (await acquireLease(s.models, leaseName, holder, LEASE_MS)) {
      try {
        // Someone may have refreshed between our read and our lease.
        const latest = await WechatToken.findById(appid).lean<TokenDoc>();
        if (latest && latest.token !== rejected && latest.refreshAfter.getTime() > Date.now()) return latest.token;
        return await fetchAndStore(s);
      } catch (err) {
        // WeChat is down but the old token still works: use it, the next call tries the refresh again.
        if (usable && err instanceof WechatOpenApiUnavailableError) return usable.token;
        throw err;
      } finally {
        await releaseLease(s.models, leaseName, holder);
      }
    }
    // Another instance is refreshing: the old token is still good for a while, so use it.
    if (usable) return usable.token;
    if (Date.now() > deadline) throw new WechatOpenApiUnavailableError('timed out waiting for another instance to fetch the access token');
    await sleep(Math.min(50 + round * 25, 250));
  }
}

async function fetchAndStore(s: Services): Promise<string> {
  const { appid, secret } = s.config.wechat;
  const fetchedAt = new Date();
  const answer = await s.wechat.call<{ access_token?: string; expires_in?: number }>('POST', '/cgi-bin/stable_token', new URLSearchParams(), {
    grant_type: 'client_credential',
    appid,
    secret,
  });
  if (!answer.access_token || !answer.expires_in) throw new WechatOpenApiUnavailableError('stable_token answered without a token');
  const expiresAt = new Date(fetchedAt.getTime() + answer.expires_in * 1000);
  // Normally 5 minutes before the end; if WeChat gave a token already inside that window (it keeps the
  // current one until it is replaced), ask again a little later rather than on every call.
  const refreshAfter = new Date(
    Math.min(Math.max(expiresAt.getTime() - REFRESH_AHEAD_MS, fetchedAt.getTime() + MIN_REFETCH_GAP_MS), expiresAt.getTime() - MIN_VALIDITY_MS),
  );
  await s.models.WechatToken.updateOne(
    { _id: appid },
    { $set: { token: answer.access_token, expiresAt, refreshAfter, fetchedAt }, $inc: { fetches: 1 } },
    { upsert: true },
  );
  s.logger.info({ appid, expiresAt }, 'fetched a new WeChat access token');
  return answer.access_token;
}

/**
 * Calls an open API path that takes `?access_token=`. When WeChat calls the token invalid or expired, a new
 * one is obtained once (one fetch for every instance) and the call is made once more.
 */
export async function callWithAccessToken<T>(s: Services, path: string, body: unknown): Promise<T> {
  const token = await getAccessToken(s);
  try {
    return await s.wechat.call<T>('POST', path, new URLSearchParams({ access_token: token }), body);
  } catch (err) {
    if (!(err instanceof WechatOpenApiError) || !INVALID_TOKEN_ERRCODES.includes(err.errcode)) throw err;
    s.logger.warn({ wechat: path, errcode: err.errcode }, 'WeChat refused the access token; fetching a new one');
    const fresh = await getAccessToken(s, { rejected: token });
    return s.wechat.call<T>('POST', path, new URLSearchParams({ access_token: fresh }), body);
  }
}
