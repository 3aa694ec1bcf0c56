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
