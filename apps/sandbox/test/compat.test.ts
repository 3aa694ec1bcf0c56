// The project's own client (@xiaodian/wechatpay), which the API uses, against the sandbox: the two sides
// must agree. (Conformance with an independent client is in conformance.test.ts.)
import { readFileSync } from 'node:fs';
import { keyRingFromConfig, parseNotification, parseTradeBill, WechatPayClient } from '@xiaodian/wechatpay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantServer, prepayBody, publicKeyMap, sandboxInTempDir, type Merchant, type TestSandbox } from './helpers';

let sandbox: TestSandbox;
let merchant: Merchant;
beforeAll(async () => {
  sandbox = await sandboxInTempDir({ keyMode: 'both' });
  merchant = await merchantServer(() => publicKeyMap(sandbox), sandbox.identity.apiV3Key);
});
afterAll(async () => {
  await merchant.close();
  await sandbox.cleanup();
});

describe('@xiaodian/wechatpay against the sandbox', () => {
  it('prepays, pays, parses both notifications’ keys, downloads and parses the bill, fetches certificates', async () => {
    const env = sandbox.apiEnv;
    const ring = keyRingFromConfig({
      publicKeyId: env.WECHATPAY_PUBLIC_KEY_ID,
      publicKey: env.WECHATPAY_PUBLIC_KEY,
      platformCertificates: sandbox.identity.platformCertificates.map((c) => ({ serial: c.serial, pem: c.certificatePem })),
    });
    const client = new WechatPayClient({
      baseUrl: env.WECHATPAY_BASE!,
      mchid: env.WECHATPAY_MCHID!,
      serial: env.WECHATPAY_SERIAL!,
      privateKey: env.WECHATPAY_PRIVATE_KEY!,
      apiV3Key: env.WECHATPAY_APIV3_KEY!,
      verifier: ring,
    });
    const parsed: unknown[] = [];
    merchant.answer = (n) => {
      const result = parseNotification({ headers: n.headers, rawBody: n.raw }, { keyRing: ring, apiV3Key: env.WECHATPAY_APIV3_KEY! });
      parsed.push(result);
      return result.ok ? 204 : 400;
    };
    for (let i = 0; i < 2; i++) {
      const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/n`, amount: { total: 100 + i, currency: 'CNY' } });
      const { prepay_id } = await client.jsapiPrepay(body as Parameters<typeof client.jsapiPrepay>[0]);
      await sandbox.control.pay(prepay_id);
      expect((await client.queryByOutTradeNo(body.out_trade_no)).trade_state).toBe('SUCCESS');
    }
    await merchant.waitFor(2);
    expect(parsed).toMatchObject([{ ok: true }, { ok: true }]);
    expect(new Set(merchant.received.map((n) => n.headers['wechatpay-serial'])).size).toBe(2); // both keys used

    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const bill = await client.tradeBill({ billDate: today });
    const text = await client.downloadBill(bill.download_url, bill.hash_value);
    const { rows, summary } = parseTradeBill(text);
    expect(rows.map((r) => r.totalFen).sort()).toEqual([100, 101]);
    expect(summary).toMatchObject({ tradeCount: 2, settlementTotalFen: 201 });

    const certificates = await client.certificates();
    expect(certificates.map((c) => c.serial_no)).toEqual(sandbox.identity.platformCertificates.map((c) => c.serial));
    expect(readFileSync(env.WECHATPAY_PUBLIC_KEY!, 'utf8')).toContain('PUBLIC KEY');
  });
});
