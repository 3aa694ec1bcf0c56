// The node:http transport under the client, against real loopback servers: keep-alive reuse, a server that
// drops a socket, timeouts mid-body, redirects, Content-Encoding, TLS verification, and the injected fetch.
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WechatPayApiError, WechatPayUnavailableError } from './errors';
import { createTestPlatformCertificate } from './testing';
import type { Transaction } from './types';

import { client, logs, merchant, platform, prepayBody, rejection, standIn, useStandIn } from './test-support/stand-in-client';
import { startStandIn } from './test-support/wechat-stand-in';

useStandIn();

const transaction: Transaction = {
  appid: 'wxd678efh567hg6787',
  mchid: merchant.mchid,
  out_trade_no: 'XD20260519091500A1',
  trade_state: 'NOTPAY',
  trade_state_desc: '订单未支付',
  amount: { total: 1, currency: 'CNY', payer_currency: 'CNY' },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server closes its idle keep-alive connections, and the client gets time to see the FIN. */
async function serverClosesIdleConnections(): Promise<void> {
  standIn.server.closeIdleConnections();
  await sleep(100);
}

/** Each test below counts the connections it opens itself, without the previous tests' sockets. */
async function freshConnections(): Promise<number> {
  await serverClosesIdleConnections();
  return standIn.connections;
}

describe('node:http transport: keep-alive', () => {
  it('sends consecutive calls over one connection', async () => {
    const before = await freshConnections();
    standIn.handle(() => ({ status: 200, body: transaction }));
    const api = client();
    await expect(api.queryByOutTradeNo('XD1')).resolves.toEqual(transaction);
    await expect(api.queryByOutTradeNo('XD2')).resolves.toEqual(transaction);
    // Another client of the same process shares the pool.
    await expect(client().queryByOutTradeNo('XD3')).resolves.toEqual(transaction);
    expect(standIn.requests).toHaveLength(3);
    expect(standIn.connections - before).toBe(1);
    expect(standIn.requests.every((request) => request.authorized && request.headers.connection === 'keep-alive')).toBe(true);
  });

  it('opens a new connection once the server has closed the idle one', async () => {
    const before = await freshConnections();
    standIn.handle(() => ({ status: 200, body: transaction }));
    await client().queryByOutTradeNo('XD1');
    await serverClosesIdleConnections();
    await expect(client().queryByOutTradeNo('XD2')).resolves.toEqual(transaction);
    expect(standIn.connections - before).toBe(2);
    // Neither call needed a second attempt: the closed socket was not reused.
    expect(logs.map((log) => log.obj.attempts)).toEqual([1, 1]);
  });

  it('retries a call whose reused socket the server resets, on a new connection', async () => {
    const before = await freshConnections();
    standIn.handle((_request, index) => (index === 1 ? 'reset' : { status: 200, body: { prepay_id: `wx${index}` } }));
    const api = client();
    await expect(api.jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx0' });
    await expect(api.jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx2' });
    expect(standIn.requests).toHaveLength(3);
    expect(standIn.requests[1]!.body).toBe(standIn.requests[2]!.body);
    expect(standIn.connections - before).toBe(2);
    expect(logs.map((log) => log.obj.attempts)).toEqual([1, 2]);
  });

  it('waits on a reused socket for an answer slower than the 4 s idle-socket timeout', async () => {
    const before = await freshConnections();
    standIn.handle(async (_request, index) => {
      if (index === 1) await sleep(4_300);
      return { status: 200, body: transaction };
    });
    const api = client({ timeoutMs: 8_000, retries: 0 });
    await api.queryByOutTradeNo('XD1');
    await expect(api.queryByOutTradeNo('XD2')).resolves.toEqual(transaction);
    expect(standIn.connections - before).toBe(1);
  }, 10_000);

  it('logs the socket error code of a reset when no attempt is left', async () => {
    standIn.handle(() => 'reset');
    const error = await rejection(client({ retries: 1 }).queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect(error).toMatchObject({ attempts: 2, lastStatus: undefined });
    expect(standIn.requests).toHaveLength(2);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'wechatpay unavailable', obj: expect.objectContaining({ errorCode: 'ECONNRESET', attempts: 2 }) }),
    ]);
  });
});

describe('node:http transport: what fetch did', () => {
  it('times out an answer that stops mid-body, as a timeout, and retries it', async () => {
    standIn.handle((_request, index) => (index === 0 ? { status: 200, body: transaction, cut: 'stall' } : { status: 200, body: transaction }));
    const started = Date.now();
    await expect(client({ timeoutMs: 300 }).queryByOutTradeNo('XD1')).resolves.toEqual(transaction);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(standIn.requests).toHaveLength(2);

    logs.length = 0;
    standIn.handle(() => ({ status: 200, body: transaction, cut: 'stall' }));
    const error = await rejection(client({ timeoutMs: 150, retries: 1 }).queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect(logs).toEqual([expect.objectContaining({ obj: expect.objectContaining({ error: 'TimeoutError', errorCode: undefined }) })]);
  });

  it('treats a connection closed mid-body as a network error, never as a complete answer', async () => {
    standIn.handle(() => ({ status: 200, body: transaction, cut: 'close' }));
    const error = await rejection(client({ retries: 1 }).queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect(standIn.requests).toHaveLength(2);
    expect(logs).toEqual([expect.objectContaining({ obj: expect.objectContaining({ errorCode: 'ECONNRESET' }) })]);
  });

  it('answers a redirect with an error and does not follow it', async () => {
    standIn.handle(() => ({ status: 302, headers: { Location: `${standIn.baseUrl}/elsewhere` }, sign: false }));
    const error = await rejection(client().queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ status: 302, code: 'HTTP_302' });
    expect(standIn.requests.map((request) => request.url)).toEqual([`/v3/pay/transactions/out-trade-no/XD1?mchid=${merchant.mchid}`]);
  });

  it('sends Content-Length in bytes, Accept, User-Agent and the Accept-Encoding fetch sent', async () => {
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx1' } }));
    await client({ userAgent: 'xiaodian-test/1' }).jsapiPrepay(prepayBody);
    const [request] = standIn.requests;
    expect(request!.authorized).toBe(true);
    expect(request!.headers).toMatchObject({
      'content-length': String(Buffer.byteLength(request!.body, 'utf8')),
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'xiaodian-test/1',
      'accept-encoding': 'gzip, deflate',
    });
    expect(Buffer.byteLength(request!.body, 'utf8')).toBeGreaterThan(request!.body.length); // the Chinese description
  });

  it.each(['gzip', 'deflate', 'br'] as const)('verifies and returns a %s-encoded answer over its decoded body', async (encoding) => {
    standIn.handle(() => ({ status: 200, body: transaction, encoding }));
    await expect(client().queryByOutTradeNo('XD1')).resolves.toEqual(transaction);
  });

  it('refuses an https server whose certificate no public CA vouches for', async () => {
    const identity = createTestPlatformCertificate();
    const server = createHttpsServer({ key: identity.privateKeyPem, cert: identity.certificatePem }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await rejection(client({ baseUrl: `https://127.0.0.1:${port}`, retries: 0 }).queryByOutTradeNo('XD1'));
      expect(error).toBeInstanceOf(WechatPayUnavailableError);
      expect(logs).toEqual([expect.objectContaining({ obj: expect.objectContaining({ errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) })]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('an injected fetch', () => {
  it('is used instead of node:http, with the same signing, verification and error code in the log', async () => {
    let calls = 0;
    const counted: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx-fetch' } }));
    await expect(client({ fetch: counted }).jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx-fetch' });
    expect(calls).toBe(1);
    expect(standIn.requests[0]!.authorized).toBe(true);

    const closed = await startStandIn({ merchant, platform });
    await closed.close();
    logs.length = 0;
    await expect(client({ fetch: counted, baseUrl: closed.baseUrl, retries: 0 }).queryByOutTradeNo('XD1')).rejects.toBeInstanceOf(WechatPayUnavailableError);
    expect(logs).toEqual([expect.objectContaining({ obj: expect.objectContaining({ errorCode: 'ECONNREFUSED' }) })]);
  });
});
