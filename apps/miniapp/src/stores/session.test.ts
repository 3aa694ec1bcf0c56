import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { FakeApi, PRODUCTS } from '../../test/fake-api';
import { fakeUni } from '../../test/fake-uni';
import { listOrders } from '@/api/orders';
import { STORAGE_KEYS } from '@/utils/storage';
import { connectHttpSession, useSessionStore } from './session';

let api: FakeApi;

/** A fresh app start: new pinia, the session connected to the request wrapper as main.ts does. */
function start() {
  setActivePinia(createPinia());
  const session = useSessionStore();
  connectHttpSession(session);
  return session;
}

beforeEach(() => {
  api = new FakeApi(PRODUCTS);
  fakeUni().responder = api.respond;
});

describe('session store', () => {
  it('logs in with wx.login (provider weixin) and POST /api/auth/login, and keeps the token', async () => {
    const session = start();
    await session.ensureLogin();

    expect(fakeUni().logins).toEqual([{ provider: 'weixin' }]);
    const login = fakeUni().requests.find((r) => r.url.endsWith('/api/auth/login'))!;
    expect(login).toMatchObject({ method: 'POST', data: { code: 'wx-code-1' } });
    expect(login.url).toBe('http://127.0.0.1:3000/api/auth/login');
    expect(login.header.Authorization).toBeUndefined();
    expect(session.token).toBe('token-1');
    expect(session.user).toEqual({ id: 'user-1', openid: 'openid-alice' });
    expect(fakeUni().stored(STORAGE_KEYS.session)).toEqual({ token: 'token-1', user: session.user });
  });

  it('restores the persisted token at the next launch without logging in again', async () => {
    await start().ensureLogin();
    const next = start();
    expect(next.token).toBe('token-1');
    await next.ensureLogin();
    await listOrders({}, false);
    expect(fakeUni().logins).toHaveLength(1);
  });

  it('logs in once when launch and the first page ask together', async () => {
    const session = start();
    await Promise.all([session.ensureLogin(), listOrders({}, false), listOrders({}, false)]);
    expect(fakeUni().logins).toHaveLength(1);
    expect(api.usedCodes.size).toBe(1);
  });

  it('re-logs in transparently when the API later answers 401', async () => {
    const session = start();
    await session.ensureLogin();
    api.revokeTokens();

    await expect(listOrders({}, false)).resolves.toEqual({ items: [], total: 0 });
    expect(fakeUni().logins).toHaveLength(2);
    expect(session.token).toBe('token-2');
    expect(fakeUni().stored(STORAGE_KEYS.session)).toMatchObject({ token: 'token-2' });
    expect(fakeUni().toasts).toEqual([]);
  });

  it('reports a code WeChat rejects, keeps no token, and succeeds on the next try', async () => {
    const session = start();
    api.rejectedCodes.add('wx-code-1');
    await expect(session.login()).rejects.toMatchObject({ code: 'WX_LOGIN_FAILED', status: 401 });
    expect(session.token).toBeUndefined();
    expect(session.error).toBeTruthy();
    await session.login();
    expect(session.token).toBe('token-1');
    expect(session.error).toBeUndefined();
  });

  it('logout forgets the token everywhere', async () => {
    const session = start();
    await session.ensureLogin();
    session.logout();
    expect(session.token).toBeUndefined();
    expect(fakeUni().storage.has(STORAGE_KEYS.session)).toBe(false);
  });
});
