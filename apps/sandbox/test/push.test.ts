// WeChat's message push as the sandbox sends it: safe mode (msg_signature, AES-256-CBC with WeChat's layout and
// 32-byte padding, our appid inside), checked here with the test's own decryption; a push not answered `success`
// is pushed again on the time-scaled schedule; the push token and key are generated once and kept.
import { createDecipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUSH_RETRY_SECONDS } from '../src/index';
import { sandboxInTempDir, type TestSandbox } from './helpers';

interface Received {
  query: URLSearchParams;
  body: { ToUserName?: string; Encrypt?: string };
  signatureOk: boolean;
  message?: Record<string, unknown>;
  appid?: string;
}

let sandbox: TestSandbox;
let server: http.Server;
const received: Received[] = [];
/** What the receiver answers next (then `success`). */
const answers: string[] = [];

function decrypt(encodingAesKey: string, encrypted: string): { message: string; appid: string } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  expect(pad).toBeGreaterThanOrEqual(1);
  expect(pad).toBeLessThanOrEqual(32);
  expect(padded.length % 32).toBe(0);
  const plain = padded.subarray(0, padded.length - pad);
  const length = plain.readUInt32BE(16);
  return { message: plain.subarray(20, 20 + length).toString('utf8'), appid: plain.subarray(20 + length).toString('utf8') };
}

beforeAll(async () => {
  sandbox = await sandboxInTempDir({ timeScale: 0.001 });
  const { WECHAT_PUSH_TOKEN: token, WECHAT_PUSH_AES_KEY: aesKey } = sandbox.apiEnv;
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const query = new URL(req.url!, 'http://x').searchParams;
      const body = JSON.parse(raw) as Received['body'];
      const sign = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');
      const signatureOk =
        query.get('encrypt_type') === 'aes' &&
        query.get('msg_signature') === sign(token!, query.get('timestamp')!, query.get('nonce')!, body.Encrypt!) &&
        query.get('signature') === sign(token!, query.get('timestamp')!, query.get('nonce')!);
      const opened = body.Encrypt ? decrypt(aesKey!, body.Encrypt) : undefined;
      received.push({ query, body, signatureOk, message: opened && (JSON.parse(opened.message) as Record<string, unknown>), appid: opened?.appid });
      res.end(answers.shift() ?? 'success');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await sandbox.control.setPushUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/wechat/push`);
});
afterAll(async () => {
  await sandbox.cleanup();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const paidTrade = (outTradeNo: string) => sandbox.control.insertTrade({ outTradeNo, totalFen: 1999, openid: 'o-push-test' });

describe('message push', () => {
  it('generates the push token and EncodingAESKey once, into push.json and api.env', () => {
    const stored = JSON.parse(readFileSync(`${sandbox.dir}/push.json`, 'utf8')) as { token: string; encodingAesKey: string };
    expect(stored.token).toBe(sandbox.apiEnv.WECHAT_PUSH_TOKEN);
    expect(stored.encodingAesKey).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(readFileSync(sandbox.identity.paths.apiEnv, 'utf8')).toContain(`WECHAT_PUSH_AES_KEY=${stored.encodingAesKey}\n`);
  });

  it('confirm-receipt sends the settlement push in safe mode, signed, with our appid inside', async () => {
    const trade = await paidTrade('PUSH_SETTLE_1');
    received.length = 0;
    const record = await sandbox.control.confirmReceipt(trade.transaction_id!);
    expect(record).toMatchObject({ event: 'trade_manage_order_settlement', status: 'delivered', transaction_id: trade.transaction_id });
    expect(received).toHaveLength(1);
    const push = received[0]!;
    expect(push.signatureOk).toBe(true);
    expect(push.appid).toBe(sandbox.identity.appid);
    expect(push.body.ToUserName).toMatch(/^gh_/);
    expect(push.message).toMatchObject({
      MsgType: 'event',
      Event: 'trade_manage_order_settlement',
      transaction_id: trade.transaction_id,
      merchant_id: sandbox.identity.mchid,
      merchant_trade_no: 'PUSH_SETTLE_1',
      confirm_receive_method: 2,
    });
    expect(typeof push.message!.settlement_time).toBe('number');
  });

  it('pushes again until the answer is `success`, then stops', async () => {
    const trade = await paidTrade('PUSH_RETRY_1');
    received.length = 0;
    answers.push('fail', 'not now');
    const first = await sandbox.control.confirmReceipt(trade.transaction_id!);
    expect(first.status).toBe('scheduled');
    const deadline = Date.now() + 5000;
    let pushes = await sandbox.control.pushes(trade.transaction_id!);
    while (pushes.items[0]!.status !== 'delivered' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      pushes = await sandbox.control.pushes(trade.transaction_id!);
    }
    expect(pushes.items[0]).toMatchObject({ status: 'delivered' });
    expect(pushes.items[0]!.attempts.map((a) => a.answer)).toEqual(['fail', 'not now', 'success']);
    expect(received).toHaveLength(3);
  });

  it('gives up after the last repeat', async () => {
    const trade = await paidTrade('PUSH_GIVE_UP');
    answers.push(...Array(PUSH_RETRY_SECONDS.length + 1).fill('error'));
    await sandbox.control.confirmReceipt(trade.transaction_id!);
    const deadline = Date.now() + 5000;
    let push = (await sandbox.control.pushes(trade.transaction_id!)).items[0]!;
    while (push.status === 'scheduled' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      push = (await sandbox.control.pushes(trade.transaction_id!)).items[0]!;
    }
    expect(push.status).toBe('failed');
    expect(push.attempts).toHaveLength(PUSH_RETRY_SECONDS.length + 1);
  });

  it('remind-shipping sends trade_manage_remind_shipping; unknown or unpaid trades are refused', async () => {
    const trade = await paidTrade('PUSH_REMIND_1');
    received.length = 0;
    const record = await sandbox.control.remindShipping(trade.transaction_id!);
    expect(record.status).toBe('delivered');
    expect(received[0]!.message).toMatchObject({ Event: 'trade_manage_remind_shipping', transaction_id: trade.transaction_id });
    // The dashboard lists the pushes and offers the buttons on paid trades.
    const dashboard = await (await fetch(`${sandbox.url}/__sandbox/?partial=1`)).text();
    expect(dashboard).toContain('Message push');
    expect(dashboard).toContain('trade_manage_remind_shipping');
    expect(dashboard).toContain('确认收货');
    const unknown = await fetch(`${sandbox.url}/__sandbox/confirm-receipt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"transaction_id":"4200000000000000000000000000"}' });
    expect(unknown.status).toBe(404);
    const missing = await fetch(`${sandbox.url}/__sandbox/remind-shipping`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(400);
  });
});
