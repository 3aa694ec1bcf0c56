// The HTML pages: the cashier (the H5 build's requestPayment), the login page (its wx.login), the dashboard.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { merchantServer, pluginClient, prepayBody, publicKeyMap, sandboxInTempDir, type Merchant, type TestSandbox, type PayClient } from './helpers';

let sandbox: TestSandbox;
let merchant: Merchant;
beforeAll(async () => {
  sandbox = await sandboxInTempDir();
  merchant = await merchantServer(() => publicKeyMap(sandbox), sandbox.identity.apiV3Key);
});
afterAll(async () => {
  await merchant.close();
  await sandbox.cleanup();
});
beforeEach(async () => {
  await sandbox.control.reset();
  merchant.received.length = 0;
});

async function prepay() {
  const body = await prepayBody(sandbox, { notify_url: `${merchant.url}/notify` });
  const client: PayClient = pluginClient(sandbox);
  const { data } = await client.v3.pay.transactions.jsapi.post(body);
  return { body, prepayId: data.prepay_id as string };
}

/** requestPayment parameters signed by the merchant key with the plugin (as the API would). */
function payParams(prepayId: string, appId = sandbox.identity.appid) {
  const params = { appId, timeStamp: String(Formatter.timestamp()), nonceStr: Formatter.nonce(), package: `prepay_id=${prepayId}`, signType: 'RSA' };
  const key = Rsa.from(readFileSync(sandbox.identity.paths.merchantPrivateKey), Rsa.KEY_TYPE_PRIVATE);
  return { ...params, paySign: Rsa.sign(Formatter.joinedByLineFeed(params.appId, params.timeStamp, params.nonceStr, params.package), key) };
}

const page = async (path: string) => {
  const res = await fetch(`${sandbox.url}${path}`);
  return { status: res.status, html: await res.text() };
};
const confirm = (fields: Record<string, string>) =>
  fetch(`${sandbox.url}/__sandbox/cashier`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('cashier', () => {
  it('verifies paySign, shows the amount in yuan, pays, redirects with result=success and notifies', async () => {
    const { body, prepayId } = await prepay();
    const params = payParams(prepayId);
    const redirect = 'http://localhost:5173/#/pages/order/result?id=7';
    const { html } = await page(`/__sandbox/cashier?${new URLSearchParams({ ...params, redirect })}`);
    expect(html).toContain('¥12.34');
    expect(html).toContain('小店-测试商品');
    expect(html).toContain('paySign verified');
    expect(html).not.toMatch(/name="outcome" value="SUCCESS" disabled/);
    const res = await confirm({ ...params, redirect, outcome: 'SUCCESS' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://localhost:5173/#/pages/order/result?id=7&result=success');
    expect((await sandbox.control.trade(body.out_trade_no)).transaction.trade_state).toBe('SUCCESS');
    const [n] = await merchant.waitFor(1);
    expect(n!.verified).toBe(true);
  });

  it('refuses a bad paySign, an MD5 signType, another appId, a package without prepay_id=', async () => {
    const { body, prepayId } = await prepay();
    const good = payParams(prepayId);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ ...good, paySign: payParams(prepayId).paySign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, /paySign does not verify/],
      [{ ...good, signType: 'MD5' }, /signType must be/],
      [payParams(prepayId, 'wx0000000000000000'), /is not the appid/],
      [{ ...good, package: prepayId, prepay_id: prepayId }, /package must be/],
    ];
    for (const [params, message] of cases) {
      const { html } = await page(`/__sandbox/cashier?${new URLSearchParams(params)}`);
      expect(html).toMatch(message);
      expect(html).toMatch(/name="outcome" value="SUCCESS" disabled/);
      const res = await confirm({ ...params, prepay_id: prepayId, redirect: 'http://h5.test/pay', outcome: 'SUCCESS' });
      expect(res.headers.get('location')).toMatch(/^http:\/\/h5\.test\/pay\?result=fail&message=/);
    }
    expect((await sandbox.control.trade(body.out_trade_no)).transaction.trade_state).toBe('NOTPAY');
  });

  it('cancel leaves the trade unpaid; fail records PAYERROR; neither notifies', async () => {
    const { body, prepayId } = await prepay();
    const cancel = await confirm({ prepay_id: prepayId, redirect: 'http://h5.test/r', outcome: 'CANCEL' });
    expect(cancel.headers.get('location')).toBe('http://h5.test/r?result=cancel');
    expect((await sandbox.control.trade(body.out_trade_no)).transaction.trade_state).toBe('NOTPAY');
    const fail = await confirm({ prepay_id: prepayId, redirect: 'http://h5.test/r', outcome: 'FAIL' });
    expect(fail.headers.get('location')).toBe('http://h5.test/r?result=fail');
    expect((await sandbox.control.trade(body.out_trade_no)).transaction.trade_state).toBe('PAYERROR');
    expect(await sandbox.control.notifications()).toHaveLength(0);
    // Without a redirect the result is a page.
    const { html } = await page(`/__sandbox/cashier?prepay_id=${prepayId}`);
    expect(html).toContain('¥12.34');
    const shown = await confirm({ prepay_id: prepayId, outcome: 'SUCCESS' });
    expect(await shown.text()).toContain('支付成功');
  });

  it('pays from a script as the README shows: a JSON POST with the requestPayment parameters; no outcome is a failed payment', async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${sandbox.url}/__sandbox/cashier`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields) });
    const { body, prepayId } = await prepay();
    // The package alone names the trade; with paySign every parameter is checked before paying.
    const paid = await post({ ...payParams(prepayId), outcome: 'SUCCESS', redirect: 'http://localhost/done' });
    expect(paid.status).toBe(302);
    expect(paid.headers.get('location')).toBe('http://localhost/done?result=success');
    expect((await sandbox.control.trade(body.out_trade_no)).transaction.trade_state).toBe('SUCCESS');
    expect((await merchant.waitFor(1))[0]!.verified).toBe(true);
    // Paying again fails, with WeChat's reason; without a redirect the answer is a 200 page saying result=…
    const again = await post({ prepay_id: prepayId, outcome: 'SUCCESS' });
    expect(again.status).toBe(200);
    expect(await again.text()).toMatch(/ORDERPAID[\s\S]*result=fail/);

    const other = await prepay();
    const missing = await post({ prepay_id: other.prepayId, redirect: 'http://localhost/done' });
    expect(missing.headers.get('location')).toBe('http://localhost/done?result=fail');
    expect((await sandbox.control.trade(other.body.out_trade_no)).transaction.trade_state).toBe('PAYERROR');
  });

  it('shows why a trade cannot be paid', async () => {
    const { html } = await page('/__sandbox/cashier?prepay_id=wx-nope');
    expect(html).toContain('unknown prepay_id');
  });
});

describe('login page', () => {
  it('lists test users and redirects back with a working code (into the hash for hash routers)', async () => {
    const redirect = 'http://localhost:5173/#/pages/login/index';
    const { html } = await page(`/__sandbox/login?redirect=${encodeURIComponent(redirect)}`);
    expect(html).toContain('alice');
    expect(html).toContain('bob');
    const res = await fetch(`${sandbox.url}/__sandbox/login/choose?user=alice&redirect=${encodeURIComponent(redirect)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^http:\/\/localhost:5173\/#\/pages\/login\/index\?code=0[A-Za-z0-9]{31}$/);
    const code = location.split('code=')[1]!;
    const session = (await (await fetch(`${sandbox.url}/sns/jscode2session?appid=${sandbox.identity.appid}&secret=${sandbox.identity.secret}&js_code=${code}&grant_type=authorization_code`)).json()) as { openid: string };
    expect(session.openid).toBe(await sandbox.control.openid('alice'));
  });
});

describe('dashboard', () => {
  it('lists trades, refunds, notifications with attempts and the merchant’s answers, and faults', async () => {
    const { body, prepayId } = await prepay();
    merchant.answer = (_n, i) => (i === 0 ? 500 : 204);
    await sandbox.control.pay(prepayId);
    await merchant.waitFor(1);
    await sandbox.control.setFault({ kind: 'drop_first', count: 2, outTradeNo: 'SOMETHING' });
    await pluginClient(sandbox).v3.refund.domestic.refunds.post({ out_trade_no: body.out_trade_no, out_refund_no: 'DASH1', amount: { refund: 5, total: 1234, currency: 'CNY' } });
    const { status, html } = await page('/__sandbox/');
    expect(status).toBe(200);
    for (const text of [body.out_trade_no, '¥12.34', 'DASH1', 'TRANSACTION.SUCCESS', 'Redeliver', 'drop_first', '{&quot;code&quot;:&quot;FAIL&quot;', '>500<', 'Add fault', 'Rotate platform certificate']) {
      expect(html, text).toContain(text);
    }
    const partial = await page('/__sandbox/?partial=1');
    expect(partial.html).not.toContain('<!doctype');
    expect(partial.html).toContain('DASH1');
    expect((await fetch(`${sandbox.url}/`, { redirect: 'manual' })).headers.get('location')).toBe('/__sandbox/');
  });
});
