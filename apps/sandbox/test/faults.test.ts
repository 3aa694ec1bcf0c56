// One test per fault. Notification faults are observed at a merchant server that verifies with the plugin.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Hash } from 'wechatpay-axios-plugin';
import { failure, merchantServer, pluginClient, prepayBody, publicKeyMap, sandboxInTempDir, sleep, type Merchant, type TestSandbox, type PayClient } from './helpers';

let sandbox: TestSandbox;
let wxpay: PayClient;
let merchant: Merchant;
// 15 s → 3 ms: a whole retry schedule takes ≈17 s, the first retries a few ms.
const SCALE = 0.0002;

beforeAll(async () => {
  sandbox = await sandboxInTempDir({ timeScale: SCALE });
  wxpay = pluginClient(sandbox);
  merchant = await merchantServer(() => publicKeyMap(sandbox), sandbox.identity.apiV3Key);
});
afterAll(async () => {
  await merchant.close();
  await sandbox.cleanup();
});
beforeEach(async () => {
  await sandbox.control.reset();
  merchant.received.length = 0;
  merchant.answer = (n) => (n.verified ? 204 : 401);
});

async function prepaid(overrides: Record<string, unknown> = {}) {
  const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/notify`, ...overrides });
  const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
  return { body, prepayId: data.prepay_id as string };
}

async function paid(overrides: Record<string, unknown> = {}) {
  const trade = await prepaid(overrides);
  const transaction = await sandbox.control.pay(trade.prepayId);
  return { ...trade, transaction };
}

const query = (outTradeNo: string) => wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: outTradeNo });

describe('notification faults', () => {
  it('drop: every delivery is lost, the schedule runs out; redeliver then gets through', async () => {
    // Its own sandbox, faster still, so the whole 24h4m schedule passes in ≈2 s.
    const fast = await sandboxInTempDir({ timeScale: 0.00002 });
    try {
      const client = pluginClient(fast);
      const receiver = await merchantServer(() => publicKeyMap(fast), fast.identity.apiV3Key);
      await fast.control.setFault({ kind: 'drop' });
      const body = await prepayBody(fast, { notify_url: `${receiver.url}/notify` });
      await fast.control.pay((await client.v3.pay.transactions.jsapi.post(body)).data.prepay_id);
      const record = await fast.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'failed', 10_000);
      expect(record.attempts).toHaveLength(16);
      expect(record.attempts.every((a) => a.dropped)).toBe(true);
      expect(receiver.received).toHaveLength(0);
      const attempt = await fast.control.redeliver(record.id);
      expect(attempt).toMatchObject({ kind: 'redeliver', status: 204, ok: true });
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      expect((await fast.control.notifications({ outTradeNo: body.out_trade_no }))[0]!.status).toBe('delivered');
      await receiver.close();
    } finally {
      await fast.cleanup();
    }
  });

  it('drop_first N: the first N deliveries are lost, the next arrives; a fault on another trade changes nothing', async () => {
    const other = await prepaid();
    await sandbox.control.setFault({ kind: 'drop_first', count: 2, outTradeNo: other.body.out_trade_no });
    await sandbox.control.setFault({ kind: 'drop_first', count: 3 });
    const { body } = await paid();
    const record = await sandbox.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'delivered');
    expect(record.attempts.map((a) => Boolean(a.dropped))).toEqual([true, true, true, false]);
    expect(merchant.received).toHaveLength(1);
    expect(merchant.received[0]!.verified).toBe(true);
  });

  it('duplicate: the same notification arrives again after a success', async () => {
    await sandbox.control.setFault({ kind: 'duplicate', count: 2, ms: 20 });
    const { body } = await paid();
    const received = await merchant.waitFor(3);
    expect(received.map((n) => n.body!.id)).toEqual(Array(3).fill(received[0]!.body!.id));
    expect(received.every((n) => n.verified && n.resource!.out_trade_no === body.out_trade_no)).toBe(true);
    const [record] = await sandbox.control.notifications({ outTradeNo: body.out_trade_no });
    expect(record!.status).toBe('delivered');
    expect(record!.attempts.map((a) => a.kind)).toEqual(['scheduled', 'duplicate', 'duplicate']);
  });

  it('concurrent_duplicates: copies arrive at the same time', async () => {
    await sandbox.control.setFault({ kind: 'concurrent_duplicates', count: 3 });
    let inFlight = 0;
    let maxInFlight = 0;
    merchant.answer = async (n) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(100);
      inFlight -= 1;
      return n.verified ? 204 : 401;
    };
    const { body } = await paid();
    const received = await merchant.waitFor(3);
    expect(new Set(received.map((n) => n.body!.id)).size).toBe(1);
    expect(maxInFlight).toBe(3);
    const record = await sandbox.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'delivered');
    expect(record.attempts.filter((a) => a.kind === 'concurrent')).toHaveLength(3);
  });

  it('delay: the first delivery waits', async () => {
    await sandbox.control.setFault({ kind: 'delay', ms: 400 });
    const started = Date.now();
    await paid();
    const [n] = await merchant.waitFor(1);
    expect(n!.at - started).toBeGreaterThanOrEqual(400);
  });

  it('out_of_order: the refund notification arrives before the payment notification', async () => {
    await sandbox.control.setFault({ kind: 'out_of_order', ms: 10_000 });
    const { body } = await paid();
    await sleep(100);
    expect(merchant.received).toHaveLength(0);
    expect((await query(body.out_trade_no)).data.trade_state).toBe('SUCCESS'); // the merchant learns by querying
    await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'OOO1', notify_url: `${merchant.url}/refund`, amount: { refund: 100, total: 1234, currency: 'CNY' } });
    await sandbox.control.settleRefund('OOO1');
    const received = await merchant.waitFor(2);
    expect(received.map((n) => n.body!.event_type)).toEqual(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS']);
    expect(received.every((n) => n.verified)).toBe(true);
  });

  it('signtest: a WECHATPAY/SIGNTEST/ probe first (which must fail verification), then the real one', async () => {
    await sandbox.control.setFault({ kind: 'signtest' });
    const { body } = await paid();
    const received = await merchant.waitFor(2);
    expect(String(received[0]!.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(received[0]!.verified).toBe(false);
    expect(received[0]!.answered).toBe(401);
    expect(received[1]!.verified).toBe(true);
    const record = await sandbox.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'delivered');
    expect(record.attempts.map((a) => a.signature)).toEqual(['signtest', 'valid']);
  });

  it('signtest: a merchant that accepts the probe is flagged, and still gets the real one', async () => {
    await sandbox.control.setFault({ kind: 'signtest' });
    merchant.answer = () => 200; // a merchant that does not verify
    const { body } = await paid();
    const record = await sandbox.control.waitForNotification({ outTradeNo: body.out_trade_no }, (n) => n.status === 'delivered');
    expect(record.attempts[0]).toMatchObject({ signature: 'signtest', status: 200, acceptedBadSignature: true });
    expect(record.attempts[1]).toMatchObject({ signature: 'valid', status: 200 });
  });

  it('signtest on answers: the probe in an API answer fails the client’s verification', async () => {
    const { body } = await prepaid();
    await sandbox.control.setFault({ kind: 'signtest', endpoints: ['query'], count: 1 });
    const error = await query(body.out_trade_no).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST');
    expect((await query(body.out_trade_no)).data.trade_state).toBe('NOTPAY');
  });

  it('tamper_signature: a well-formed but wrong signature, on a notification and on an answer', async () => {
    await sandbox.control.setFault({ kind: 'tamper_signature', count: 2 });
    const { body } = await paid();
    const received = await merchant.waitFor(3);
    expect(received.map((n) => n.verified)).toEqual([false, false, true]);
    expect(String(received[0]!.headers['wechatpay-signature'])).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    await sandbox.control.clearFaults();
    await sandbox.control.setFault({ kind: 'tamper_signature', endpoints: ['query'], count: 1 });
    const error = await query(body.out_trade_no).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST');
  });
});

describe('request faults', () => {
  it('http_5xx: prepay, query, close and refund answer a signed 500 SYSTEM_ERROR, without acting', async () => {
    await sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['prepay'], count: 1 });
    const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/notify` });
    expect(await failure(wxpay.v3.pay.transactions.jsapi.post(body))).toMatchObject({ status: 500, data: { code: 'SYSTEM_ERROR' } });
    expect((await failure(query(body.out_trade_no))).status).toBe(404); // nothing was created
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: false });

    await sandbox.control.setFault({ kind: 'http_5xx', outTradeNo: body.out_trade_no });
    expect((await failure(query(body.out_trade_no))).status).toBe(500);
    const close = wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: sandbox.identity.mchid }, { out_trade_no: body.out_trade_no });
    expect((await failure(close)).status).toBe(500);
    const refund = wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'F5', amount: { refund: 1, total: 1234, currency: 'CNY' } });
    expect((await failure(refund)).data.code).toBe('SYSTEM_ERROR');
    expect((await sandbox.control.refunds()).length).toBe(0);
    const other = await prepaid();
    expect((await query(other.body.out_trade_no)).status).toBe(200); // scoped to one trade

    await sandbox.control.clearFaults();
    await sandbox.control.setFault({ kind: 'http_5xx', status: 502, count: 1 });
    const gateway = await fetch(`${sandbox.url}/v3/pay/transactions/jsapi`, { method: 'POST' }).catch(() => undefined);
    expect(gateway?.status).toBe(401); // authentication comes first
    const bad = await query(body.out_trade_no).catch((e: { response?: { status: number; headers: Record<string, string> } }) => e.response);
    expect(bad?.status).toBe(502);
    expect(bad?.headers['wechatpay-signature']).toBeUndefined();
  });

  it('timeout: the call is carried out but the answer never comes; the retry gets the same prepay_id', async () => {
    await sandbox.control.setFault({ kind: 'timeout', endpoints: ['prepay'], ms: 400, count: 1 });
    const body = await prepayBody(sandbox);
    const started = Date.now();
    const error = (await wxpay.v3.pay.transactions.jsapi.post(body, { timeout: 200 }).catch((e: unknown) => e)) as { code?: string };
    expect(error.code).toBe('ECONNABORTED');
    expect(Date.now() - started).toBeLessThan(400);
    const { data: existing } = await query(body.out_trade_no);
    expect(existing.trade_state).toBe('NOTPAY');
    const trade = await sandbox.control.trade(body.out_trade_no);
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    expect(data.prepay_id).toBe(trade.prepay_id);
    // Without a client timeout the connection is dropped after `ms`.
    await sandbox.control.setFault({ kind: 'timeout', endpoints: ['query'], ms: 50, count: 1 });
    const dropped = (await query(body.out_trade_no).catch((e: unknown) => e)) as { code?: string; response?: unknown };
    expect(dropped.response).toBeUndefined();
    expect(dropped.code).toBe('ECONNRESET');
  });

  it('slow: the call is held before it is carried out, so a close sent meanwhile finds no trade; then it answers as usual', async () => {
    const body = await prepayBody(sandbox);
    await sandbox.control.setFault({ kind: 'slow', endpoints: ['prepay'], outTradeNo: body.out_trade_no, ms: 300, count: 1 });
    const started = Date.now();
    const held = wxpay.v3.pay.transactions.jsapi.post(body);
    await sleep(100);
    // Not carried out yet: WeChat knows no such trade.
    const close = wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: sandbox.identity.mchid }, { out_trade_no: body.out_trade_no });
    expect(await failure(close)).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
    const { data } = await held;
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(data.prepay_id).toBe((await sandbox.control.trade(body.out_trade_no)).prepay_id);
    expect((await query(body.out_trade_no)).data.trade_state).toBe('NOTPAY');
    // `count` spent: the next call is not held (the fault fired once, not twice).
    expect((await wxpay.v3.pay.transactions.jsapi.post(body)).data.prepay_id).toBe(data.prepay_id);
    expect((await sandbox.control.faults())[0]).toMatchObject({ kind: 'slow', fired: 1 });
  });

  it('refund_abnormal: refunds settle ABNORMAL and notify REFUND.ABNORMAL', async () => {
    const { body } = await paid();
    await merchant.waitFor(1);
    await sandbox.control.setFault({ kind: 'refund_abnormal', outTradeNo: body.out_trade_no });
    await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'AB1', notify_url: `${merchant.url}/refund`, amount: { refund: 34, total: 1234, currency: 'CNY' } });
    expect((await sandbox.control.settleRefund('AB1')).status).toBe('ABNORMAL');
    const received = await merchant.waitFor(2);
    expect(received[1]!.body!.event_type).toBe('REFUND.ABNORMAL');
    expect(received[1]!.resource).toMatchObject({ refund_status: 'ABNORMAL', out_refund_no: 'AB1' });
    expect((await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: 'AB1' })).data.status).toBe('ABNORMAL');
    expect((await sandbox.control.settleRefund('AB1', 'SUCCESS')).status).toBe('SUCCESS'); // handled offline
    await expect(sandbox.control.settleRefund('AB1', 'CLOSED')).rejects.toMatchObject({ status: 409 });
  });

  it('not_enough: the refund is refused 403 NOT_ENOUGH while it lasts', async () => {
    const { body } = await paid();
    await sandbox.control.setFault({ kind: 'not_enough', count: 1 });
    const request = { out_trade_no: body.out_trade_no, out_refund_no: 'NE1', amount: { refund: 10, total: 1234, currency: 'CNY' } };
    expect(await failure(wxpay.v3.refund.domestic.refunds.post(request))).toMatchObject({ status: 403, data: { code: 'NOT_ENOUGH' } });
    expect((await wxpay.v3.refund.domestic.refunds.post(request)).data.status).toBe('PROCESSING');
  });

  it('login_busy: code2Session answers -1 and the code stays usable', async () => {
    await sandbox.control.setFault({ kind: 'login_busy', count: 1 });
    const { code, openid } = await sandbox.control.loginCode('alice');
    const url = `${sandbox.url}/sns/jscode2session?appid=${sandbox.identity.appid}&secret=${sandbox.identity.secret}&js_code=${code}&grant_type=authorization_code`;
    expect(await (await fetch(url)).json()).toMatchObject({ errcode: -1 });
    expect(await (await fetch(url)).json()).toMatchObject({ openid });
  });

  it('tamper_bill: the downloaded bill no longer matches its SHA1', async () => {
    await paid();
    await sandbox.control.setFault({ kind: 'tamper_bill', count: 1 });
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const download = async () => {
      const { data: bill } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: today, bill_type: 'ALL' } });
      const file = await wxpay.v3.billdownload.file.get({ params: Object.fromEntries(new URL(bill.download_url).searchParams), responseType: 'arraybuffer' });
      return { expected: bill.hash_value as string, actual: Hash.sha1(Buffer.from(file.data as ArrayBuffer)), text: Buffer.from(file.data as ArrayBuffer).toString('utf8') };
    };
    const tampered = await download();
    expect(tampered.actual).not.toBe(tampered.expected);
    expect(tampered.text).toContain('`12.35');
    const honest = await download();
    expect(honest.actual).toBe(honest.expected);
  });

  it('rejects an unknown fault kind', async () => {
    await expect(sandbox.control.setFault({ kind: 'gremlins' as never })).rejects.toMatchObject({ status: 400 });
    expect(readFileSync(sandbox.identity.paths.apiEnv, 'utf8')).toContain('WECHATPAY_BASE=');
  });
});
