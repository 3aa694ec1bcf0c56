import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptResource, signedHeaders } from './crypto';
import { KeyRing } from './key-ring';
import { parseNotification } from './notification';
import { createTestMerchant, createTestPlatform, createTestPlatformCertificate } from './testing';
import type { RefundNotificationResource, Transaction } from './types';

const merchant = createTestMerchant();
const platform = createTestPlatform();
const certificate = createTestPlatformCertificate();
const keyRing = new KeyRing().add(platform.publicKeyId, platform.publicKey).add(certificate.serial, certificate.certificatePem);
const options = { keyRing, apiV3Key: merchant.apiV3Key };

const transaction: Transaction = {
  appid: 'wxd678efh567hg6787',
  mchid: merchant.mchid,
  out_trade_no: 'XD20260519091500A1',
  transaction_id: '4200002718202605190712345678',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMB_DEBIT',
  attach: '',
  success_time: '2026-05-19T09:15:02+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 1, payer_total: 1, currency: 'CNY', payer_currency: 'CNY' },
};

/** A notification exactly as WeChat sends it (note the spacing: the raw text, not re-serialised JSON). */
function notification(
  plaintext: object,
  overrides: { signer?: { serial: string; privateKey: KeyObject }; timestamp?: number; apiV3Key?: string } = {},
) {
  const resource = encryptResource(JSON.stringify(plaintext), overrides.apiV3Key ?? merchant.apiV3Key, 'transaction');
  const envelope = {
    id: 'EV-2018022511223320873',
    create_time: '2026-05-19T09:15:03+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource,
  };
  const rawBody = JSON.stringify(envelope, null, 1);
  const headers = signedHeaders(rawBody, overrides.signer ?? platform, overrides.timestamp === undefined ? {} : { timestamp: overrides.timestamp });
  return { headers: headers as unknown as Record<string, string>, rawBody };
}

describe('parseNotification', () => {
  it('verifies over the raw body, then decrypts', () => {
    const request = notification(transaction);
    const parsed = parseNotification<Transaction>(request, options);
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'EV-2018022511223320873',
        create_time: '2026-05-19T09:15:03+08:00',
        event_type: 'TRANSACTION.SUCCESS',
        resource_type: 'encrypt-resource',
        summary: '支付成功',
      },
      resource: transaction,
    });
  });

  it('reads header names in any case: Node’s lower-case record, mixed case, fetch Headers, bytes', () => {
    const request = notification(transaction);
    const lower = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const upper = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toUpperCase(), [value]]));
    for (const headers of [lower, upper, new Headers(request.headers)]) {
      expect(parseNotification({ headers, rawBody: request.rawBody }, options).ok).toBe(true);
    }
    expect(parseNotification({ headers: lower, rawBody: Buffer.from(request.rawBody) }, options).ok).toBe(true);
  });

  it('verifies with the key the serial names (certificate and public key live together)', () => {
    const viaCertificate = notification(transaction, { signer: certificate });
    expect(parseNotification(viaCertificate, options).ok).toBe(true);
    // The certificate's serial with the public key's signature: refused.
    const crossed = notification(transaction, { signer: { serial: certificate.serial, privateKey: platform.privateKey } });
    expect(parseNotification(crossed, options)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('decrypts a refund notification', () => {
    const refund: RefundNotificationResource = {
      mchid: merchant.mchid,
      out_trade_no: 'XD1',
      transaction_id: '42000',
      out_refund_no: 'RF1',
      refund_id: '503',
      refund_status: 'SUCCESS',
      success_time: '2026-05-19T16:40:31+08:00',
      user_received_account: '招商银行信用卡0403',
      amount: { total: 123450, refund: 3000, payer_total: 123450, payer_refund: 3000 },
    };
    const parsed = parseNotification<RefundNotificationResource>(notification(refund), options);
    expect(parsed.ok && parsed.resource.amount.refund).toBe(3000);
  });

  it('refuses re-serialised JSON: the signature covers the raw bytes', () => {
    const request = notification(transaction);
    const reserialised = JSON.stringify(JSON.parse(request.rawBody));
    expect(reserialised).not.toBe(request.rawBody);
    expect(parseNotification({ ...request, rawBody: reserialised }, options)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it('refuses the SIGNTEST probe without throwing', () => {
    const request = notification(transaction);
    const headers = { ...request.headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/ABCDEFGHIJKLMN==' };
    expect(parseNotification({ ...request, headers }, options)).toEqual({ ok: false, reason: 'SIGNTEST_PROBE' });
  });

  it('refuses a timestamp outside the 300 s replay window, either way', () => {
    const now = Date.now();
    const at = (seconds: number) => notification(transaction, { timestamp: Math.floor(now / 1000) + seconds });
    expect(parseNotification(at(-299), { ...options, now }).ok).toBe(true);
    expect(parseNotification(at(-301), { ...options, now })).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    expect(parseNotification(at(301), { ...options, now })).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    const request = at(0);
    const headers = { ...request.headers, 'Wechatpay-Timestamp': 'soon' };
    expect(parseNotification({ ...request, headers }, { ...options, now })).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
  });

  it('refuses an unknown serial', () => {
    const stranger = createTestPlatform();
    expect(parseNotification(notification(transaction, { signer: stranger }), options)).toEqual({ ok: false, reason: 'UNKNOWN_SERIAL' });
  });

  it('refuses missing headers', () => {
    const request = notification(transaction);
    for (const name of ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial']) {
      const headers = { ...request.headers };
      delete headers[name];
      expect(parseNotification({ ...request, headers }, options)).toEqual({ ok: false, reason: 'MISSING_HEADERS' });
    }
  });

  it('refuses a signed body that is not a notification', () => {
    for (const rawBody of ['not json', 'null', '{"id":"x","event_type":"TRANSACTION.SUCCESS"}', '{"id":"x","event_type":"E","resource":{"algorithm":"AES"}}']) {
      const headers = signedHeaders(rawBody, platform) as unknown as Record<string, string>;
      expect(parseNotification({ headers, rawBody }, options)).toEqual({ ok: false, reason: 'BAD_BODY' });
    }
  });

  it('reports a resource that does not decrypt with our APIv3 key', () => {
    const request = notification(transaction, { apiV3Key: createTestMerchant({ privateKey: merchant.privateKey }).apiV3Key });
    expect(parseNotification(request, options)).toEqual({ ok: false, reason: 'DECRYPT_FAILED' });
    expect(parseNotification(notification(transaction), { ...options, apiV3Key: 'too short' })).toEqual({
      ok: false,
      reason: 'DECRYPT_FAILED',
    });
  });
});
