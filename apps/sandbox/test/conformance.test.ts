// Conformance: the sandbox driven by an independent client, wechatpay-axios-plugin, which signs requests,
// verifies every answer's signature and parses bills by itself. Notifications are verified and decrypted
// by the plugin's Rsa/AesGcm in a merchant server of the test's own.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Aes, Formatter, Hash, Rsa } from 'wechatpay-axios-plugin';
import { openidFor } from '../src/index';
import { failure, merchantServer, pluginClient, prepayBody, publicKeyMap, sandboxInTempDir, wechatpay, type Merchant, type TestSandbox, type PayClient } from './helpers';

let sandbox: TestSandbox;
let wxpay: PayClient;
let merchant: Merchant;

beforeAll(async () => {
  sandbox = await sandboxInTempDir();
  wxpay = pluginClient(sandbox);
  merchant = await merchantServer(() => publicKeyMap(sandbox), sandbox.identity.apiV3Key);
});
afterAll(async () => {
  await merchant.close();
  await sandbox.cleanup();
});
beforeEach(async () => {
  await sandbox.control.reset();
  await sandbox.control.setKeyMode('public_key');
  merchant.received.length = 0;
  merchant.answer = (n) => (n.verified ? 204 : 401);
});

/** How the plugin downloads a bill: the download path with the URL's own query (the file is unsigned). */
const downloadBill = (url: string, extra: Record<string, unknown> = {}) =>
  wxpay.v3.billdownload.file.get({ params: Object.fromEntries(new URL(url).searchParams), responseType: 'arraybuffer', ...extra });

const beijingToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

describe('JSAPI prepay, queries, close', () => {
  it('prepays, re-prepays to the same prepay_id, queries NOTPAY, pays, notifies, queries by both ids', async () => {
    const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/api/pay/notify`, attach: 'order-42' });
    const { data: first } = await wxpay.v3.pay.transactions.jsapi.post(body);
    expect(first.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    const { data: again } = await wxpay.v3.pay.transactions.jsapi.post(body);
    expect(again.prepay_id).toBe(first.prepay_id);

    const { data: unpaid } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(unpaid).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: body.out_trade_no, appid: sandbox.identity.appid, amount: { total: 1234 } });
    expect(unpaid.transaction_id).toBeUndefined();

    const paid = await sandbox.control.pay(first.prepay_id, 'SUCCESS');
    expect(paid.trade_state).toBe('SUCCESS');
    const [notification] = await merchant.waitFor(1);
    expect(notification!.verified).toBe(true);
    expect(notification!.headers['wechatpay-serial']).toBe(sandbox.identity.publicKeyId);
    expect(notification!.body).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', summary: '支付成功' });
    expect(notification!.body!.resource).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', original_type: 'transaction', associated_data: 'transaction' });
    expect(notification!.body!.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(notification!.resource).toMatchObject({
      appid: sandbox.identity.appid,
      mchid: sandbox.identity.mchid,
      out_trade_no: body.out_trade_no,
      trade_state: 'SUCCESS',
      trade_type: 'JSAPI',
      attach: 'order-42',
      payer: { openid: body.payer.openid },
      amount: { total: 1234, payer_total: 1234, currency: 'CNY' },
    });
    expect(notification!.resource!.success_time).toMatch(/\+08:00$/);
    const transactionId = notification!.resource!.transaction_id as string;
    expect(transactionId).toMatch(/^4200\d{24}$/);

    const { data: byId } = await wxpay.v3.pay.transactions.id._transaction_id_.get({ params: { mchid: sandbox.identity.mchid }, transaction_id: transactionId });
    const { data: byNo } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(byId).toEqual(byNo);
    expect(byId).toMatchObject({ trade_state: 'SUCCESS', transaction_id: transactionId, success_time: notification!.resource!.success_time });

    // A paid trade cannot be prepaid again nor closed.
    expect((await failure(wxpay.v3.pay.transactions.jsapi.post(body))).data.code).toBe('ORDERPAID');
    const closePaid = await failure(wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: sandbox.identity.mchid }, { out_trade_no: body.out_trade_no }));
    expect(closePaid).toMatchObject({ status: 400, data: { code: 'ORDERPAID' } });
  });

  it('closes an unpaid trade with 204, idempotently; a closed trade cannot be prepaid or paid', async () => {
    const body = await prepayBody(sandbox);
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const closeCall = () => wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: sandbox.identity.mchid }, { out_trade_no: body.out_trade_no });
    expect((await closeCall()).status).toBe(204);
    expect((await closeCall()).status).toBe(204);
    const { data: closed } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(closed).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    expect((await failure(wxpay.v3.pay.transactions.jsapi.post(body))).data.code).toBe('ORDER_CLOSED');
    await expect(sandbox.control.pay(data.prepay_id)).rejects.toMatchObject({ code: 'ORDER_CLOSED' });
    const unknown = await failure(wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.close.post({ mchid: sandbox.identity.mchid }, { out_trade_no: 'NEVER_PREPAID_1' }));
    expect(unknown).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
  });

  it('answers WeChat error codes for bad input', async () => {
    const base = await prepayBody(sandbox);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, description: undefined }, 400, 'PARAM_ERROR'],
      [{ ...base, out_trade_no: 'abc' }, 400, 'PARAM_ERROR'],
      [{ ...base, out_trade_no: 'has space 123' }, 400, 'PARAM_ERROR'],
      [{ ...base, amount: { total: 0, currency: 'CNY' } }, 400, 'PARAM_ERROR'],
      [{ ...base, amount: { total: 12.5, currency: 'CNY' } }, 400, 'PARAM_ERROR'],
      [{ ...base, description: '商'.repeat(43) }, 400, 'PARAM_ERROR'], // 129 bytes
      [{ ...base, notify_url: 'https://merchant.example.com/notify?x=1' }, 400, 'PARAM_ERROR'],
      [{ ...base, time_expire: '2026-05-20 13:29:35' }, 400, 'PARAM_ERROR'],
      [{ ...base, payer: { openid: openidFor('wx0000000000000000', 'alice') } }, 400, 'PARAM_ERROR'],
      [{ ...base, appid: 'wx0000000000000000' }, 400, 'APPID_MCHID_NOT_MATCH'],
      [{ ...base, mchid: '1900000000' }, 400, 'PARAM_ERROR'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await failure(wxpay.v3.pay.transactions.jsapi.post(body));
      expect({ body, status: answer.status, code: answer.data.code }).toEqual({ body, status, code });
    }
    await wxpay.v3.pay.transactions.jsapi.post(base);
    const changed = await failure(wxpay.v3.pay.transactions.jsapi.post({ ...base, amount: { total: 999, currency: 'CNY' } }));
    expect(changed).toMatchObject({ status: 403, data: { code: 'OUT_TRADE_NO_USED' } });
    const missing = await failure(wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: 'NOPE_000001' }));
    expect(missing).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
    const noId = await failure(wxpay.v3.pay.transactions.id._transaction_id_.get({ params: { mchid: sandbox.identity.mchid }, transaction_id: '4200000000000000000000000000' }));
    expect(noId).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });
  });

  it('honours time_expire (first call only): the trade cannot be paid after it', async () => {
    const expire = new Date(Date.now() + 8 * 3600e3 + 60_000).toISOString().slice(0, 19) + '+08:00';
    const body = await prepayBody(sandbox, { time_expire: expire });
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const later = new Date(Date.now() + 8 * 3600e3 + 3600_000).toISOString().slice(0, 19) + '+08:00';
    expect((await wxpay.v3.pay.transactions.jsapi.post({ ...body, time_expire: later })).data.prepay_id).toBe(data.prepay_id);
    await sandbox.control.advanceClock(61_000);
    await expect(sandbox.control.pay(data.prepay_id)).rejects.toMatchObject({ code: 'ORDER_EXPIRED' });
    const { data: after } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(after.trade_state).toBe('NOTPAY');
  });

  it('expires a prepay_id after 2 hours and issues a new one for the same parameters', async () => {
    const body = await prepayBody(sandbox);
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    await sandbox.control.advanceClock(2 * 3600_000 + 1000);
    await expect(sandbox.control.pay(data.prepay_id)).rejects.toMatchObject({ code: 'PREPAY_EXPIRED' });
    const { data: renewed } = await wxpay.v3.pay.transactions.jsapi.post(body);
    expect(renewed.prepay_id).not.toBe(data.prepay_id);
    expect((await sandbox.control.pay(renewed.prepay_id, 'SUCCESS', { notify: false })).trade_state).toBe('SUCCESS');
  });
});

describe('Authorization', () => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  it('answers 401 SIGN_ERROR to a wrong key, serial, mchid, or a stale timestamp', async () => {
    const body = await prepayBody(sandbox);
    const forged = wechatpay({ mchid: sandbox.identity.mchid, serial: sandbox.identity.merchantSerial, privateKey: stranger, certs: publicKeyMap(sandbox), baseURL: `${sandbox.url}/` });
    expect(await failure(forged.v3.pay.transactions.jsapi.post(body))).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
    const privateKey = readFileSync(sandbox.identity.paths.merchantPrivateKey);
    const wrongSerial = wechatpay({ mchid: sandbox.identity.mchid, serial: '1234567890ABCDEF1234567890ABCDEF12345678', privateKey, certs: publicKeyMap(sandbox), baseURL: `${sandbox.url}/` });
    expect(await failure(wrongSerial.v3.pay.transactions.jsapi.post(body))).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
    const wrongMchid = wechatpay({ mchid: '1900000001', serial: sandbox.identity.merchantSerial, privateKey, certs: publicKeyMap(sandbox), baseURL: `${sandbox.url}/` });
    expect(await failure(wrongMchid.v3.pay.transactions.jsapi.post(body))).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });

    // Stale and fresh timestamps, signed by hand with the plugin's primitives.
    const key = Rsa.from(privateKey, Rsa.KEY_TYPE_PRIVATE);
    const send = async (timestamp: number) => {
      const nonce = Formatter.nonce();
      const path = `/v3/pay/transactions/out-trade-no/X123456?mchid=${sandbox.identity.mchid}`;
      const signature = Rsa.sign(Formatter.request('GET', path, timestamp, nonce, ''), key);
      const res = await fetch(`${sandbox.url}${path}`, { headers: { Authorization: Formatter.authorization(sandbox.identity.mchid, nonce, signature, timestamp, sandbox.identity.merchantSerial) } });
      return { status: res.status, raw: await res.text(), headers: res.headers };
    };
    expect((await send(Formatter.timestamp() - 301)).status).toBe(401);
    expect((await send(Formatter.timestamp() + 301)).status).toBe(401);
    const fresh = await send(Formatter.timestamp() - 250);
    expect(fresh.status).toBe(404); // authenticated; the trade does not exist
    expect(JSON.parse(fresh.raw).code).toBe('ORDER_NOT_EXIST');
  });

  it('answers an unknown /v3 path with a signed 404 after authenticating', async () => {
    const answer = await failure(wxpay.v3.marketing.favor.stocks.get());
    expect(answer).toMatchObject({ status: 404, data: { code: 'NOT_FOUND' } });
  });

  it('signs error answers too', async () => {
    const res = await fetch(`${sandbox.url}/v3/pay/transactions/jsapi`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    const raw = await res.text();
    expect(res.status).toBe(401);
    expect(JSON.parse(raw).code).toBe('SIGN_ERROR');
    const h = (name: string) => res.headers.get(name) ?? '';
    expect(h('Wechatpay-Serial')).toBe(sandbox.identity.publicKeyId);
    expect(h('Request-ID')).not.toBe('');
    const publicKey = Rsa.from(readFileSync(sandbox.identity.paths.wechatpayPublicKey), Rsa.KEY_TYPE_PUBLIC);
    expect(Rsa.verify(Formatter.response(h('Wechatpay-Timestamp'), h('Wechatpay-Nonce'), raw), h('Wechatpay-Signature'), publicKey)).toBe(true);
  });
});

describe('refunds', () => {
  async function paidTrade(total = 1234) {
    const body = await prepayBody(sandbox, { amount: { total, currency: 'CNY' } });
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const paid = await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: false });
    return { body, paid };
  }

  it('refunds (PROCESSING), queries, settles SUCCESS with a verified REFUND.SUCCESS notification', async () => {
    const { body, paid } = await paidTrade();
    const request = { transaction_id: paid.transaction_id, out_refund_no: `R${body.out_trade_no}`, reason: '不想要了', notify_url: `${merchant.url}/api/pay/refund-notify`, amount: { refund: 234, total: 1234, currency: 'CNY' } };
    const { data: refund } = await wxpay.v3.refund.domestic.refunds.post(request);
    expect(refund).toMatchObject({ status: 'PROCESSING', out_trade_no: body.out_trade_no, transaction_id: paid.transaction_id, amount: { refund: 234, total: 1234, currency: 'CNY' }, channel: 'ORIGINAL' });
    expect(refund.refund_id).toMatch(/^50\d{27}$/);
    expect(refund.create_time).toMatch(/\+08:00$/);
    expect((await wxpay.v3.refund.domestic.refunds.post(request)).data.refund_id).toBe(refund.refund_id);

    const { data: queried } = await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: request.out_refund_no });
    expect(queried).toMatchObject({ status: 'PROCESSING', refund_id: refund.refund_id });
    const { data: trade } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: body.out_trade_no });
    expect(trade.trade_state).toBe('REFUND');

    await sandbox.control.settleRefund(request.out_refund_no, 'SUCCESS');
    const [n] = await merchant.waitFor(1);
    expect(n!.verified).toBe(true);
    expect(n!.body).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功', resource: { original_type: 'refund' } });
    expect(n!.resource).toMatchObject({ refund_status: 'SUCCESS', out_refund_no: request.out_refund_no, refund_id: refund.refund_id, out_trade_no: body.out_trade_no, amount: { total: 1234, refund: 234 } });
    const { data: settled } = await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: request.out_refund_no });
    expect(settled).toMatchObject({ status: 'SUCCESS' });
    expect(settled.success_time).toMatch(/\+08:00$/);
  });

  it('enforces refund rules', async () => {
    const { body } = await paidTrade(1000);
    const refund = (no: string, amount: number, extra: Record<string, unknown> = {}) =>
      wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: no, amount: { refund: amount, total: 1000, currency: 'CNY' }, ...extra });
    expect(await failure(refund('R1', 1001))).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
    expect(await failure(refund('R1', 100, { amount: { refund: 100, total: 999, currency: 'CNY' } }))).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } });
    await refund('R1', 600);
    expect(await failure(refund('R2', 401))).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
    expect(await failure(refund('R1', 300))).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } }); // same number, other amount
    await sandbox.control.settleRefund('R1', 'CLOSED'); // a closed refund gives the money back
    await refund('R2', 1000);
    expect(await failure(refund('R3', 1))).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });

    const unpaid = await prepayBody(sandbox);
    await wxpay.v3.pay.transactions.jsapi.post(unpaid);
    const notPaid = await failure(wxpay.v3.refund.domestic.refunds.post({ out_trade_no: unpaid.out_trade_no, out_refund_no: 'R9', amount: { refund: 1, total: 1234, currency: 'CNY' } }));
    expect(notPaid).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
    const nowhere = await failure(wxpay.v3.refund.domestic.refunds.post({ out_trade_no: 'NO_SUCH_TRADE', out_refund_no: 'R10', amount: { refund: 1, total: 1, currency: 'CNY' } }));
    expect(nowhere).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } });
    expect(await failure(wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: 'NOPE' }))).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } });
  });

  it('requires amount.currency on a refund (PARAM_ERROR), and refuses another currency', async () => {
    const { body } = await paidTrade(1000);
    const refund = (amount: Record<string, unknown>) => wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'CUR1', amount });
    expect(await failure(refund({ refund: 100, total: 1000 }))).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR', detail: { field: 'amount/currency' } } });
    expect(await failure(refund({ refund: 100, total: 1000, currency: 'USD' }))).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } });
    expect(await sandbox.control.refunds()).toEqual([]);
    expect((await refund({ refund: 100, total: 1000, currency: 'CNY' })).data).toMatchObject({ status: 'PROCESSING', amount: { currency: 'CNY' } });
  });

  it('auto-settles refunds when asked to (and ABNORMAL under the fault)', async () => {
    // startSandbox() alone (tests) leaves refunds PROCESSING until settled; only the command defaults to auto.
    expect((await sandbox.control.settings()).auto_settle_refunds_ms).toBe(0);
    await sandbox.control.settings({ auto_settle_refunds_ms: 50 });
    try {
      const { body } = await paidTrade();
      const status = async (no: string) => (await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: no })).data.status as string;
      const settled = async (no: string) => {
        for (let i = 0; i < 100; i++) {
          const current = await status(no);
          if (current !== 'PROCESSING') return current;
          await new Promise((r) => setTimeout(r, 20));
        }
        return 'PROCESSING';
      };
      const { data } = await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'AUTO1', amount: { refund: 1, total: 1234, currency: 'CNY' } });
      expect(data.status).toBe('PROCESSING');
      expect(await settled('AUTO1')).toBe('SUCCESS');
      await sandbox.control.setFault({ kind: 'refund_abnormal', outTradeNo: body.out_trade_no });
      await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'AUTO2', amount: { refund: 1, total: 1234, currency: 'CNY' } });
      expect(await settled('AUTO2')).toBe('ABNORMAL');
    } finally {
      await sandbox.control.settings({ auto_settle_refunds_ms: 0 });
    }
  });

  it('allows at most 50 refunds per trade', async () => {
    const { body } = await paidTrade(100);
    for (let i = 0; i < 50; i++) {
      await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: `M${i}`, amount: { refund: 1, total: 100, currency: 'CNY' } });
    }
    const answer = await failure(wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'M50', amount: { refund: 1, total: 100, currency: 'CNY' } }));
    expect(answer).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
  });
});

describe('trade bill', () => {
  it('serves the day’s ALL bill in yuan, with its SHA1, through a 30-second signed download', async () => {
    const body = await prepayBody(sandbox, { amount: { total: 1234, currency: 'CNY' }, description: '小店,逗号商品', attach: 'a1' });
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const paid = await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: false });
    await wxpay.v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'BILLR1', amount: { refund: 5, total: 1234, currency: 'CNY' } });
    await sandbox.control.settleRefund('BILLR1', 'SUCCESS');
    const small = await prepayBody(sandbox, { amount: { total: 1, currency: 'CNY' } });
    await sandbox.control.pay((await wxpay.v3.pay.transactions.jsapi.post(small)).data.prepay_id, 'SUCCESS', { notify: false });

    const { data: bill } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: beijingToday(), bill_type: 'ALL' } });
    expect(bill.hash_type).toBe('SHA1');
    expect(bill.download_url).toMatch(new RegExp(`^${sandbox.url}/v3/billdownload/file\\?token=`));
    const file = await downloadBill(bill.download_url);
    const bytes = Buffer.from(file.data as ArrayBuffer);
    expect(file.headers['wechatpay-signature']).toBeUndefined();
    expect(Hash.sha1(bytes)).toBe(bill.hash_value);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const { rows, summary } = Formatter.castCsvBill(bytes) as { rows: Array<Record<string, string>>; summary: Record<string, string> };
    expect(rows).toHaveLength(3);
    const payment = rows.find((r) => r['商户订单号'] === body.out_trade_no && r['交易状态'] === 'SUCCESS')!;
    expect(payment).toMatchObject({ 公众账号ID: sandbox.identity.appid, 商户号: sandbox.identity.mchid, 微信订单号: paid.transaction_id, 应结订单金额: '12.34', 订单金额: '12.34', 商品名称: '小店,逗号商品', 商户数据包: 'a1', 交易类型: 'JSAPI', 用户标识: body.payer.openid, 手续费: '0.07', 费率: '0.60%' });
    expect(payment['交易时间']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const refundRow = rows.find((r) => r['交易状态'] === 'REFUND')!;
    expect(refundRow).toMatchObject({ 商户退款单号: 'BILLR1', 退款金额: '0.05', 申请退款金额: '0.05', 退款状态: 'SUCCESS' });
    expect(rows.find((r) => r['商户订单号'] === small.out_trade_no)).toMatchObject({ 应结订单金额: '0.01' });
    expect(summary).toMatchObject({ 总交易单数: '3', 应结订单总金额: '12.35', 退款总金额: '0.05', 订单总金额: '12.35', 申请退款总金额: '0.05' });

    // The URL lives 30 s (sandbox clock).
    const { data: again } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: beijingToday(), bill_type: 'ALL' } });
    await sandbox.control.advanceClock(31_000);
    const expired = await failure(downloadBill(again.download_url, { responseType: 'json' }));
    expect(expired).toMatchObject({ status: 400, data: { code: 'INVALID_REQUEST' } });
  });

  it('answers NO_STATEMENT_EXIST for a day without trades, PARAM_ERROR for a bad date', async () => {
    expect(await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: '2020-01-01', bill_type: 'ALL' } }))).toMatchObject({ status: 400 });
    const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
    expect(await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: yesterday, bill_type: 'ALL' } }))).toMatchObject({ status: 400, data: { code: 'NO_STATEMENT_EXIST' } });
    expect(await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: '2026-02-30' } }))).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } });
  });

  it('puts a payment on the Beijing date of its success_time', async () => {
    const body = await prepayBody(sandbox, { amount: { total: 1250, currency: 'CNY' } });
    const { data } = await wxpay.v3.pay.transactions.jsapi.post(body);
    const yesterday = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
    await sandbox.control.pay(data.prepay_id, 'SUCCESS', { notify: false, successTime: `${yesterday}T23:59:59+08:00` });
    const { data: bill } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: yesterday, bill_type: 'ALL' } });
    const file = await downloadBill(bill.download_url);
    const { rows } = Formatter.castCsvBill(Buffer.from(file.data as ArrayBuffer)) as { rows: Array<Record<string, string>> };
    expect(rows.map((r) => r['商户订单号'])).toEqual([body.out_trade_no]);
    expect(rows[0]!['交易时间']).toBe(`${yesterday} 23:59:59`);
    expect(rows[0]!['手续费']).toBe('0.08'); // 0.6% of 12.50 = 0.075, rounded half up
    expect(await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: beijingToday() } }))).toMatchObject({ data: { code: 'NO_STATEMENT_EXIST' } });
  });
});

describe('bill timing and inserted trades', () => {
  it('strict_bill_timing: a day’s bill exists only from 10:00 the next day', async () => {
    const body = await prepayBody(sandbox);
    await sandbox.control.pay((await wxpay.v3.pay.transactions.jsapi.post(body)).data.prepay_id, 'SUCCESS', { notify: false });
    await sandbox.control.settings({ strict_bill_timing: true });
    try {
      const today = beijingToday();
      expect(await failure(wxpay.v3.bill.tradebill.get({ params: { bill_date: today } }))).toMatchObject({ status: 400, data: { code: 'NO_STATEMENT_EXIST' } });
      const { now } = await sandbox.control.clock();
      const nextDayTen = Date.parse(`${today}T10:00:00+08:00`) + 86400e3;
      await sandbox.control.advanceClock(nextDayTen - Date.parse(now) + 1000);
      expect((await wxpay.v3.bill.tradebill.get({ params: { bill_date: today } })).data.hash_type).toBe('SHA1');
    } finally {
      await sandbox.control.settings({ strict_bill_timing: false });
    }
  });

  it('an inserted trade is paid at WeChat, unknown to the merchant, and in the bill', async () => {
    const openid = await sandbox.control.openid('bob');
    const inserted = await sandbox.control.insertTrade({ outTradeNo: 'GHOST_0001', totalFen: 500, openid, description: '未知订单' });
    expect(inserted).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 500 } });
    const { data } = await wxpay.v3.pay.transactions.outTradeNo.$out_trade_no$.get({ params: { mchid: sandbox.identity.mchid }, out_trade_no: 'GHOST_0001' });
    expect(data.transaction_id).toBe(inserted.transaction_id);
    expect(await sandbox.control.notifications()).toHaveLength(0);
    const { data: bill } = await wxpay.v3.bill.tradebill.get({ params: { bill_date: beijingToday() } });
    const file = await downloadBill(bill.download_url);
    expect(Buffer.from(file.data as ArrayBuffer).toString('utf8')).toContain('`GHOST_0001');
    // The download needs a signed request like every other call.
    expect((await fetch(bill.download_url)).status).toBe(401);
  });
});

describe('platform certificates', () => {
  it('answers 404 RESOURCE_NOT_EXISTS in public-key mode, pointing to the WeChat Pay public key', async () => {
    const answer = await failure(wxpay.v3.certificates.get());
    // WeChat's code for a merchant without platform certificates; the status stays 404, which clients test for.
    expect(answer).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } });
    expect(answer.data.message).toContain('微信支付公钥');
  });

  it('downloads, decrypts and verifies with the downloaded certificate (the plugin CLI’s way); rotation adds one', async () => {
    await sandbox.control.setKeyMode('certificate');
    const download = async () => {
      const certs: Record<string, string | undefined> = { any: undefined };
      const client = pluginClient(sandbox, certs as Record<string, string>);
      const injector = (raw: string) => {
        for (const item of (JSON.parse(raw) as { data: Array<{ serial_no: string; encrypt_certificate: { nonce: string; associated_data: string; ciphertext: string } }> }).data) {
          certs[item.serial_no] = Aes.AesGcm.decrypt(item.encrypt_certificate.ciphertext, sandbox.identity.apiV3Key, item.encrypt_certificate.nonce, item.encrypt_certificate.associated_data);
        }
        return raw;
      };
      // The plugin copies `certs` into its verifier at construction; re-create a verifying client with them.
      const raw = await client.v3.certificates.get({ transformResponse: [injector, (d: string) => d] });
      const verifying = pluginClient(sandbox, Object.fromEntries(Object.entries(certs).filter(([, v]) => v)) as Record<string, string>);
      const { data, headers } = await verifying.v3.certificates.get();
      expect(Object.keys(certs)).toContain(headers['wechatpay-serial']);
      return { data: data as { data: Array<{ serial_no: string; effective_time: string; expire_time: string }> }, certs, raw };
    };
    const { data, certs } = await download();
    expect(data.data).toHaveLength(1);
    const [item] = data.data;
    const x509 = new X509Certificate(certs[item!.serial_no]!);
    expect(x509.serialNumber.toUpperCase()).toBe(item!.serial_no);
    expect(item!.serial_no).toMatch(/^[0-9A-F]{40}$/);
    expect(item!.expire_time).toMatch(/\+08:00$/);
    expect(x509.verify(x509.publicKey)).toBe(true);

    const rotated = await sandbox.control.rotateCertificate();
    expect(rotated.current_certificate_serial).not.toBe(item!.serial_no);
    const after = await download();
    expect(after.data.data.map((c) => c.serial_no).sort()).toEqual([item!.serial_no, rotated.current_certificate_serial].sort());
    // Answers are now signed by the new certificate.
    const verifyingNew = pluginClient(sandbox, { [rotated.current_certificate_serial!]: after.certs[rotated.current_certificate_serial!]! });
    const body = await prepayBody(sandbox);
    const answer = await verifyingNew.v3.pay.transactions.jsapi.post(body);
    expect(answer.headers['wechatpay-serial']).toBe(rotated.current_certificate_serial);
  });
});
