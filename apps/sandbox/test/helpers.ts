// Test support: a sandbox in a temporary data directory, an independent WeChat Pay client
// (wechatpay-axios-plugin), and a tiny merchant notify server that verifies and decrypts with the plugin's
// own Rsa and AesGcm — nothing of the sandbox's crypto is used to check the sandbox.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index';
import type { TradeRecord } from '../src/store';

export interface TestSandbox extends Sandbox {
  dir: string;
  cleanup(): Promise<void>;
}

export async function sandboxInTempDir(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'xd-sandbox-'));
  const sandbox = await startSandbox({ quiet: true, ...options, dataDir: dir });
  return Object.assign(sandbox, {
    dir,
    async cleanup() {
      await sandbox.close();
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

/**
 * The plugin's client is a Proxy: `wxpay.v3.pay.transactions.jsapi.post(…)` builds the path from property
 * names. Its .d.ts types every segment with an index signature, which noUncheckedIndexedAccess turns into
 * "possibly undefined", and infers answers from request bodies; the tests treat it as what it is: dynamic.
 */
export type PayClient = any;

/** A plugin client from a raw configuration (privateKey may be a KeyObject, which the plugin accepts). */
export function wechatpay(config: { mchid: string; serial: string; privateKey: unknown; certs: Record<string, unknown>; baseURL: string }): PayClient {
  return new Wechatpay(config as ConstructorParameters<typeof Wechatpay>[0]);
}

/** The independent client: signs requests and verifies answer signatures by itself. */
export function pluginClient(sandbox: Sandbox, certs?: Record<string, string | Buffer>): PayClient {
  return new Wechatpay({
    mchid: sandbox.identity.mchid,
    serial: sandbox.identity.merchantSerial,
    privateKey: readFileSync(sandbox.identity.paths.merchantPrivateKey),
    certs: certs ?? { [sandbox.identity.publicKeyId]: readFileSync(sandbox.identity.paths.wechatpayPublicKey) },
    baseURL: `${sandbox.url}/`,
  } as ConstructorParameters<typeof Wechatpay>[0]);
}

export interface ReceivedNotification {
  at: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Verified with the plugin's Rsa.verify over the raw body; undefined serial → false. */
  verified: boolean;
  /** Decrypted with the plugin's AesGcm (only when verified). */
  resource?: Record<string, unknown>;
  body?: { id: string; event_type: string; resource_type: string; summary: string; create_time: string; resource: Record<string, string> };
  answered: number;
}

export interface Merchant {
  url: string;
  received: ReceivedNotification[];
  /** Decides the HTTP status for the n-th (0-based) request; default: 204 when verified, else 401. */
  answer: (n: ReceivedNotification, index: number) => number | Promise<number>;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

/** A merchant's notify endpoint verifying with `keys` (serial → PEM) and decrypting with `apiV3Key`, via the plugin. */
export async function merchantServer(keys: () => Record<string, string | Buffer>, apiV3Key: string): Promise<Merchant> {
  const received: ReceivedNotification[] = [];
  const merchant: Merchant = {
    url: '',
    received,
    answer: (n) => (n.verified ? 204 : 401),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} notifications, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const serial = String(req.headers['wechatpay-serial'] ?? '');
        const pem = keys()[serial];
        let verified = false;
        try {
          verified =
            pem !== undefined &&
            Math.abs(Formatter.timestamp() - Number(req.headers['wechatpay-timestamp'])) <= 300 &&
            Rsa.verify(
              Formatter.response(String(req.headers['wechatpay-timestamp']), String(req.headers['wechatpay-nonce']), raw),
              String(req.headers['wechatpay-signature']),
              Rsa.from(pem, Rsa.KEY_TYPE_PUBLIC),
            );
        } catch {
          verified = false;
        }
        const n: ReceivedNotification = { at, headers: req.headers, raw, verified, answered: 0 };
        try {
          n.body = JSON.parse(raw) as ReceivedNotification['body'];
          if (verified && n.body) {
            const { ciphertext, nonce, associated_data } = n.body.resource;
            n.resource = JSON.parse(Aes.AesGcm.decrypt(ciphertext!, apiV3Key, nonce!, associated_data)) as Record<string, unknown>;
          }
        } catch {
          // left undefined: the test asserts on it
        }
        const index = received.length;
        received.push(n);
        const status = await merchant.answer(n, index);
        n.answered = status;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(status === 200 ? '{"code":"SUCCESS"}' : status === 204 ? '' : '{"code":"FAIL","message":"rejected"}');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  merchant.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return merchant;
}

export function publicKeyMap(sandbox: Sandbox): Record<string, string> {
  return { [sandbox.identity.publicKeyId]: readFileSync(sandbox.identity.paths.wechatpayPublicKey, 'utf8') };
}

let counter = 0;
export function outTradeNo(prefix = 'T'): string {
  counter += 1;
  return `${prefix}${Date.now()}${String(counter).padStart(4, '0')}`;
}

/** A prepay body for the sandbox's appid. */
export async function prepayBody(sandbox: Sandbox, overrides: Record<string, unknown> = {}, user = 'alice') {
  const openid = await sandbox.control.openid(user);
  return {
    appid: sandbox.identity.appid,
    mchid: sandbox.identity.mchid,
    description: '小店-测试商品',
    out_trade_no: outTradeNo(),
    notify_url: 'https://merchant.example.com/api/pay/notify',
    amount: { total: 1234, currency: 'CNY' },
    payer: { openid },
    ...overrides,
  };
}

/** The error answer of a failed plugin call. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; data: { code: string; message: string } }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (!response) throw error;
    const data = typeof response.data === 'string' ? (JSON.parse(response.data) as { code: string; message: string }) : (response.data as { code: string; message: string });
    return { status: response.status, data };
  }
  throw new Error('expected the call to fail');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stored trade as the sandbox keeps it (NOTPAY, 12.34 yuan), with `fields` over it: for the store's own tests. */
export function tradeRecord(no: string, fields: Partial<TradeRecord> = {}): TradeRecord {
  return {
    appid: 'wx0000000000000000',
    mchid: '1900000000',
    out_trade_no: no,
    description: '小店-测试商品',
    notify_url: 'https://merchant.example.com/api/pay/notify',
    amount: { total: 1234, currency: 'CNY' },
    payer: { openid: 'o-test' },
    trade_state: 'NOTPAY',
    trade_state_desc: '订单未支付',
    createdAt: 1,
    updatedAt: 1,
    fingerprint: '[]',
    origin: 'prepay',
    ...fields,
  };
}
