// One error family: every answer that is not a success has the JSON shape `{ error: { code, message } }` with a
// code from the closed list in @xiaodian/shared, and a 5xx never carries an internal message to the client.
import { ERROR_CODES, type ErrorCode } from '@xiaodian/shared';
import { WechatPayApiError, WechatPayUnavailableError } from '@xiaodian/wechatpay';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, toAppError } from '../src/errors';
import { startWorld, type World } from './harness';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${world.api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

async function errorOf(res: Response): Promise<{ status: number; code: ErrorCode; message: string; type: string | null }> {
  const body = (await res.json()) as { error: { code: ErrorCode; message: string } };
  return { status: res.status, code: body.error.code, message: body.error.message, type: res.headers.get('content-type') };
}

describe('errors, one family', () => {
  it('maps WeChat Pay, mongoose, duplicate-key and body-parser errors to AppErrors with closed codes', () => {
    const cases: [unknown, number, ErrorCode][] = [
      [new WechatPayUnavailableError({ attempts: 3 }), 503, 'WECHAT_UNAVAILABLE'],
      [new WechatPayApiError({ status: 400, code: 'PARAM_ERROR', message: 'bad' }), 502, 'WECHAT_REJECTED'],
      [Object.assign(new Error('dup'), { code: 11000 }), 409, 'CONFLICT'],
      [Object.assign(new Error('cast'), { name: 'CastError', path: '_id' }), 400, 'VALIDATION_FAILED'],
      [Object.assign(new Error('Unexpected token'), { status: 400, type: 'entity.parse.failed', body: '{"password":"x' }), 400, 'INVALID_BODY'],
      [Object.assign(new Error('Unsupported Content-Encoding: br2'), { status: 415, type: 'encoding.unsupported' }), 400, 'INVALID_BODY'],
      [Object.assign(new Error('too large'), { status: 413, type: 'entity.too.large' }), 413, 'PAYLOAD_TOO_LARGE'],
      [new Error('the database exploded'), 500, 'INTERNAL'],
    ];
    for (const [err, status, code] of cases) {
      const mapped = toAppError(err);
      expect([mapped.status, mapped.code]).toEqual([status, code]);
      expect(ERROR_CODES).toContain(mapped.code);
      expect(mapped.expose).toBe(status < 500);
    }
  });

  it('exposes the message of a 4xx only', () => {
    expect(new AppError('CONFLICT', { status: 409, message: 'x' }).expose).toBe(true);
    expect(new AppError('BILL_UNREADABLE', { status: 502, message: 'secret detail' }).expose).toBe(false);
  });

  it('answers malformed JSON, a bare string, null and a bad Content-Encoding with 400 INVALID_BODY, and never logs the body', async () => {
    const secret = 'correct-horse-battery-staple';
    const bodies: [string, Record<string, string>?][] = [
      [`{"username":"owner","password":"${secret}"`],
      ['"just a string"'],
      ['null'],
      ['{"a":1}', { 'content-encoding': 'gzip' }],
      ['{"a":1}', { 'content-encoding': 'br-nonsense' }],
    ];
    for (const [body, headers] of bodies) {
      const answer = await errorOf(await post('/api/admin/login', body, headers));
      expect([answer.status, answer.code]).toEqual([400, 'INVALID_BODY']);
      expect(answer.type).toMatch(/application\/json/);
    }
    // The notify URL too: 400 makes WeChat send it again, which is right for a body we cannot read.
    expect(await errorOf(await post('/api/pay/notify', '{"id":'))).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    // A real gzip body is fine (inflated, then parsed).
    const gz = await fetch(`${world.api.url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ username: 'owner', password: 'owner-password' })),
    });
    expect(gz.status).toBe(200);
    expect(world.logText()).not.toContain(secret);
  });

  it('answers an unknown method with JSON: 405 METHOD_NOT_ALLOWED with Allow, 501 NOT_IMPLEMENTED', async () => {
    const put = await fetch(`${world.api.url}/api/products`, { method: 'PUT' });
    expect(put.headers.get('allow')).toContain('GET');
    expect(await errorOf(put)).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', type: expect.stringMatching(/json/) });
    const odd = await fetch(`${world.api.url}/api/products`, { method: 'PROPFIND' });
    expect(await errorOf(odd)).toMatchObject({ status: 501, code: 'NOT_IMPLEMENTED', type: expect.stringMatching(/json/) });
  });

  it('hides the message of a 5xx: the client gets its code and the request id, the log gets the details', async () => {
    // The database going away mid-request is the plainest internal failure there is.
    const login = (await (await post('/api/admin/login', JSON.stringify({ username: 'owner', password: 'owner-password' }))).json()) as { token: string };
    // The last test of this file: the world's database stays closed (world.stop() copes).
    await world.db.close();
    {
      const res = await fetch(`${world.api.url}/api/admin/orders`, { headers: { authorization: `Bearer ${login.token}`, 'x-request-id': 'req-hidden-5xx' } });
      const answer = await errorOf(res);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(answer.message).toBe('Something went wrong; quote request id req-hidden-5xx');
      expect(world.logText()).toMatch(/"reqId":"req-hidden-5xx"[^\n]*"level":50|"level":50[^\n]*"reqId":"req-hidden-5xx"/);
    }
  });
});
