import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { getDashboard, listAdminOrders } from '@/api/admin';
import { isApiError } from '@/api/request';
import { STORAGE_KEYS } from '@/utils/storage';
import { FakeAdminApi, paidOrder } from './admin.fake';
import { ADMIN_HOME_PAGE, afterLoginPage, loginFailureOf, SESSION_EXPIRED_MESSAGE, useAdminStore } from './admin';

let api: FakeAdminApi;
let relaunches: string[];

/** A fresh start of the console (new pinia: the store reads what storage kept). */
function start() {
  setActivePinia(createPinia());
  return useAdminStore();
}

beforeEach(() => {
  api = new FakeAdminApi();
  api.orders.set('order-1', paidOrder());
  fakeUni().responder = api.respond;
  relaunches = [];
  // uni.reLaunch: the only navigation the store does (back to the login page).
  (fakeUni() as unknown as { reLaunch: (o: { url: string }) => void }).reLaunch = (o) => relaunches.push(o.url);
});

describe('admin session', () => {
  it('logs in, keeps token, name and role, and sends the token as a bearer on admin calls', async () => {
    const admin = start();
    await admin.login('owner', 'owner-password');
    expect(admin.loggedIn).toBe(true);
    expect(admin.role).toBe('owner');
    expect(admin.isOwner).toBe(true);
    expect(fakeUni().stored(STORAGE_KEYS.admin)).toEqual({ token: admin.token, username: 'owner', role: 'owner' });

    await listAdminOrders({ page: 1 });
    const call = fakeUni().requests.at(-1)!;
    expect(call.url).toBe('http://127.0.0.1:3000/api/admin/orders?page=1');
    expect(call.header.Authorization).toBe(`Bearer ${admin.token}`);
    // Admin calls never log the shopper in.
    expect(fakeUni().logins).toEqual([]);

    // The next start of the console restores the session.
    const next = start();
    expect(next).toMatchObject({ token: admin.token, username: 'owner', role: 'owner', loggedIn: true });
  });

  it('staff is not owner', async () => {
    const admin = start();
    await admin.login('staff', 'staff-password');
    expect(admin.role).toBe('staff');
    expect(admin.isOwner).toBe(false);
  });

  it('reports a wrong password as 401 and the slow-down as 429 with the wait (Retry-After), keeping no token', async () => {
    const admin = start();
    for (let i = 0; i < 5; i++) await expect(admin.login('owner', 'nope')).rejects.toMatchObject({ status: 401 });
    const err = await admin.login('owner', 'owner-password').catch((e: unknown) => e);
    expect(isApiError(err) && err.status).toBe(429);
    expect(isApiError(err) && err.code).toBe('TOO_MANY_ATTEMPTS');
    expect(err).toMatchObject({ message: '操作太频繁，请 2 秒后再试', retryAfterSeconds: 2, apiMessage: 'Too many wrong passwords; try again in 2 s' });
    expect(admin.loggedIn).toBe(false);
    expect(fakeUni().toasts).toEqual([]);
  });

  it('on a 401 (expired session) forgets the session and goes back to the login page once, with a message', async () => {
    const admin = start();
    await admin.login('owner', 'owner-password');
    api.revokeTokens();

    const results = await Promise.allSettled([getDashboard(), listAdminOrders({}), listAdminOrders({ page: 2 })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(admin.loggedIn).toBe(false);
    expect(admin.role).toBeUndefined();
    expect(admin.notice).toBe(SESSION_EXPIRED_MESSAGE);
    expect(fakeUni().storage.has(STORAGE_KEYS.admin)).toBe(false);
    expect(relaunches).toEqual(['/pages/admin/login?expired=1']);

    // The login page showed; signing in again clears the message and the next expiry redirects again.
    admin.arrivedAtLogin();
    await admin.login('owner', 'owner-password');
    expect(admin.notice).toBeUndefined();
    api.revokeTokens();
    await expect(getDashboard()).rejects.toMatchObject({ status: 401 });
    expect(relaunches).toHaveLength(2);
  });

  it('ignores a late 401 for a token that was already replaced by a new login', async () => {
    const admin = start();
    await admin.login('owner', 'owner-password');
    const old = admin.token;
    // The answer to a call made with the old token arrives after the admin signed in again.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fakeUni().responder = async (req) => {
      if (req.header.Authorization === `Bearer ${old}` && req.url.includes('/dashboard')) {
        await gate;
        return { status: 401, data: { error: { code: 'UNAUTHORIZED', message: 'Invalid or expired token' } } };
      }
      return api.respond(req);
    };
    const late = getDashboard().catch((e: unknown) => e);
    await admin.login('owner', 'owner-password');
    release();
    expect(await late).toMatchObject({ status: 401 });
    expect(admin.loggedIn).toBe(true);
    expect(admin.token).not.toBe(old);
    expect(relaunches).toEqual([]);
  });

  it('without a session an admin call is refused locally and leads to the login page (no expiry message)', async () => {
    const admin = start();
    await expect(listAdminOrders({})).rejects.toMatchObject({ status: 401 });
    expect(fakeUni().requests).toEqual([]);
    expect(admin.notice).toBeUndefined();
    expect(relaunches).toEqual(['/pages/admin/login']);
  });

  it('logout ends the session at the API and here, then shows the login page', async () => {
    const admin = start();
    await admin.login('owner', 'owner-password');
    const token = admin.token;
    await admin.logout();
    const logout = fakeUni().requests.find((r) => r.url.endsWith('/api/admin/logout'))!;
    expect(logout.method).toBe('POST');
    expect(logout.header.Authorization).toBe(`Bearer ${token}`);
    expect(api.tokens.size).toBe(0);
    expect(admin.loggedIn).toBe(false);
    expect(fakeUni().storage.has(STORAGE_KEYS.admin)).toBe(false);
    expect(relaunches).toEqual(['/pages/admin/login']);
  });

  it('logout works offline too: the local session ends whatever the API answers', async () => {
    const admin = start();
    await admin.login('owner', 'owner-password');
    api.override(/logout/, 'network-error');
    await admin.logout();
    expect(admin.loggedIn).toBe(false);
    expect(relaunches).toEqual(['/pages/admin/login']);
  });

  it('checkSession takes the current role from GET /api/admin/me, once per run', async () => {
    const admin = start();
    await admin.login('staff', 'staff-password');
    api.accounts.get('staff')!.role = 'owner' as never;
    await admin.checkSession();
    await admin.checkSession();
    expect(admin.role).toBe('owner');
    expect(fakeUni().requests.filter((r) => r.url.endsWith('/api/admin/me'))).toHaveLength(1);
    expect(fakeUni().stored(STORAGE_KEYS.admin)).toMatchObject({ role: 'owner' });
  });

  it('after login goes back to the admin page the session ended on, never elsewhere', () => {
    expect(afterLoginPage(undefined)).toBe(ADMIN_HOME_PAGE);
    expect(afterLoginPage('/pages/admin/order?id=1')).toBe('/pages/admin/order?id=1');
    expect(afterLoginPage('/pages/admin/login?expired=1')).toBe(ADMIN_HOME_PAGE);
    expect(afterLoginPage('https://evil.example/')).toBe(ADMIN_HOME_PAGE);
    expect(afterLoginPage('/pages/index/index')).toBe(ADMIN_HOME_PAGE);
  });

  it('ignores a corrupt stored session', () => {
    fakeUni().storage.set(STORAGE_KEYS.admin, '{not json');
    expect(start().loggedIn).toBe(false);
    fakeUni().storage.set(STORAGE_KEYS.admin, JSON.stringify({ token: 't', role: 'king' }));
    const admin = start();
    expect(admin.token).toBe('t');
    expect(admin.role).toBeUndefined();
  });
});

describe('login failures, as the login page shows them', () => {
  it('says a wrong password in Chinese, and how long to wait after too many', async () => {
    const admin = start();
    const wrong = await admin.login('owner', 'nope').catch((e: unknown) => e);
    expect(loginFailureOf(wrong)).toEqual({ code: 'UNAUTHORIZED', message: '用户名或密码错误' });
    for (let i = 0; i < 5; i++) await admin.login('owner', 'nope').catch(() => undefined);
    const slowed = await admin.login('owner', 'owner-password').catch((e: unknown) => e);
    expect(loginFailureOf(slowed)).toEqual({ code: 'TOO_MANY_ATTEMPTS', message: '密码错误次数过多，请 2 秒后再试' });
    expect(loginFailureOf(new Error(''))).toMatchObject({ code: 'ERROR' });
  });

  it('says a disabled account is disabled (in Chinese, not the API’s words), and only to its right password', async () => {
    api.accounts.get('staff')!.disabled = true;
    const admin = start();
    const right = await admin.login('staff', 'staff-password').catch((e: unknown) => e);
    expect(right).toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
    expect(loginFailureOf(right)).toEqual({ code: 'ACCOUNT_DISABLED', message: '该账号已停用' });
    expect(admin.loggedIn).toBe(false);
    const wrong = await admin.login('staff', 'nope').catch((e: unknown) => e);
    expect(loginFailureOf(wrong)).toEqual({ code: 'UNAUTHORIZED', message: '用户名或密码错误' });
  });
});
