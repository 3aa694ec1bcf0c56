// WeChat's retry schedule, scaled: the gaps between deliveries follow 15s, 15s, 30s, 3m, 10m, … × time scale,
// and delivery stops at the first 200/204 — or after the 15th retry.
import { afterEach, describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_SECONDS } from '../src/index';
import { merchantServer, pluginClient, prepayBody, publicKeyMap, sandboxInTempDir, sleep, type Merchant, type TestSandbox, type PayClient } from './helpers';

let sandbox: TestSandbox | undefined;
let merchant: Merchant | undefined;
afterEach(async () => {
  await merchant?.close();
  await sandbox?.cleanup();
  merchant = sandbox = undefined;
});

async function paidWithNotification(timeScale: number, answer: Merchant['answer']) {
  sandbox = await sandboxInTempDir({ timeScale });
  merchant = await merchantServer(() => publicKeyMap(sandbox!), sandbox.identity.apiV3Key);
  merchant.answer = answer;
  const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/notify` });
  const client: PayClient = pluginClient(sandbox);
  const { data } = await client.v3.pay.transactions.jsapi.post(body);
  await sandbox.control.pay(data.prepay_id);
  return body.out_trade_no;
}

describe('notification retry schedule', () => {
  it('is WeChat’s: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h', () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]);
    expect(RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0)).toBe(24 * 3600 + 4 * 60);
  });

  it('spaces retries by the scaled schedule and stops after the first 200', async () => {
    const scale = 0.002; // 15 s → 30 ms, 10 min → 1.2 s
    const failures = 5;
    const outTradeNo = await paidWithNotification(scale, (n, index) => (index < failures ? 500 : n.verified ? 200 : 401));
    const received = await merchant!.waitFor(failures + 1, 10_000);
    await sleep(300);
    expect(received).toHaveLength(failures + 1);
    expect(received.every((n) => n.verified)).toBe(true);
    expect(new Set(received.map((n) => n.body!.id)).size).toBe(1); // the same notification every time

    const gaps = received.slice(1).map((n, i) => n.at - received[i]!.at);
    const expected = RETRY_SCHEDULE_SECONDS.slice(0, failures).map((s) => s * 1000 * scale);
    gaps.forEach((gap, i) => {
      expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(expected[i]! - 2);
      expect(gap, `gap ${i + 1}`).toBeLessThanOrEqual(expected[i]! * 1.25 + 120);
    });

    const [record] = await sandbox!.control.notifications({ outTradeNo });
    expect(record).toMatchObject({ status: 'delivered', scheduled_attempts: failures + 1 });
    expect(record!.next_attempt_at).toBeUndefined();
    expect(record!.attempts.map((a) => [a.n, a.status])).toEqual([[1, 500], [2, 500], [3, 500], [4, 500], [5, 500], [6, 200]]);
  });

  it('gives up after the 15th retry (16 deliveries)', async () => {
    const scale = 0.00002; // the whole 24h4m schedule in ≈1.7 s
    const outTradeNo = await paidWithNotification(scale, () => 503);
    const record = await sandbox!.control.waitForNotification({ outTradeNo }, (n) => n.status === 'failed', 10_000);
    expect(record.attempts).toHaveLength(16);
    expect(record.attempts.map((a) => a.n)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    await sleep(100);
    expect(merchant!.received).toHaveLength(16);
  });
});
