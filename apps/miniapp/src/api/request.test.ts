import { describe, expect, it } from 'vitest';
import { ApiError, buildUrl, createClient, NETWORK_MESSAGE, type TransportRequest, type TransportResponse } from './request';

/** A transport answering from a function, recording each request. */
function transport(answer: (req: TransportRequest, n: number) => TransportResponse | Error) {
  const sent: TransportRequest[] = [];
  const fn = async (req: TransportRequest) => {
    sent.push(req);
    const a = answer(req, sent.length);
    if (a instanceof Error) throw a;
    return a;
  };
  return { fn, sent };
}

/** A session whose logins hand out token-1, token-2, … */
function session(initial?: string) {
  const state = { token: initial, logins: 0 };
  return {
    state,
    hooks: {
      token: () => state.token,
      login: async () => {
        state.logins++;
        await new Promise((r) => setTimeout(r, 5));
        state.token = `token-${state.logins}`;
      },
    },
  };
}

function client(t: ReturnType<typeof transport>, s?: ReturnType<typeof session>) {
  const toasts: string[] = [];
  const c = createClient({ baseUrl: 'http://api.test/', transport: t.fn, toast: (m) => toasts.push(m), session: s?.hooks });
  return { c, toasts };
}

describe('request wrapper', () => {
  it('sends the bearer token and JSON, and returns the body of a 2xx', async () => {
    const t = transport(() => ({ status: 200, data: { items: [1] } }));
    const s = session('tok');
    const { c } = client(t, s);
    await expect(c.post('/api/orders', { a: 1 })).resolves.toEqual({ items: [1] });
    expect(t.sent[0]).toMatchObject({
      url: 'http://api.test/api/orders',
      method: 'POST',
      data: { a: 1 },
      headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
    });
    expect(s.state.logins).toBe(0);
  });

  it('logs in before the first authenticated call when there is no token', async () => {
    const t = transport(() => ({ status: 200, data: {} }));
    const s = session();
    const { c } = client(t, s);
    await c.get('/api/orders');
    expect(s.state.logins).toBe(1);
    expect(t.sent[0]!.headers.Authorization).toBe('Bearer token-1');
  });

  it('on a 401 logs in again transparently and retries once with the new token', async () => {
    const t = transport((req) =>
      req.headers.Authorization === 'Bearer token-1' ? { status: 200, data: { ok: true } } : { status: 401, data: {} },
    );
    const s = session('expired');
    const { c, toasts } = client(t, s);
    await expect(c.get('/api/orders')).resolves.toEqual({ ok: true });
    expect(s.state.logins).toBe(1);
    expect(t.sent.map((r) => r.headers.Authorization)).toEqual(['Bearer expired', 'Bearer token-1']);
    expect(toasts).toEqual([]);
  });

  it('gives up after one re-login: a second 401 is an error, not a loop', async () => {
    const t = transport(() => ({ status: 401, data: { error: { code: 'UNAUTHORIZED', message: '请重新登录' } } }));
    const s = session('expired');
    const { c, toasts } = client(t, s);
    const err = await c.get('/api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED', kind: 'http' });
    expect(s.state.logins).toBe(1);
    expect(t.sent).toHaveLength(2);
    expect(toasts).toEqual(['请先登录']);
  });

  it('shares one login among requests that are answered 401 together', async () => {
    const t = transport((req) =>
      req.headers.Authorization === 'Bearer token-1' ? { status: 200, data: req.url } : { status: 401, data: {} },
    );
    const s = session('expired');
    const { c } = client(t, s);
    const results = await Promise.all([c.get('/a'), c.get('/b'), c.get('/c')]);
    expect(results).toEqual(['http://api.test/a', 'http://api.test/b', 'http://api.test/c']);
    expect(s.state.logins).toBe(1);
  });

  it('waits for a login already under way instead of sending the old token', async () => {
    const t = transport(() => ({ status: 200, data: {} }));
    const state = { token: 'old' as string | undefined };
    let finish!: () => void;
    const pending = new Promise<void>((resolve) => (finish = resolve)).then(() => {
      state.token = 'new';
    });
    const c = createClient({
      baseUrl: '',
      transport: t.fn,
      toast: () => undefined,
      session: { token: () => state.token, login: async () => undefined, pending: () => pending },
    });
    const call = c.get('/api/orders');
    await new Promise((r) => setTimeout(r, 10));
    expect(t.sent).toHaveLength(0);
    finish();
    await call;
    expect(t.sent[0]!.headers.Authorization).toBe('Bearer new');
  });

  it("sends no token with auth 'none' and does not log in on its 401", async () => {
    const t = transport(() => ({ status: 401, data: { error: { code: 'WX_LOGIN_FAILED', message: 'bad code' } } }));
    const s = session('tok');
    const { c } = client(t, s);
    await expect(c.post('/api/auth/login', { code: 'x' }, { auth: 'none' })).rejects.toMatchObject({
      code: 'WX_LOGIN_FAILED',
    });
    expect(t.sent[0]!.headers.Authorization).toBeUndefined();
    expect(s.state.logins).toBe(0);
  });

  it('uses a given bearer token (admin) and never the shopper login for it', async () => {
    const t = transport(() => ({ status: 401, data: {} }));
    const s = session('shopper');
    const { c } = client(t, s);
    await expect(c.get('/api/admin/orders', { auth: { bearer: 'admin-tok' } })).rejects.toMatchObject({ status: 401 });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]!.headers.Authorization).toBe('Bearer admin-tok');
    expect(s.state.logins).toBe(0);
  });

  it("turns the API's error body into ApiError and toasts the code's Chinese text (unless asked not to)", async () => {
    const t = transport(() => ({ status: 409, data: { error: { code: 'OUT_OF_STOCK', message: 'Only 2 of “tea” left' } } }));
    const { c, toasts } = client(t, session('tok'));
    await expect(c.post('/api/orders', {})).rejects.toMatchObject({
      status: 409,
      code: 'OUT_OF_STOCK',
      message: '库存不足，请减少数量或稍后再试',
      apiMessage: 'Only 2 of “tea” left',
    });
    await expect(c.post('/api/orders', {}, { toast: false })).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(toasts).toEqual(['库存不足，请减少数量或稍后再试']);
  });

  it('renders the order refusals from their codes, never the English message', async () => {
    const answers = [
      { status: 409, data: { error: { code: 'TOO_MANY_PENDING_ORDERS', message: 'You already have 5 unpaid orders; pay or cancel one first' } } },
      { status: 409, data: { error: { code: 'LIMIT_PER_ORDER_EXCEEDED', message: 'At most 2 of “tea” per order' } } },
      { status: 429, data: { error: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many orders in a short time; try again in 90 s' } }, headers: { 'retry-after': '90' } },
      { status: 429, data: { error: { code: 'TOO_MANY_ATTEMPTS', message: 'Too many orders in a short time; try again in 7 s' } } },
    ];
    const t = transport(() => answers.shift()!);
    const { c, toasts } = client(t, session('tok'));
    for (let i = 0; i < 4; i++) await c.post('/api/orders', {}).catch(() => undefined);
    expect(toasts).toEqual(['您有太多待付款订单，请先支付或取消', '超过了商品的每单限购数量，请减少购买数量', '操作太频繁，请 2 分钟后再试', '操作太频繁，请 7 秒后再试']);
  });

  it('keeps the message of an answer whose code is not the API’s only when it is Chinese', async () => {
    const answers = [
      { status: 418, data: { error: { code: 'TEAPOT', message: '茶壶' } } },
      { status: 404, data: { error: { code: 'ORDER_GONE', message: 'Order not found' } } },
    ];
    const t = transport(() => answers.shift()!);
    const { c } = client(t, session('tok'));
    await expect(c.get('/x', { toast: false })).rejects.toMatchObject({ code: 'TEAPOT', message: '茶壶' });
    await expect(c.get('/x', { toast: false })).rejects.toMatchObject({ code: 'ORDER_GONE', message: '请求失败（404），请稍后重试' });
  });

  it('renders OUT_OF_STOCK from its details, never the API’s English', async () => {
    const body = { error: { code: 'OUT_OF_STOCK', message: 'Only 0 of "手冲壶 600ml" left', details: { name: '手冲壶 600ml', available: 0 } } };
    const t = transport(() => ({ status: 409, data: body }));
    const { c, toasts } = client(t, session('tok'));
    await expect(c.post('/api/orders', {})).rejects.toMatchObject({ code: 'OUT_OF_STOCK', details: { name: '手冲壶 600ml', available: 0 } });
    expect(toasts).toEqual(['「手冲壶 600ml」已售罄，请从购物车移除后再下单']);
  });

  it('reports a missing answer as a network error', async () => {
    const t = transport(() => new Error('request:fail timeout'));
    const { c, toasts } = client(t, session('tok'));
    const err = (await c.get('/api/orders/1').catch((e: unknown) => e)) as ApiError;
    expect(err.isNetwork).toBe(true);
    expect(err.status).toBe(0);
    expect(err.code).toBe('NETWORK_ERROR');
    expect(toasts).toEqual([NETWORK_MESSAGE]);
  });

  it('gives a readable message for a 5xx without an error body', async () => {
    const t = transport(() => ({ status: 502, data: '<html>Bad Gateway</html>' }));
    const { c } = client(t, session('tok'));
    await expect(c.get('/x')).rejects.toMatchObject({ code: 'HTTP_502', message: '服务暂时不可用，请稍后重试' });
  });

  it('reports a failed login (WeChat refused) as a login error', async () => {
    const t = transport(() => ({ status: 200, data: {} }));
    const toasts: string[] = [];
    const c = createClient({
      baseUrl: '',
      transport: t.fn,
      toast: (m) => toasts.push(m),
      session: { token: () => undefined, login: () => Promise.reject(new Error('login:fail auth deny')) },
    });
    await expect(c.get('/api/orders')).rejects.toMatchObject({ kind: 'login', code: 'LOGIN_FAILED' });
    expect(t.sent).toHaveLength(0);
    expect(toasts).toEqual(['登录失败，请重试']);
  });

  it('builds URLs: base without double slashes, absolute paths kept, query encoded, undefined dropped', () => {
    expect(buildUrl('http://h/', '/api/x')).toBe('http://h/api/x');
    expect(buildUrl('', '/api/x')).toBe('/api/x');
    expect(buildUrl('http://h', 'http://sandbox/__sandbox/login-code')).toBe('http://sandbox/__sandbox/login-code');
    expect(buildUrl('http://h', '/api/orders/1', { sync: 1, q: 'a b&c', skip: undefined })).toBe(
      'http://h/api/orders/1?sync=1&q=a%20b%26c',
    );
  });
});
