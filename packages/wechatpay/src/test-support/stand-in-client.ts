// The fixture the client's and the transport's tests share: a WeChat stand-in started for the file, a merchant and
// a platform key, and a client against the stand-in whose log lines the test can read. Imported bindings are live:
// `standIn` is the file's running stand-in once `useStandIn()`'s beforeAll has run.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { WechatPayClient, type WechatPayClientOptions } from '../client';
import { KeyRing } from '../key-ring';
import { createTestMerchant, createTestPlatform } from '../testing';
import { startStandIn, type StandIn } from './wechat-stand-in';

export const merchant = createTestMerchant();
export const platform = createTestPlatform();
export let standIn: StandIn;
/** What the clients logged since the last test began. */
export const logs: { level: string; obj: Record<string, unknown>; msg: string }[] = [];

/** A JSAPI prepay request as the API sends one. */
export const prepayBody = {
  appid: 'wxd678efh567hg6787',
  description: '小店-测试商品',
  out_trade_no: 'XD20260519091500A1',
  notify_url: 'https://shop.example.com/api/pay/notify',
  amount: { total: 1, currency: 'CNY' as const },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
};

/** What `promise` rejects with (a test fails if it fulfils). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Starts the stand-in for the file, and forgets its requests and the logs after each test. */
export function useStandIn(): void {
  beforeAll(async () => {
    standIn = await startStandIn({ merchant, platform });
  });
  afterAll(() => standIn.close());
  afterEach(() => {
    standIn.requests.length = 0;
    logs.length = 0;
  });
}

/** A client of the stand-in: quick retries, a 2 s timeout, its log lines into `logs`. */
export function client(overrides: Partial<WechatPayClientOptions> = {}): WechatPayClient {
  return new WechatPayClient({
    baseUrl: standIn.baseUrl,
    mchid: merchant.mchid,
    serial: merchant.serial,
    privateKey: merchant.privateKey,
    apiV3Key: merchant.apiV3Key,
    verifier: new KeyRing().add(platform.publicKeyId, platform.publicKey),
    retryDelayMs: 1,
    timeoutMs: 2000,
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    },
    ...overrides,
  });
}
