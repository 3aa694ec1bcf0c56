// Subscribe messages: one-time quotas per (openid, template) granted by the control API, used up by
// /cgi-bin/message/subscribe/send, 43101 without one, the token and the data checked, what was received listed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SUBSCRIBE_TEMPLATES } from '../src/index';
import { sandboxInTempDir, type TestSandbox } from './helpers';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await sandboxInTempDir();
});
afterAll(() => sandbox.cleanup());
beforeEach(() => sandbox.control.reset());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const token = async () =>
  (await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: sandbox.identity.appid, secret: sandbox.identity.secret })).body.access_token as string;

const PAID = SUBSCRIBE_TEMPLATES.find((t) => t.variable === 'WECHAT_TEMPLATE_PAID')!;
const paidData = {
  character_string1: { value: '2611300042' },
  amount2: { value: '¥12.30' },
  thing3: { value: '手冲壶 600ml 等 2 件' },
  time4: { value: '2026-11-30 20:22' },
};
const send = async (accessToken: string, body: Record<string, unknown>) => (await post(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`, body)).body;

describe('subscribe messages', () => {
  it('writes the five development template ids into api.env', () => {
    const env = readFileSync(sandbox.identity.paths.apiEnv, 'utf8');
    for (const t of SUBSCRIBE_TEMPLATES) {
      expect(env).toContain(`${t.variable}=${t.id}\n`);
      expect(sandbox.apiEnv[t.variable]).toBe(t.id);
    }
  });

  it('sends one message per granted quota, then answers 43101; the message is listed', async () => {
    const openid = await sandbox.control.openid('alice');
    const accessToken = await token();
    const message = { touser: openid, template_id: PAID.id, page: 'pages/orders/detail?id=abc', data: paidData };
    expect((await send(accessToken, message)).errcode).toBe(43101);

    const granted = await sandbox.control.subscribe(openid, [PAID.id]);
    expect(granted.quotas[PAID.id]).toBe(1);
    const ok = await send(accessToken, message);
    expect(ok).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect(typeof ok.msgid).toBe('number');
    expect((await send(accessToken, message)).errcode).toBe(43101);

    const received = await sandbox.control.messages(openid);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ touser: openid, template_id: PAID.id, title: PAID.title, page: 'pages/orders/detail?id=abc', data: paidData });
    expect(await sandbox.control.messages(await sandbox.control.openid('bob'))).toEqual([]);
    // The dashboard shows it.
    const html = await (await fetch(`${sandbox.url}/__sandbox/?partial=1`)).text();
    expect(html).toContain('Subscribe messages');
    expect(html).toContain('手冲壶 600ml 等 2 件');
  });

  it('checks the token, the template and the data before using a quota up', async () => {
    const openid = await sandbox.control.openid('alice');
    await sandbox.control.subscribe(openid, [PAID.id]);
    const message = { touser: openid, template_id: PAID.id, data: paidData };
    expect((await send('not-a-token', message)).errcode).toBe(40001);
    const accessToken = await token();
    expect((await send(accessToken, { ...message, template_id: 'nope' })).errcode).toBe(40037);
    expect((await send(accessToken, { ...message, data: { ...paidData, thing3: { value: '一'.repeat(21) } } })).errcode).toBe(47003);
    expect((await send(accessToken, { ...message, data: { ...paidData, amount2: { value: '12.3元x' } } })).errcode).toBe(47003);
    expect((await send(accessToken, { ...message, page: '/pages/x' })).errcode).toBe(41030);
    expect((await send(accessToken, message)).errcode).toBe(0);
    await expect(sandbox.control.subscribe(openid, ['unknown'])).rejects.toThrow(/unknown template/);
    // A test user's name stands for their openid.
    expect((await post('/__sandbox/subscribe', { user: 'alice', templateIds: [PAID.id] })).body).toMatchObject({ openid, quotas: { [PAID.id]: 1 } });
  });

  it('fails once on request: a 5xx, or a token refused, for the subscribe_send endpoint', async () => {
    const openid = await sandbox.control.openid('alice');
    // Each grant adds one (a template named twice in one request counts once, as in one tap of "allow").
    expect((await sandbox.control.subscribe(openid, [PAID.id, PAID.id])).quotas[PAID.id]).toBe(1);
    expect((await sandbox.control.subscribe(openid, [PAID.id])).quotas[PAID.id]).toBe(2);
    const accessToken = await token();
    const message = { touser: openid, template_id: PAID.id, data: paidData };
    await sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['subscribe_send'], count: 1, status: 503 });
    const failed = await fetch(`${sandbox.url}/cgi-bin/message/subscribe/send?access_token=${accessToken}`, { method: 'POST', body: JSON.stringify(message) });
    expect(failed.status).toBe(503);
    await sandbox.control.setFault({ kind: 'token_invalid', endpoints: ['subscribe_send'], count: 1 });
    expect((await send(accessToken, message)).errcode).toBe(40001);
    // Neither used the quota up.
    expect((await send(accessToken, message)).errcode).toBe(0);
    expect((await send(accessToken, message)).errcode).toBe(0);
    expect((await send(accessToken, message)).errcode).toBe(43101);
  });
});
