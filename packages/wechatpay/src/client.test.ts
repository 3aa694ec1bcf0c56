import { beforeAll, describe, expect, it } from 'vitest';
import { encryptAeadAes256Gcm, nonce } from './crypto';
import {
  WechatPayApiError,
  WechatPayBillHashMismatchError,
  WechatPayForgedResponseError,
  WechatPayInvalidResponseError,
  WechatPayUnavailableError,
} from './errors';
import { KeyRing } from './key-ring';
import { PlatformCertificateRefresher } from './refresher';
import { createTestMerchant, createTestPlatform, createTestPlatformCertificate, type TestPlatformCertificate } from './testing';
import { formatTradeBill, parseTradeBill, sha1Hex } from './trade-bill';
import type { Refund, Transaction } from './types';
import { startStandIn, type Reply } from './test-support/wechat-stand-in';
import { readFileSync } from 'node:fs';

import { client, logs, merchant, platform, prepayBody, rejection, standIn, useStandIn } from './test-support/stand-in-client';

useStandIn();

const transaction: Transaction = {
  appid: 'wxd678efh567hg6787',
  mchid: merchant.mchid,
  out_trade_no: 'XD|2026*05_19-A1',
  trade_state: 'NOTPAY',
  trade_state_desc: '订单未支付',
  amount: { total: 1, currency: 'CNY', payer_currency: 'CNY' },
};

describe('WechatPayClient: signed requests, verified answers', () => {
  it('prepays with a signed body and returns the verified prepay_id', async () => {
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx201410272009395522657a690389285100' } }));
    await expect(client().jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx201410272009395522657a690389285100' });
    const [request] = standIn.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v3/pay/transactions/jsapi', authorized: true });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBeTruthy();
    expect(JSON.parse(request!.body)).toEqual({ ...prepayBody, mchid: merchant.mchid });
  });

  it('logs each call once with method, path, status, Request-ID and ms, and no secrets', async () => {
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx1' } }));
    await client().jsapiPrepay(prepayBody);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'info',
      obj: { method: 'POST', path: '/v3/pay/transactions/jsapi', status: 200, requestId: expect.stringMatching(/^standin-/), ms: expect.any(Number) },
    });
    const logged = JSON.stringify(logs);
    for (const secret of [merchant.apiV3Key, merchant.privateKeyPem.split('\n')[1]!, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'Authorization']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('queries by out_trade_no and transaction_id, signing the encoded path with its query', async () => {
    standIn.handle(() => ({ status: 200, body: transaction }));
    await expect(client().queryByOutTradeNo('XD|2026*05_19-A1')).resolves.toEqual(transaction);
    await expect(client().queryByTransactionId('4200002718202605190712345678')).resolves.toEqual(transaction);
    expect(standIn.requests.map((request) => [request.method, request.url, request.body, request.authorized])).toEqual([
      ['GET', `/v3/pay/transactions/out-trade-no/XD%7C2026*05_19-A1?mchid=${merchant.mchid}`, '', true],
      ['GET', `/v3/pay/transactions/id/4200002718202605190712345678?mchid=${merchant.mchid}`, '', true],
    ]);
  });

  it('closes (204, signed empty body)', async () => {
    standIn.handle(() => ({ status: 204 }));
    await expect(client().close('XD20260519091500A1')).resolves.toBeUndefined();
    expect(standIn.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v3/pay/transactions/out-trade-no/XD20260519091500A1/close',
      body: JSON.stringify({ mchid: merchant.mchid }),
      authorized: true,
    });
  });

  it('refunds and queries a refund', async () => {
    const refund: Refund = {
      refund_id: '50300908092026051912345678901',
      out_refund_no: 'RF1',
      transaction_id: '4200002718202605191002446601',
      out_trade_no: 'XD20260519100200B7',
      channel: 'ORIGINAL',
      user_received_account: '招商银行信用卡0403',
      create_time: '2026-05-19T16:40:31+08:00',
      status: 'PROCESSING',
      amount: {
        total: 123450,
        refund: 3000,
        payer_total: 123450,
        payer_refund: 3000,
        settlement_refund: 3000,
        settlement_total: 123450,
        discount_refund: 0,
        currency: 'CNY',
      },
    };
    standIn.handle(() => ({ status: 200, body: refund }));
    const body = { out_trade_no: 'XD20260519100200B7', out_refund_no: 'RF1', amount: { refund: 3000, total: 123450, currency: 'CNY' as const } };
    await expect(client().refund(body)).resolves.toEqual(refund);
    await expect(client().queryRefund('RF1')).resolves.toEqual(refund);
    expect(standIn.requests.map((request) => [request.method, request.url, request.authorized])).toEqual([
      ['POST', '/v3/refund/domestic/refunds', true],
      ['GET', '/v3/refund/domestic/refunds/RF1', true],
    ]);
    expect(JSON.parse(standIn.requests[0]!.body)).toEqual(body);
  });

  it('works under a base URL with a path prefix (signing the path the server sees)', async () => {
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx2' } }));
    await client({ baseUrl: `${standIn.baseUrl}/wxpay/` }).jsapiPrepay(prepayBody);
    expect(standIn.requests[0]).toMatchObject({ url: '/wxpay/v3/pay/transactions/jsapi', authorized: true });
  });
});

describe('WechatPayClient: errors and retries', () => {
  it.each([
    [404, 'ORDER_NOT_EXIST', '订单不存在', undefined],
    [403, 'ORDERPAID', '该订单已支付', undefined],
    [400, 'PARAM_ERROR', 'appid和openid不匹配', { field: 'payer.openid', location: 'body' }],
  ])('maps %i %s to WechatPayApiError without retrying', async (status, code, message, detail) => {
    standIn.handle(() => ({ status, body: { code, message, ...(detail ? { detail } : {}) }, sign: false }));
    const error = await rejection(client().queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ status, code, message, detail, requestId: expect.stringMatching(/^standin-/) });
    expect(standIn.requests).toHaveLength(1);
  });

  it('maps a 4xx that is not JSON to HTTP_<status>', async () => {
    standIn.handle(() => ({ status: 429, body: 'slow down', sign: false }));
    await expect(client().queryByOutTradeNo('XD1')).rejects.toMatchObject({ status: 429, code: 'HTTP_429' });
  });

  it('retries a 5xx with the very same body and a fresh signature', async () => {
    standIn.handle((_request, index) =>
      index < 2 ? { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } } : { status: 200, body: { prepay_id: 'wx3' } },
    );
    await expect(client().jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx3' });
    expect(standIn.requests).toHaveLength(3);
    expect(new Set(standIn.requests.map((request) => request.body)).size).toBe(1);
    expect(new Set(standIn.requests.map((request) => request.nonce)).size).toBe(3);
    expect(standIn.requests.every((request) => request.authorized)).toBe(true);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.obj).toMatchObject({ status: 200, attempts: 3 });
  });

  it('gives up after `retries` with WechatPayUnavailableError', async () => {
    standIn.handle(() => ({ status: 503, body: { code: 'SYSTEM_ERROR', message: '系统繁忙' } }));
    const error = await rejection(client({ retries: 3 }).jsapiPrepay(prepayBody));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect(error).toMatchObject({ attempts: 4, lastStatus: 503 });
    expect(standIn.requests).toHaveLength(4);
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', msg: 'wechatpay unavailable' })]);
  });

  it('retries a timeout', async () => {
    standIn.handle((_request, index) => (index === 0 ? 'hang' : { status: 200, body: transaction }));
    const started = Date.now();
    await expect(client({ timeoutMs: 300 }).queryByOutTradeNo('XD1')).resolves.toEqual(transaction);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(standIn.requests).toHaveLength(2);
  });

  it('reports a server that never answers as unavailable', async () => {
    standIn.handle(() => 'hang');
    const error = await rejection(client({ timeoutMs: 150, retries: 1 }).queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect(error).toMatchObject({ attempts: 2, lastStatus: undefined });
    expect(standIn.requests).toHaveLength(2);
  });

  it('retries a refused connection', async () => {
    const closed = await startStandIn({ merchant, platform });
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await rejection(client({ baseUrl, retries: 2 }).queryByOutTradeNo('XD1'));
    expect(error).toBeInstanceOf(WechatPayUnavailableError);
    expect(error).toMatchObject({ attempts: 3 });
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ errorCode: 'ECONNREFUSED' }) })]);
  });
});

describe('WechatPayClient: forged answers are refused, not retried', () => {
  const stranger = createTestPlatform();
  it.each<[string, () => Reply, string]>([
    ['an unsigned 2xx', () => ({ status: 200, body: { prepay_id: 'wx-forged' }, sign: false }), 'UNSIGNED'],
    ['a 2xx signed by another key under our serial', () => ({ status: 200, body: { prepay_id: 'wx-forged' }, sign: { privateKey: stranger.privateKey } }), 'BAD_SIGNATURE'],
    ['a 2xx altered after signing', () => ({ status: 200, body: { prepay_id: 'wx-real' }, sign: { tamper: (body) => body.replace('real', 'fake') } }), 'BAD_SIGNATURE'],
    ['a 2xx signed under an unknown serial', () => ({ status: 200, body: { prepay_id: 'wx-forged' }, sign: { serial: stranger.publicKeyId, privateKey: stranger.privateKey } }), 'UNKNOWN_SERIAL'],
    ['a replayed 2xx (timestamp 301 s old)', () => ({ status: 200, body: { prepay_id: 'wx-old' }, sign: { timestamp: Math.floor(Date.now() / 1000) - 301 } }), 'STALE_TIMESTAMP'],
    ['the SIGNTEST probe', () => ({ status: 200, body: { prepay_id: 'wx-probe' }, sign: { signature: 'WECHATPAY/SIGNTEST/QUJDREVGRw==' } }), 'SIGNTEST_PROBE'],
    ['an unsigned 204', () => ({ status: 204, sign: false }), 'UNSIGNED'],
  ])('%s', async (_name, reply, reason) => {
    standIn.handle(reply);
    const call = reply().status === 204 ? client().close('XD1') : client().jsapiPrepay(prepayBody);
    const error = await rejection(call);
    expect(error).toBeInstanceOf(WechatPayForgedResponseError);
    expect(error).toMatchObject({ reason, requestId: expect.stringMatching(/^standin-/) });
    expect(standIn.requests).toHaveLength(1);
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ reason }) })]);
  });

  it('accepts an answer inside the replay window, judged by the injected clock', async () => {
    const signedAt = Math.floor(Date.now() / 1000) - 1000;
    standIn.handle(() => ({ status: 200, body: { prepay_id: 'wx-clock' }, sign: { timestamp: signedAt } }));
    await expect(client({ now: () => (signedAt + 299) * 1000 }).jsapiPrepay(prepayBody)).resolves.toEqual({ prepay_id: 'wx-clock' });
    await expect(client({ now: () => (signedAt + 301) * 1000 }).jsapiPrepay(prepayBody)).rejects.toMatchObject({ reason: 'STALE_TIMESTAMP' });
  });

  it('rejects a signed 2xx that is not JSON as an invalid response', async () => {
    standIn.handle(() => ({ status: 200, body: '<html>' }));
    await expect(client().jsapiPrepay(prepayBody)).rejects.toBeInstanceOf(WechatPayInvalidResponseError);
  });
});

describe('WechatPayClient: trade bill', () => {
  const fixture = readFileSync(new URL('./fixtures/tradebill-all.csv', import.meta.url), 'utf8');
  const billText = formatTradeBill(parseTradeBill(fixture).rows);

  it('asks for the bill, downloads it with a signed GET and checks its SHA1', async () => {
    standIn.handle((request) =>
      request.url.startsWith('/v3/bill/tradebill')
        ? { status: 200, body: { hash_type: 'SHA1', hash_value: sha1Hex(billText), download_url: `${standIn.baseUrl}/v3/billdownload/file?token=abc` } }
        : { status: 200, body: billText, sign: false, headers: { 'Content-Type': 'text/csv; charset=utf-8' } },
    );
    const api = client();
    const bill = await api.tradeBill({ billDate: '2026-05-19' });
    expect(bill.hash_type).toBe('SHA1');
    const text = await api.downloadBill(bill.download_url, bill.hash_value.toUpperCase());
    expect(text).toBe(billText);
    expect(parseTradeBill(text).rows).toHaveLength(5);
    expect(standIn.requests.map((request) => [request.url, request.authorized])).toEqual([
      ['/v3/bill/tradebill?bill_date=2026-05-19&bill_type=ALL', true],
      ['/v3/billdownload/file?token=abc', true],
    ]);
    expect(logs.map((log) => log.obj.path)).toEqual(['/v3/bill/tradebill', '/v3/billdownload/file']);
  });

  it('throws WechatPayBillHashMismatchError on an altered file', async () => {
    standIn.handle(() => ({ status: 200, body: billText.replace('1234.50', '1234.51'), sign: false }));
    const error = await rejection(client().downloadBill('/v3/billdownload/file?token=abc', sha1Hex(billText)));
    expect(error).toBeInstanceOf(WechatPayBillHashMismatchError);
    expect(error).toMatchObject({ expected: sha1Hex(billText) });
  });

  it('refuses a malformed bill date before calling', async () => {
    await expect(client().tradeBill({ billDate: '2026/05/19' })).rejects.toThrow(/YYYY-MM-DD/);
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('WechatPayClient: platform certificates', () => {
  let first: TestPlatformCertificate;
  let second: TestPlatformCertificate;
  beforeAll(() => {
    first = createTestPlatformCertificate();
    second = createTestPlatformCertificate();
  });

  const entry = (certificate: TestPlatformCertificate, apiV3Key = merchant.apiV3Key) => {
    const iv = nonce(12);
    return {
      serial_no: certificate.serial,
      effective_time: certificate.notBefore.toISOString(),
      expire_time: certificate.notAfter.toISOString(),
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce: iv,
        associated_data: 'certificate',
        ciphertext: encryptAeadAes256Gcm(certificate.certificatePem, apiV3Key, iv, 'certificate'),
      },
    };
  };

  it('bootstraps an empty ring: the answer is verified with the certificate it carries', async () => {
    standIn.handle(() => ({ status: 200, body: { data: [entry(first)] }, sign: first }));
    const ring = new KeyRing();
    const certificates = await client({ verifier: ring }).certificates();
    expect(certificates).toEqual([
      { serial_no: first.serial, effective_time: first.notBefore.toISOString(), expire_time: first.notAfter.toISOString(), pem: first.certificatePem },
    ]);
    expect(standIn.requests[0]).toMatchObject({ method: 'GET', url: '/v3/certificates', authorized: true });
  });

  it('refuses a certificates answer signed by none of the keys it knows or carries', async () => {
    const stranger = createTestPlatformCertificate();
    standIn.handle(() => ({ status: 200, body: { data: [entry(first)] }, sign: stranger }));
    await expect(client({ verifier: new KeyRing() }).certificates()).rejects.toMatchObject({ reason: 'UNKNOWN_SERIAL' });
  });

  it('refuses certificates that do not decrypt with our APIv3 key', async () => {
    standIn.handle(() => ({ status: 200, body: { data: [entry(first, createTestMerchant({ privateKey: merchant.privateKey }).apiV3Key)] } }));
    await expect(client().certificates()).rejects.toBeInstanceOf(WechatPayInvalidResponseError);
    // Signed by the carried certificate, which no longer decrypts: nothing vouches for the answer.
    standIn.handle(() => ({ status: 200, body: { data: [entry(first, createTestMerchant({ privateKey: merchant.privateKey }).apiV3Key)] }, sign: first }));
    await expect(client({ verifier: new KeyRing() }).certificates()).rejects.toBeInstanceOf(WechatPayForgedResponseError);
  });

  it('passes the 404 of a public-key-only merchant through as WechatPayApiError', async () => {
    standIn.handle(() => ({ status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书' } }));
    await expect(client().certificates()).rejects.toMatchObject({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
  });

  it('refresher adds new serials only, next to the public key (migration), and runs on start/stop', async () => {
    const ring = new KeyRing().add(platform.publicKeyId, platform.publicKey);
    const api = client({ verifier: ring });
    const refresher = new PlatformCertificateRefresher(api, ring);

    standIn.handle(() => ({ status: 200, body: { data: [entry(first)] } })); // signed with the public key
    await expect(refresher.refresh()).resolves.toEqual([first.serial]);
    expect(ring.serials().sort()).toEqual([first.serial, platform.publicKeyId].sort());

    // Answers signed with the certificate now verify through the ring, as do those signed with the public key.
    standIn.handle(() => ({ status: 200, body: transaction, sign: first }));
    await expect(api.queryByOutTradeNo('XD1')).resolves.toEqual(transaction);

    standIn.handle(() => ({ status: 200, body: { data: [entry(first), entry(second)] }, sign: first }));
    await expect(refresher.refresh()).resolves.toEqual([second.serial]);
    await expect(refresher.refresh()).resolves.toEqual([]);

    // Concurrent refreshes share one call.
    const before = standIn.requests.length;
    await Promise.all([refresher.refresh(), refresher.refresh()]);
    expect(standIn.requests.length - before).toBe(1);

    // The timer: a tick refreshes, stop() ends it.
    const third = createTestPlatformCertificate();
    standIn.handle(() => ({ status: 200, body: { data: [entry(third)] } }));
    refresher.start(20);
    expect(refresher.running).toBe(true);
    await expect.poll(() => ring.has(third.serial), { timeout: 2000, interval: 10 }).toBe(true);
    refresher.stop();
    expect(refresher.running).toBe(false);
    // A tick that fired just before stop() may still be answering: let it land, then no more may come.
    await new Promise((resolve) => setTimeout(resolve, 80));
    const count = standIn.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(standIn.requests.length).toBe(count);
  });

  it('a failing timer refresh is logged, not thrown', async () => {
    const warnings: unknown[] = [];
    const ring = new KeyRing().add(platform.publicKeyId, platform.publicKey);
    const refresher = new PlatformCertificateRefresher(client({ verifier: ring, retries: 0 }), ring, {
      logger: { info: () => {}, warn: (obj) => warnings.push(obj) },
    });
    standIn.handle(() => ({ status: 200, body: { data: [] }, sign: false }));
    refresher.start(20);
    await expect.poll(() => warnings.length, { timeout: 2000, interval: 10 }).toBeGreaterThan(0);
    refresher.stop();
    expect(warnings[0]).toMatchObject({ error: expect.stringContaining('UNSIGNED') });
  });
});

describe('WechatPayClient construction', () => {
  it('refuses an APIv3 key that is not 32 bytes', () => {
    expect(() => client({ apiV3Key: 'x'.repeat(31) })).toThrow(/32 bytes/);
  });

  it('accepts the private key as PEM text', async () => {
    standIn.handle(() => ({ status: 200, body: transaction }));
    await client({ privateKey: merchant.privateKeyPem }).queryByOutTradeNo('XD1');
    expect(standIn.requests[0]!.authorized).toBe(true);
  });
});
