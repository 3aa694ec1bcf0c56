// The mini program side: code2Session, access tokens, shipping information — at WeChat's own paths.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openidFor } from '../src/index';
import { pluginClient, prepayBody, sandboxInTempDir, type TestSandbox, type PayClient } from './helpers';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await sandboxInTempDir();
});
afterAll(() => sandbox.cleanup());
beforeEach(() => sandbox.control.reset());

const get = async (path: string) => (await fetch(`${sandbox.url}${path}`)).json() as Promise<Record<string, unknown>>;
const post = async (path: string, body: unknown) =>
  (await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;

describe('code2Session', () => {
  const session = (code: string, overrides: Record<string, string> = {}) => {
    const params = new URLSearchParams({ appid: sandbox.identity.appid, secret: sandbox.identity.secret, js_code: code, grant_type: 'authorization_code', ...overrides });
    return get(`/sns/jscode2session?${params}`);
  };

  it('exchanges a one-time code for a stable openid and a session_key', async () => {
    const { code, openid } = await sandbox.control.loginCode('alice');
    expect(openid).toBe(openidFor(sandbox.identity.appid, 'alice'));
    expect(openid).toHaveLength(28);
    const answer = await session(code);
    expect(answer).toEqual({ openid, session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
    expect(answer.errcode).toBeUndefined();
    expect((await session(code)).errcode).toBe(40163);
    const again = await sandbox.control.loginCode('alice');
    expect(again.code).not.toBe(code);
    expect(again.openid).toBe(openid);
    expect((await sandbox.control.loginCode('bob')).openid).not.toBe(openid);
  });

  it('answers WeChat’s errcodes', async () => {
    const { code } = await sandbox.control.loginCode('alice');
    expect((await session('0nonexistentcode')).errcode).toBe(40029);
    expect((await session(code, { appid: 'wx0000000000000000' })).errcode).toBe(40013);
    expect((await session(code, { secret: 'wrong' })).errcode).toBe(40125);
    expect(String((await session('x')).errmsg)).toMatch(/invalid code/);
    expect((await session(code)).openid).toBeDefined(); // none of the failures consumed it
  });

  it('expires codes after 5 minutes', async () => {
    const { code } = await sandbox.control.loginCode('carol');
    await sandbox.control.advanceClock(5 * 60_000 + 1);
    expect((await session(code)).errcode).toBe(40029);
  });

  it('limits a user to 100 calls a minute (45011)', async () => {
    const codes = await Promise.all(Array.from({ length: 101 }, () => sandbox.control.loginCode('dave')));
    const answers = [];
    for (const { code } of codes) answers.push(await session(code));
    expect(answers.slice(0, 100).every((a) => a.openid)).toBe(true);
    expect(answers[100]!.errcode).toBe(45011);
    expect((await session((await sandbox.control.loginCode('erin')).code)).openid).toBeDefined(); // per user
    await sandbox.control.advanceClock(61_000);
    expect((await session((await sandbox.control.loginCode('dave')).code)).openid).toBeDefined();
  });
});

describe('access tokens', () => {
  const credentials = () => ({ grant_type: 'client_credential', appid: sandbox.identity.appid, secret: sandbox.identity.secret });

  it('stable_token returns the same token until forced; a forced refresh keeps the old one 5 minutes', async () => {
    const first = await post('/cgi-bin/stable_token', credentials());
    expect(first).toMatchObject({ access_token: expect.any(String), expires_in: 7200 });
    const second = await post('/cgi-bin/stable_token', credentials());
    expect(second.access_token).toBe(first.access_token);
    const forced = await post('/cgi-bin/stable_token', { ...credentials(), force_refresh: true });
    expect(forced.access_token).not.toBe(first.access_token);
    const managed = (token: unknown) => post(`/wxa/sec/order/is_trade_managed?access_token=${String(token)}`, { appid: sandbox.identity.appid });
    expect(await managed(first.access_token)).toMatchObject({ errcode: 0, is_trade_managed: true });
    await sandbox.control.advanceClock(5 * 60_000 + 1000);
    expect((await managed(first.access_token)).errcode).toBe(42001);
    expect((await managed(forced.access_token)).errcode).toBe(0);
    await sandbox.control.advanceClock(7200_000);
    expect((await managed(forced.access_token)).errcode).toBe(42001);
    expect((await post('/cgi-bin/stable_token', { ...credentials(), secret: 'nope' })).errcode).toBe(40125);
    expect((await post('/cgi-bin/stable_token', { ...credentials(), appid: 'wx0' })).errcode).toBe(40013);
  });

  it('/cgi-bin/token issues a token per call; tokens are checked', async () => {
    const params = new URLSearchParams(credentials());
    const token = await get(`/cgi-bin/token?${params}`);
    expect(token).toMatchObject({ expires_in: 7200 });
    const managed = (t: string) => post(`/wxa/sec/order/is_trade_managed?access_token=${t}`, { appid: sandbox.identity.appid });
    expect((await managed(String(token.access_token))).errcode).toBe(0);
    expect((await managed('made-up')).errcode).toBe(40001);
    expect((await post('/wxa/sec/order/is_trade_managed', { appid: sandbox.identity.appid })).errcode).toBe(41001);
    await sandbox.control.settings({ trade_managed: false });
    expect((await managed(String(token.access_token))).is_trade_managed).toBe(false);
    await sandbox.control.settings({ trade_managed: true });
  });
});

describe('shipping information', () => {
  it('accepts a paid trade’s shipment once plus one correction; refuses unknown or unpaid trades', async () => {
    const wxpay: PayClient = pluginClient(sandbox);
    const body = await prepayBody(sandbox);
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const { access_token } = await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: sandbox.identity.appid, secret: sandbox.identity.secret });
    const upload = (overrides: Record<string, unknown> = {}) =>
      post(`/wxa/sec/order/upload_shipping_info?access_token=${String(access_token)}`, {
        order_key: { order_number_type: 1, mchid: sandbox.identity.mchid, out_trade_no: body.out_trade_no },
        logistics_type: 1,
        delivery_mode: 1,
        shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '小店-测试商品' }],
        upload_time: new Date().toISOString(),
        payer: { openid: body.payer.openid },
        ...overrides,
      });
    expect((await upload()).errcode).toBe(10060004); // not paid yet
    const paid = await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: false });
    expect((await upload({ logistics_type: 9 })).errcode).toBe(10060005);
    expect((await upload({ shipping_list: [] })).errcode).toBe(10060014);
    expect((await upload({ payer: { openid: 'someone-else' } })).errcode).toBe(10060014);
    expect(await upload()).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await upload({ order_key: { order_number_type: 2, transaction_id: paid.transaction_id } })).errcode).toBe(0);
    expect((await upload()).errcode).toBe(10060003);
    expect((await upload({ order_key: { order_number_type: 1, mchid: sandbox.identity.mchid, out_trade_no: 'UNKNOWN_TRADE' } })).errcode).toBe(10060001);
    expect((await post('/wxa/sec/order/upload_shipping_info?access_token=bad', {})).errcode).toBe(40001);
    expect((await sandbox.control.trade(body.out_trade_no)).shipping).toMatchObject({ uploads: 2 });
  });
});

describe('open API faults', () => {
  it('answers 5xx for the open-API endpoints a fault names, as often as it says, and only those', async () => {
    await sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['upload_shipping_info', 'stable_token'], count: 2, status: 502 });
    const credentials = { grant_type: 'client_credential', appid: sandbox.identity.appid, secret: sandbox.identity.secret };
    const raw = (path: string, body: unknown) =>
      fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await raw('/cgi-bin/stable_token', credentials)).status).toBe(502);
    expect((await raw('/wxa/sec/order/upload_shipping_info?access_token=x', {})).status).toBe(502);
    // The budget of two is spent; unnamed endpoints were never affected.
    const token = await raw('/cgi-bin/stable_token', credentials);
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    expect((await raw(`/wxa/sec/order/is_trade_managed?access_token=${access_token}`, { appid: sandbox.identity.appid })).status).toBe(200);
    // Pay v3 endpoints are the default targets; open-API ones must be named.
    await sandbox.control.setFault({ kind: 'http_5xx' });
    expect((await raw(`/wxa/sec/order/is_trade_managed?access_token=${access_token}`, { appid: sandbox.identity.appid })).status).toBe(200);
  });
});
