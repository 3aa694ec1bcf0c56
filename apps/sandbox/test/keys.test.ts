// Key modes (public key, platform certificate, both), identities and state across restarts, api.env.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { merchantServer, pluginClient, prepayBody, sandboxInTempDir, type Merchant, type TestSandbox } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function allKeys(sandbox: TestSandbox): Record<string, string> {
  return {
    [sandbox.identity.publicKeyId]: readFileSync(sandbox.identity.paths.wechatpayPublicKey, 'utf8'),
    ...Object.fromEntries(sandbox.identity.platformCertificates.map((c) => [c.serial, readFileSync(c.certificatePath, 'utf8')])),
  };
}

async function setup(options: Parameters<typeof sandboxInTempDir>[0] = {}) {
  const sandbox = await sandboxInTempDir(options);
  const merchant = await merchantServer(() => allKeys(sandbox), sandbox.identity.apiV3Key);
  cleanups.push(() => sandbox.cleanup(), () => merchant.close());
  return { sandbox, merchant };
}

async function payOne(sandbox: TestSandbox, merchant: Merchant) {
  const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/n` });
  const { data, headers } = await pluginClient(sandbox, allKeys(sandbox)).v3.pay.transactions.jsapi.post(body);
  await sandbox.control.pay(data.prepay_id);
  return { body, answerSerial: headers['wechatpay-serial'] as string };
}

describe('key modes', () => {
  it('certificate mode signs answers and notifications with the platform certificate serial', async () => {
    const { sandbox, merchant } = await setup({ keyMode: 'certificate' });
    const [certificate] = sandbox.identity.platformCertificates;
    const { answerSerial } = await payOne(sandbox, merchant);
    expect(answerSerial).toBe(certificate!.serial);
    const [n] = await merchant.waitFor(1);
    expect(n!.headers['wechatpay-serial']).toBe(certificate!.serial);
    expect(n!.verified).toBe(true);
    // A client that only knows the public key cannot verify these answers.
    const publicOnly = pluginClient(sandbox);
    const error = await publicOnly.v3.pay.transactions.jsapi.post(await prepayBody(sandbox)).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('EV3_RES_HEADER_PLATFORM_SERIAL');
  });

  it('both: the request’s Wechatpay-Serial picks the answer key; notifications alternate keys', async () => {
    const { sandbox, merchant } = await setup({ keyMode: 'both' });
    const certSerial = sandbox.identity.platformCertificates[0]!.serial;
    const client = pluginClient(sandbox, allKeys(sandbox));
    const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/n` });
    expect((await client.v3.pay.transactions.jsapi.post(body)).headers['wechatpay-serial']).toBe(certSerial);
    const withHeader = await client.v3.pay.transactions.jsapi.post(body, { headers: { 'Wechatpay-Serial': sandbox.identity.publicKeyId } });
    expect(withHeader.headers['wechatpay-serial']).toBe(sandbox.identity.publicKeyId);
    await sandbox.control.pay(withHeader.data.prepay_id);
    await payOne(sandbox, merchant);
    const received = await merchant.waitFor(2);
    expect(received.map((n) => n.headers['wechatpay-serial']).sort()).toEqual([certSerial, sandbox.identity.publicKeyId].sort());
    expect(received.every((n) => n.verified)).toBe(true);
    expect((await client.v3.certificates.get()).data.data).toHaveLength(1);
  });

  it('switches mode at runtime', async () => {
    const { sandbox, merchant } = await setup();
    expect((await payOne(sandbox, merchant)).answerSerial).toBe(sandbox.identity.publicKeyId);
    const status = await sandbox.control.setKeyMode('certificate');
    expect(status.mode).toBe('certificate');
    expect((await payOne(sandbox, merchant)).answerSerial).toBe(status.current_certificate_serial);
    await expect(sandbox.control.setKeyMode('bogus' as never)).rejects.toMatchObject({ status: 400 });
  });
});

describe('identities and state', () => {
  it('generates once, keeps identities, keys, rotated certificates and trades across restarts, rewrites api.env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await sandboxInTempDir({ dataDir: dir });
    expect(first.created).toBe(true);
    const body = await prepayBody(first);
    const { data } = await pluginClient(first).v3.pay.transactions.jsapi.post(body);
    const paid = await first.control.pay(data.prepay_id, 'SUCCESS', { notify: false });
    const rotated = await first.control.rotateCertificate();
    await first.close();

    const second = await sandboxInTempDir({ dataDir: dir, keyMode: 'certificate' });
    cleanups.push(() => second.close());
    expect(second.created).toBe(false);
    expect(second.identity).toMatchObject({ appid: first.identity.appid, mchid: first.identity.mchid, merchantSerial: first.identity.merchantSerial, publicKeyId: first.identity.publicKeyId, apiV3Key: first.identity.apiV3Key });
    expect(second.identity.platformCertificates).toHaveLength(2);
    expect((await second.control.keys()).current_certificate_serial).toBe(rotated.current_certificate_serial);
    const client = pluginClient(second, { [rotated.current_certificate_serial!]: second.identity.platformCertificates[1]!.certificatePem });
    const { data: trade } = await client.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: second.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(trade).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });

    const env = readFileSync(join(dir, 'api.env'), 'utf8');
    const lines = env.trim().split('\n');
    expect(lines.map((l) => l.split('=')[0])).toEqual([
      'WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_API_BASE', 'WECHATPAY_MCHID', 'WECHATPAY_SERIAL', 'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_APIV3_KEY', 'WECHATPAY_PUBLIC_KEY_ID', 'WECHATPAY_PUBLIC_KEY', 'WECHATPAY_BASE',
      'WECHAT_TEMPLATE_PAID', 'WECHAT_TEMPLATE_SHIPPED', 'WECHAT_TEMPLATE_REFUNDED', 'WECHAT_TEMPLATE_OWNER_ORDER', 'WECHAT_TEMPLATE_OWNER_AFTERSALE',
      'WECHAT_PUSH_TOKEN', 'WECHAT_PUSH_AES_KEY',
    ]);
    expect(Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))).toEqual(second.apiEnv);
    expect(second.apiEnv.WECHATPAY_BASE).toBe(second.url);
    expect(second.apiEnv.WECHAT_API_BASE).toBe(second.url);
    expect(second.apiEnv.WECHATPAY_PUBLIC_KEY_ID).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(second.apiEnv.WECHATPAY_APIV3_KEY).toHaveLength(32);
    // The key files are usable as they are: the merchant key signs what the sandbox verifies.
    const key = Rsa.from(`file://${second.apiEnv.WECHATPAY_PRIVATE_KEY}`, Rsa.KEY_TYPE_PRIVATE);
    const publicKey = Rsa.from(`file://${second.identity.paths.merchantPublicKey}`, Rsa.KEY_TYPE_PUBLIC);
    expect(Rsa.verify('x', Rsa.sign('x', key), publicKey)).toBe(true);
    expect(readFileSync(second.apiEnv.WECHATPAY_PUBLIC_KEY!, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(Formatter.nonce()).toHaveLength(32);
  });

  it('writes the merchant certificate apiclient_cert.pem: serial WECHATPAY_SERIAL, for the merchant key; restores it when missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-cert-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const check = (sandbox: TestSandbox) => {
      const path = join(dir, 'merchant', 'apiclient_cert.pem');
      expect(sandbox.identity.paths.merchantCertificate).toBe(path);
      const certificate = new X509Certificate(readFileSync(path, 'utf8'));
      expect(certificate.serialNumber.toUpperCase()).toBe(sandbox.apiEnv.WECHATPAY_SERIAL!.toUpperCase());
      const privateKey = createPrivateKey(readFileSync(sandbox.apiEnv.WECHATPAY_PRIVATE_KEY!, 'utf8'));
      expect(certificate.checkPrivateKey(privateKey)).toBe(true);
      expect(certificate.publicKey.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
      expect(certificate.verify(certificate.publicKey)).toBe(true); // self-signed
      expect(Date.parse(certificate.validTo)).toBeGreaterThan(Date.now() + 4 * 365 * 24 * 3600e3);
      return readFileSync(path, 'utf8');
    };
    const first = await sandboxInTempDir({ dataDir: dir });
    const pem = check(first);
    await first.close();
    const second = await sandboxInTempDir({ dataDir: dir });
    expect(check(second)).toBe(pem); // generated once, reused
    await second.close();
    // A data directory from before the certificate existed gets one on its next start.
    rmSync(join(dir, 'merchant', 'apiclient_cert.pem'));
    const third = await sandboxInTempDir({ dataDir: dir });
    cleanups.push(() => third.close());
    check(third);
  });

  it('resumes undelivered notifications after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-resume-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await sandboxInTempDir({ dataDir: dir, timeScale: 0.01 });
    const merchant = await merchantServer(() => allKeys(first), first.identity.apiV3Key);
    cleanups.push(() => merchant.close());
    merchant.answer = () => 500;
    const body = await prepayBody(first, { notify_url: `${merchant.url}/n` });
    await first.control.pay((await pluginClient(first).v3.pay.transactions.jsapi.post(body)).data.prepay_id);
    await merchant.waitFor(1);
    // The merchant has answered; wait until the sandbox has recorded it too, or close() aborts it mid-flight.
    await first.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.attempts.length === 1);
    await first.close();
    merchant.answer = (n) => (n.verified ? 204 : 401);
    const second = await sandboxInTempDir({ dataDir: dir, timeScale: 0.01 });
    cleanups.push(() => second.close());
    const record = await second.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'delivered');
    expect(record.attempts.map((a) => a.status)).toEqual([500, 204]);
  });
});
