// Reconciliation against the sandbox's trade bills: each scenario pays (or fails to pay) on its own past Beijing
// date (success_time), so every date's bill holds exactly that scenario's trades.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTradeBill, sha1Hex } from '@xiaodian/wechatpay';
import { workspaceRoot } from '../src/config';
import { acquireLease, releaseLease } from '../src/infra/lease';
import { pickDatesToReconcile, runReconciliationJob } from '../src/modules/reconciliation/reconciliation-job';
import { addDays, beijingDate } from '@xiaodian/shared';
import { reconcileDate } from '../src/modules/reconciliation/reconcile-date';
import { adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';
import { forgeNotification, transactionFor } from './wechat-forge';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());
afterEach(async () => {
  await world.sandbox.control.clearFaults();
  await services().drain();
});

const services = () => world.api.instance.services;
const today = () => beijingDate(new Date());
const daysAgo = (n: number) => addDays(today(), -n);
const noonOf = (date: string) => `${date}T12:00:00+08:00`;

async function placeOrder(user: string, priceFen = 1999) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, admin, { priceFen, stock: 10 });
  const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
  expect(res.status).toBe(201);
  return { token, order: res.body, openid: await world.sandbox.control.openid(user) };
}

async function prepay(token: string, orderId: string): Promise<string> {
  const res = await call(world.api.url, 'POST', `/api/orders/${orderId}/pay`, { token });
  expect(res.status).toBe(200);
  return String(res.body.package).replace('prepay_id=', '');
}

/**
 * Paid at WeChat on `date`, and nobody here knows: every delivery of the notification dropped (while the fault
 * is on: clearing it lets WeChat's next retry through), or none ever sent.
 */
async function paidWithLostNotification(user: string, date: string, lost: 'dropped' | 'never sent' = 'dropped') {
  const placed = await placeOrder(user);
  const prepayId = await prepay(placed.token, placed.order.id);
  if (lost === 'dropped') await world.sandbox.control.setFault({ kind: 'drop', outTradeNo: placed.order.outTradeNo });
  const tx = await world.sandbox.control.pay(prepayId, 'SUCCESS', { successTime: noonOf(date), notify: lost === 'dropped' });
  return { ...placed, transactionId: tx.transaction_id! };
}

/** A prepay that never reached WeChat (5xx every time): the attempt exists here, WeChat knows nothing. */
async function attemptWeChatNeverSaw(user: string, priceFen = 1999) {
  const placed = await placeOrder(user, priceFen);
  await world.sandbox.control.setFault({ kind: 'http_5xx', endpoints: ['prepay'] });
  const res = await call(world.api.url, 'POST', `/api/orders/${placed.order.id}/pay`, { token: placed.token });
  expect(res.status).toBe(503);
  await world.sandbox.control.clearFaults();
  const attempt = await services().models.PaymentAttempt.findOne({ orderId: placed.order.id }).lean();
  expect(attempt?.status).toBe('CREATED');
  return { ...placed, outTradeNo: attempt!.outTradeNo };
}

const reconcile = (date: string, api = world.api) => call(api.url, 'POST', '/api/admin/reconciliations', { token: admin, body: { date } });
const orderOf = async (token: string, id: string) => (await call(world.api.url, 'GET', `/api/orders/${id}`, { token })).body;
/** The contract's Report plus totals: what must not change when a date runs again. */
const stable = (r: any) => ({ date: r.date, billRows: r.billRows, matched: r.matched, discrepancies: r.discrepancies, totals: r.totals });

describe('reconciliation of a date', () => {
  const date = daysAgo(2);
  let lost: Awaited<ReturnType<typeof paidWithLostNotification>>;
  let first: any;

  it('heals a payment whose notification was lost and nobody polled, and keeps the bill', async () => {
    lost = await paidWithLostNotification('recon-lost', date);
    const normal = await placeOrder('recon-normal', 500);
    await world.sandbox.control.pay(await prepay(normal.token, normal.order.id), 'SUCCESS', { successTime: noonOf(date) });
    await world.sandbox.control.waitForNotification({ outTradeNo: normal.order.outTradeNo, status: 'delivered' });
    expect((await orderOf(lost.token, lost.order.id)).status).toBe('PENDING_PAYMENT');

    const res = await reconcile(date);
    expect(res.status).toBe(200);
    first = res.body;
    expect(first).toMatchObject({ date, billRows: 2, matched: 1, noStatement: false, refusedDownloads: 0 });
    expect(first.discrepancies).toEqual([
      expect.objectContaining({ kind: 'MISSING_LOCALLY', outTradeNo: lost.order.outTradeNo, transactionId: lost.transactionId, action: 'HEALED' }),
    ]);
    expect(first.totals).toEqual({ wechatPaidFen: 1999 + 500, localPaidFen: 1999 + 500, wechatRefundFen: 0, localRefundFen: 0 });

    const healed = await orderOf(lost.token, lost.order.id);
    expect(healed).toMatchObject({ status: 'PAID', transactionId: lost.transactionId });
    expect(new Date(healed.paidAt).toISOString()).toBe(new Date(noonOf(date)).toISOString());

    // The raw file is kept byte for byte (its SHA1 is WeChat's), and its rows in fen.
    const file = await services().models.BillFile.findById(date).lean();
    const text = gunzipSync(Buffer.from(file!.gzipBase64, 'base64')).toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(sha1Hex(text)).toBe(file!.sha1);
    expect(first.billSha1).toBe(file!.sha1);
    const rows = await services().models.BillRow.find({ date }).sort({ line: 1 }).lean();
    expect(rows.map((r) => [r.outTradeNo, (r.row as { totalFen: number }).totalFen]).sort()).toEqual(
      [
        [lost.order.outTradeNo, 1999],
        [normal.order.outTradeNo, 500],
      ].sort(),
    );
  });

  it('gives the same report when the date runs again, from another instance, and applies nothing twice', async () => {
    const other = await world.startAnotherInstance();
    const [again, fromOther] = await Promise.all([reconcile(date), reconcile(date, other)]);
    expect(again.status).toBe(200);
    expect(fromOther.status).toBe(200);
    expect(stable(again.body)).toEqual(stable(first));
    expect(stable(fromOther.body)).toEqual(stable(first));
    const order = await services().models.Order.findById(lost.order.id).lean();
    expect(order!.events.filter((e) => e.status === 'PAID')).toHaveLength(1);
    expect(await services().models.ReconciliationAction.countDocuments({ date })).toBe(1);
    expect((await services().models.Reconciliation.findOne({ date }).lean())!.runs).toBe(3);

    const stored = await call(world.api.url, 'GET', `/api/admin/reconciliations/${date}`, { token: admin });
    expect(stable(stored.body)).toEqual(stable(first));
  });

  it('refunds, once, a payment WeChat took for an order closed here', async () => {
    const closedDate = daysAgo(3);
    const { token, order, openid, outTradeNo } = await attemptWeChatNeverSaw('recon-closed');
    const cancelled = await call(world.api.url, 'POST', `/api/orders/${order.id}/cancel`, { token });
    expect(cancelled.body.status).toBe('CLOSED');
    // The shopper paid after all (the prepay had reached WeChat): WeChat has the money, the order is closed.
    const tx = await world.sandbox.control.insertTrade({ outTradeNo, totalFen: 1999, openid, successTime: noonOf(closedDate) });

    const res = await reconcile(closedDate);
    expect(res.status).toBe(200);
    expect(res.body.discrepancies).toEqual([expect.objectContaining({ kind: 'MISSING_LOCALLY', outTradeNo, transactionId: tx.transaction_id, action: 'REFUNDED' })]);
    await services().drain();
    const refundsAtWechat = async () => (await world.sandbox.control.refunds()).filter((r) => r.out_trade_no === outTradeNo);
    expect(await refundsAtWechat()).toEqual([expect.objectContaining({ out_refund_no: `AR${tx.transaction_id}`, amount: expect.objectContaining({ refund: 1999 }) })]);
    expect((await orderOf(token, order.id)).status).toBe('CLOSED');

    const again = await reconcile(closedDate);
    expect(stable(again.body)).toEqual(stable(res.body));
    await services().drain();
    expect(await refundsAtWechat()).toHaveLength(1);
    expect(await services().models.Refund.countDocuments({ outTradeNo })).toBe(1);
  });

  it('flags an amount that differs and a payment WeChat does not have, with the evidence', async () => {
    const flaggedDate = daysAgo(4);
    const wrong = await attemptWeChatNeverSaw('recon-amount');
    await world.sandbox.control.insertTrade({ outTradeNo: wrong.outTradeNo, totalFen: 1, openid: wrong.openid, successTime: noonOf(flaggedDate) });
    // Paid here (a validly signed notification) but WeChat never took the money.
    const ghost = await placeOrder('recon-ghost');
    await prepay(ghost.token, ghost.order.id);
    const forged = forgeNotification(world, transactionFor(world, ghost.order.outTradeNo, 1999, ghost.openid, { success_time: noonOf(flaggedDate) }));
    expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: forged.headers, raw: forged.raw })).status).toBe(204);

    const res = await reconcile(flaggedDate);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ billRows: 1, matched: 0, totals: { wechatPaidFen: 1, localPaidFen: 1999 } });
    const [amount, missing] = res.body.discrepancies;
    expect(amount).toMatchObject({ kind: 'AMOUNT_MISMATCH', outTradeNo: wrong.outTradeNo, action: 'FLAGGED' });
    expect(amount.detail).toContain('1 fen');
    expect(amount.detail).toContain('1999 fen');
    expect(missing).toMatchObject({ kind: 'MISSING_AT_WECHAT', outTradeNo: ghost.order.outTradeNo, action: 'FLAGGED' });
    expect(missing.detail).toContain('NOTPAY');
    expect(res.body.discrepancies).toHaveLength(2);
    // Never marked paid; an anomaly waits for an admin.
    expect((await orderOf(wrong.token, wrong.order.id)).status).toBe('PENDING_PAYMENT');
    expect(await services().models.Anomaly.countDocuments({ kind: 'AMOUNT_MISMATCH', outTradeNo: wrong.outTradeNo, status: 'OPEN' })).toBe(1);
  });

  it('refuses a tampered bill: nothing is acted on while every download is altered, and one altered download is asked again', async () => {
    const tamperedDate = daysAgo(5);
    // The faults change below, so no retry of a dropped notification may sneak in: none is ever sent.
    const lostHere = await paidWithLostNotification('recon-tampered', tamperedDate, 'never sent');
    await world.sandbox.control.setFault({ kind: 'tamper_bill' });
    const refused = await reconcile(tamperedDate);
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('BILL_HASH_MISMATCH');
    expect((await orderOf(lostHere.token, lostHere.order.id)).status).toBe('PENDING_PAYMENT');
    expect((await call(world.api.url, 'GET', `/api/admin/reconciliations/${tamperedDate}`, { token: admin })).status).toBe(404);
    const list = await call(world.api.url, 'GET', '/api/admin/reconciliations', { token: admin });
    expect(list.body.items.find((r: any) => r.date === tamperedDate)).toMatchObject({ status: 'FAILED', lastError: expect.stringContaining('SHA1') });

    await world.sandbox.control.clearFaults();
    await world.sandbox.control.setFault({ kind: 'tamper_bill', count: 1 });
    const res = await reconcile(tamperedDate);
    expect(res.status).toBe(200);
    expect(res.body.refusedDownloads).toBe(1);
    expect(res.body.discrepancies).toEqual([expect.objectContaining({ outTradeNo: lostHere.order.outTradeNo, action: 'HEALED' })]);
  });

  it('gives a clean empty report for a day without trades, and refuses dates WeChat cannot have', async () => {
    const quiet = daysAgo(40);
    const res = await reconcile(quiet);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: quiet, billRows: 0, matched: 0, discrepancies: [], noStatement: true, provisional: false });
    expect((await reconcile(addDays(today(), 1))).status).toBe(400);
    expect((await reconcile(daysAgo(120))).status).toBe(400);
    expect((await reconcile('2026-02-30')).status).toBe(400);
    // Admins only.
    expect((await call(world.api.url, 'POST', '/api/admin/reconciliations', { body: { date: quiet } })).status).toBe(401);
    const shopper = await shopperToken(world, 'recon-nosy');
    expect((await call(world.api.url, 'GET', '/api/admin/reconciliations', { token: shopper })).status).toBe(403);
  });

  it('lets only one instance work on a date at a time, and lists reports newest first', async () => {
    const date = daysAgo(2);
    const other = `someone-else:${Math.random()}`;
    expect(await acquireLease(services().models, `reconcile:${date}`, other, 60_000)).toBe(true);
    const runsBefore = (await services().models.Reconciliation.findOne({ date }).lean())!.runs;
    expect(await reconcileDate(services(), date, { trigger: 'job', wait: false })).toBeUndefined();
    expect((await services().models.Reconciliation.findOne({ date }).lean())!.runs).toBe(runsBefore);
    await releaseLease(services().models, `reconcile:${date}`, other);

    const list = await call(world.api.url, 'GET', '/api/admin/reconciliations', { token: admin });
    const dates = list.body.items.map((r: any) => r.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(list.body.items.find((r: any) => r.date === daysAgo(2))).toMatchObject({ status: 'DONE', billRows: 2, matched: 1, discrepancies: 1, flagged: 0 });
  });

  it('runs by itself for yesterday after 10:00 Beijing time, once', async () => {
    const at = new Date(`${today()}T12:00:00+08:00`);
    expect(await runReconciliationJob(services(), at)).toBe(1);
    const yesterday = await services().models.Reconciliation.findOne({ date: daysAgo(1) }).lean();
    expect(yesterday).toMatchObject({ status: 'DONE', trigger: 'job', provisional: false });
    expect(await runReconciliationJob(services(), at)).toBe(0);
  });
});

describe('which dates the daily job reconciles', () => {
  const now = new Date('2026-06-10T12:00:00+08:00');
  const done = (date: string) => ({ date, status: 'DONE' as const, provisional: false, nextAttemptAt: null });

  it('starts with yesterday on a fresh install, and waits for 10:00 Beijing time', () => {
    expect(pickDatesToReconcile([], now)).toEqual(['2026-06-09']);
    expect(pickDatesToReconcile([], new Date('2026-06-10T09:59:00+08:00'))).toEqual([]);
  });

  it('catches up on every date missed since the last one reconciled, and retries failures after their backoff', () => {
    expect(pickDatesToReconcile([done('2026-06-05')], now)).toEqual(['2026-06-09', '2026-06-08', '2026-06-07', '2026-06-06']);
    const failed = { date: '2026-06-01', status: 'FAILED' as const, provisional: false, nextAttemptAt: new Date('2026-06-10T13:00:00+08:00') };
    expect(pickDatesToReconcile([done('2026-06-09'), failed], now)).toEqual([]);
    expect(pickDatesToReconcile([done('2026-06-09'), { ...failed, nextAttemptAt: new Date('2026-06-10T11:00:00+08:00') }], now)).toEqual(['2026-06-01']);
    expect(pickDatesToReconcile([done('2026-06-09'), { ...done('2026-06-08'), provisional: true }], now)).toEqual(['2026-06-08']);
  });

  it('looks back no further than WeChat keeps bills', () => {
    const dates = pickDatesToReconcile([done('2026-01-01')], now);
    expect(dates).toHaveLength(89);
    expect(dates.at(-1)).toBe('2026-03-13');
  });
});

describe('the trade bill parser', () => {
  it("turns the fixture's yuan into exact fen", () => {
    const fixture = readFileSync(join(workspaceRoot(), 'packages/wechatpay/src/fixtures/tradebill-all.csv'), 'utf8');
    const { rows, summary } = parseTradeBill(fixture);
    expect(rows.map((r) => [r.tradeState, r.totalFen, r.settlementTotalFen, r.couponFen, r.refundFen, r.feeFen])).toEqual([
      ['SUCCESS', 1, 1, 0, 0, 0],
      ['SUCCESS', 123450, 123450, 0, 0, 741],
      ['SUCCESS', 9990, 8990, 1000, 0, 54],
      ['REFUND', 0, 0, 0, 3000, -18],
      ['SUCCESS', 99, 99, 0, 0, 1],
    ]);
    expect(rows[1]!.body).toBe('小店-茶叶礼盒,2盒');
    expect(rows[3]!.outRefundNo).toBe('RF20260519100200B7-1');
    expect(summary).toMatchObject({ tradeCount: 5, settlementTotalFen: 132540, refundTotalFen: 3000, orderTotalFen: 133540, requestedRefundTotalFen: 3000 });
  });
});
