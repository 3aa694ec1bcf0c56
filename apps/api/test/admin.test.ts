// The admin back office through HTTP: sessions (logout on every instance, expiry), roles, staff accounts,
// orders (filters, search, detail), shipping, anomalies, the audit log and the dashboard.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '@xiaodian/shared';
import { ADDRESS, adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';
import { forgeNotification, transactionFor } from './wechat-forge';

let world: World;
let owner: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
});
afterAll(async () => world?.stop());
afterEach(async () => {
  await world.sandbox.control.clearFaults();
  await world.api.instance.services.drain();
});

const services = () => world.api.instance.services;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(world.api.url, method, path, { token: owner, ...options });
const login = (username: string, password: string) => call(world.api.url, 'POST', '/api/admin/login', { body: { username, password } });

async function staffToken(username: string): Promise<string> {
  const created = await api('POST', '/api/admin/staff', { body: { username, password: `${username}-password` } });
  expect(created.status).toBe(201);
  const res = await login(username, `${username}-password`);
  expect(res.status).toBe(200);
  return res.body.token;
}

async function placeOrder(user: string, priceFen = 2000, withAddress = false) {
  const token = await shopperToken(world, user);
  const product = await createProduct(world, owner, { priceFen, stock: 20 });
  const res = await call(world.api.url, 'POST', '/api/orders', {
    token,
    body: { items: [{ productId: product.id, quantity: 1 }], ...(withAddress ? { address: ADDRESS } : {}) },
  });
  expect(res.status).toBe(201);
  return { token, order: res.body, openid: (await world.sandbox.control.loginCode(user)).openid };
}

async function prepay(token: string, orderId: string): Promise<string> {
  const res = await call(world.api.url, 'POST', `/api/orders/${orderId}/pay`, { token });
  expect(res.status).toBe(200);
  return String(res.body.package).replace('prepay_id=', '');
}

async function payThroughCashier(token: string, orderId: string) {
  await world.sandbox.control.pay(await prepay(token, orderId), 'SUCCESS');
  return eventually(async () => {
    const o = (await api('GET', `/api/admin/orders/${orderId}`)).body;
    return o.status === 'PAID' && o;
  });
}

describe('sessions and roles', () => {
  it('the bootstrap owner signs in and /me says who and which role', async () => {
    const me = await api('GET', '/api/admin/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'owner', role: 'owner' });
    expect((await call(world.api.url, 'GET', '/api/admin/me')).status).toBe(401);
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: 'not-a-token' })).status).toBe(401);
    const shopper = await shopperToken(world, 'adm-shopper');
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: shopper })).status).toBe(403);
    expect((await call(world.api.url, 'GET', '/api/admin/orders', { token: shopper })).status).toBe(403);
  });

  it('the owner adds staff (audited); names are unique; staff cannot manage accounts', async () => {
    const staff = await staffToken('packer');
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: staff })).body).toMatchObject({ username: 'packer', role: 'staff' });
    const again = await api('POST', '/api/admin/staff', { body: { username: 'packer', password: 'another-password' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('USERNAME_TAKEN');
    expect((await api('POST', '/api/admin/staff', { body: { username: 'shorty', password: 'short' } })).status).toBe(400);
    expect((await api('POST', '/api/admin/staff', { body: { username: 'bad name', password: 'long-enough' } })).status).toBe(400);

    expect((await call(world.api.url, 'POST', '/api/admin/staff', { token: staff, body: { username: 'sneaky', password: 'sneaky-password' } })).status).toBe(403);
    expect((await call(world.api.url, 'GET', '/api/admin/staff', { token: staff })).status).toBe(403);
    expect(await services().models.Admin.exists({ username: 'sneaky' })).toBeNull();

    const list = (await api('GET', '/api/admin/staff')).body.items;
    expect(list.map((a: any) => [a.username, a.role])).toEqual(expect.arrayContaining([['owner', 'owner'], ['packer', 'staff']]));
    expect(JSON.stringify(list)).not.toContain('scrypt');
    const audit = (await api('GET', '/api/admin/audit')).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'owner', action: 'staff.create', detail: expect.stringContaining('packer') })]));
  });

  it('staff read orders, ship and see the dashboard, but may not refund or resolve anomalies', async () => {
    const staff = await staffToken('picker');
    const { token, order } = await placeOrder('adm-staff-order');
    await payThroughCashier(token, order.id);
    const as = (method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: staff, ...(body ? { body } : {}) });
    expect((await as('GET', '/api/admin/orders')).status).toBe(200);
    expect((await as('GET', `/api/admin/orders/${order.id}`)).status).toBe(200);
    expect((await as('GET', '/api/admin/dashboard')).status).toBe(200);
    expect((await as('GET', '/api/admin/anomalies')).status).toBe(200);
    expect((await as('GET', '/api/admin/products')).status).toBe(200);
    const refund = await as('POST', `/api/admin/orders/${order.id}/refunds`, { amountFen: 100, reason: 'try' });
    expect(refund.status).toBe(403);
    expect(refund.body.error.code).toBe('FORBIDDEN');
    expect((await as('POST', '/api/admin/anomalies/0123456789abcdef01234567/resolve', { note: 'x' })).status).toBe(403);
    const shipped = await as('POST', `/api/admin/orders/${order.id}/ship`, { trackingNo: 'SF100', expressCompany: 'SF' });
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('SHIPPED');
    expect((await services().models.Order.findById(order.id).lean())?.refundCommittedFen).toBe(0);
  });

  it('slows down repeated wrong passwords (429), and a good one after the wait resets the count', async () => {
    await staffToken('forgetful');
    for (let i = 0; i < 5; i++) expect((await login('forgetful', 'wrong-password')).status).toBe(401);
    const locked = await login('forgetful', 'forgetful-password');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    // The wait is over (the name's counting windows moved into the past rather than slept through).
    await services().models.AttemptCounter.updateMany({ _id: { $regex: /^login:name:forgetful/ } }, { $set: { until: new Date(Date.now() - 1) } });
    expect((await login('forgetful', 'forgetful-password')).status).toBe(200);
    expect(await services().models.AttemptCounter.exists({ _id: 'login:name:forgetful|127.0.0.1' })).toBeNull();
  });

  it('logout ends the session on every instance; signing in again works', async () => {
    const second = await world.startAnotherInstance();
    const staff = await staffToken('leaver');
    expect((await call(second.url, 'GET', '/api/admin/me', { token: staff })).status).toBe(200);
    expect((await call(world.api.url, 'POST', '/api/admin/logout', { token: staff })).status).toBe(204);
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: staff })).status).toBe(401);
    expect((await call(second.url, 'GET', '/api/admin/orders', { token: staff })).status).toBe(401);
    // Another account's sessions are untouched.
    expect((await call(second.url, 'GET', '/api/admin/me', { token: owner })).status).toBe(200);
    const fresh = (await login('leaver', 'leaver-password')).body.token;
    expect((await call(second.url, 'GET', '/api/admin/me', { token: fresh })).status).toBe(200);
  });

  it('refuses an expired session, and one whose role changed since it was issued', async () => {
    const admin = (await services().models.Admin.findOne({ username: 'owner' }).lean())!;
    const session = { kind: 'admin' as const, adminId: String(admin._id), username: 'owner', role: 'owner' as const, tokenVersion: admin.tokenVersion ?? 0 };
    const expired = await services().tokens.issue(session, '1 minute ago');
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: expired })).status).toBe(401);
    const valid = await services().tokens.issue(session, '1h');
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: valid })).status).toBe(200);

    const staff = await staffToken('demoted');
    await services().models.Admin.updateOne({ username: 'demoted' }, { $set: { role: 'owner' } });
    expect((await call(world.api.url, 'GET', '/api/admin/me', { token: staff })).status).toBe(401);
  });
});

describe('orders', () => {
  it('lists with status, Beijing-date and search filters (any attempt’s out_trade_no, transaction_id, openid), paginated', async () => {
    const a = await placeOrder('adm-lister', 1000);
    const b = await placeOrder('adm-lister', 1100);
    const c = await placeOrder('adm-lister', 1200);
    // Order a gets two payment attempts: the first prepay_id expired, the second attempt is paid.
    await prepay(a.token, a.order.id);
    const firstAttempt = (await services().models.PaymentAttempt.findOne({ orderId: a.order.id }).lean())!;
    await services().models.PaymentAttempt.updateOne({ _id: firstAttempt._id }, { $set: { prepayExpiresAt: new Date(Date.now() - 1000) } });
    const paid = await payThroughCashier(a.token, a.order.id);
    expect(paid.outTradeNo).not.toBe(firstAttempt.outTradeNo);

    const list = async (query: string) => {
      const res = await api('GET', `/api/admin/orders?${query}`);
      expect(res.status).toBe(200);
      return res.body as { items: any[]; total: number };
    };
    const mine = await list(`q=${a.openid}`);
    expect(mine.total).toBe(3);
    expect(mine.items.map((o) => o.id)).toEqual([c.order.id, b.order.id, a.order.id]); // newest first
    expect(mine.items[2]).toMatchObject({ paidFen: 1000, status: 'PAID' });
    // The payer's openid finds the order, but only the detail shows it.
    expect(mine.items.every((o) => !('openid' in o))).toBe(true);
    expect((await api('GET', `/api/admin/orders/${a.order.id}`)).body.openid).toBe(a.openid);

    expect((await list(`status=PAID&q=${a.openid}`)).items.map((o) => o.id)).toEqual([a.order.id]);
    expect((await list(`status=PENDING_PAYMENT&q=${a.openid}`)).total).toBe(2);
    expect((await list(`q=${firstAttempt.outTradeNo}`)).items.map((o) => o.id)).toEqual([a.order.id]);
    expect((await list(`q=${paid.outTradeNo}`)).items.map((o) => o.id)).toEqual([a.order.id]);
    expect((await list(`q=${paid.transactionId}`)).items.map((o) => o.id)).toEqual([a.order.id]);
    expect((await list(`q=${a.openid.slice(0, -2)}`)).total).toBe(0); // exact matches only

    const page1 = await list(`q=${a.openid}&pageSize=2&page=1`);
    const page2 = await list(`q=${a.openid}&pageSize=2&page=2`);
    expect(page1.total).toBe(3);
    expect([...page1.items, ...page2.items].map((o) => o.id)).toEqual([c.order.id, b.order.id, a.order.id]);

    const today = beijingDate(new Date());
    const yesterday = beijingDate(new Date(Date.now() - 86_400_000));
    expect((await list(`from=${today}&to=${today}&q=${a.openid}`)).total).toBe(3);
    expect((await list(`to=${yesterday}&q=${a.openid}`)).total).toBe(0);
    expect((await list(`from=${yesterday}&q=${a.openid}`)).total).toBe(3);
    // The contract's empty parameters mean "no filter"; nonsense is a 400.
    expect((await api('GET', '/api/admin/orders?status=&q=&page=')).status).toBe(200);
    expect((await api('GET', '/api/admin/orders?status=LOST')).status).toBe(400);
    expect((await api('GET', `/api/admin/orders?from=${today}&to=${yesterday}`)).status).toBe(400);
    expect((await api('GET', '/api/admin/orders?from=yesterday')).status).toBe(400);
  });

  it('shows one order with items, address, attempts, every notification (and why), anomalies and the timeline', async () => {
    const { token, order, openid } = await placeOrder('adm-detail', 2500, true);
    await prepay(token, order.id);
    const attempt = (await services().models.PaymentAttempt.findOne({ orderId: order.id }).lean())!;
    // A notification filed under another merchant: recorded as an anomaly, the order stays unpaid (a wrong amount
    // for our own trade would close the order and refund the money: money-and-stock.test.ts).
    const wrong = forgeNotification(world, transactionFor(world, attempt.outTradeNo, 1, openid, { mchid: '1900000000' }));
    expect((await call(world.api.url, 'POST', '/api/pay/notify', { headers: wrong.headers, raw: wrong.raw })).status).toBe(204);
    await world.sandbox.control.pay(attempt.prepayId!, 'SUCCESS');
    await eventually(async () => (await api('GET', `/api/admin/orders/${order.id}`)).body.status === 'PAID');

    const res = await api('GET', `/api/admin/orders/${order.id}`);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d).toMatchObject({ id: order.id, status: 'PAID', totalFen: 2500, paidFen: 2500, refundableFen: 2500, openid, address: ADDRESS });
    expect(d.items).toEqual([expect.objectContaining({ name: 'Oolong tea', priceFen: 2500, quantity: 1 })]);
    expect(d.attempts).toEqual([expect.objectContaining({ outTradeNo: attempt.outTradeNo, amountFen: 2500, status: 'PAID', transactionId: d.transactionId })]);
    expect(d.notifications.map((n: any) => n.outcome)).toEqual(['ANOMALY', 'APPLIED']);
    expect(d.notifications[0]).toMatchObject({ kind: 'payment', outTradeNo: attempt.outTradeNo, reason: expect.any(String) });
    expect(d.anomalies).toEqual([expect.objectContaining({ kind: 'IDENTITY_MISMATCH', status: 'OPEN', amountFen: 1 })]);
    expect(d.refunds).toEqual([]);
    expect(d.events.map((e: any) => e.status)).toEqual(['PENDING_PAYMENT', 'PAID']);

    expect((await api('GET', '/api/admin/orders/0123456789abcdef01234567')).status).toBe(404);
    expect((await api('GET', '/api/admin/orders/nope')).status).toBe(404);
  });

  it('ships a paid order: SHIPPED with tracking, waiting for the upload job, audited; a retry is the same answer', async () => {
    const { token, order } = await placeOrder('adm-ship');
    const unpaid = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { trackingNo: 'YT1', expressCompany: 'YTO' } });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.error.code).toBe('ORDER_NOT_SHIPPABLE');
    await payThroughCashier(token, order.id);
    expect((await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { trackingNo: '', expressCompany: 'YTO' } })).status).toBe(400);

    const shipped = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { trackingNo: 'YT123456789', expressCompany: 'YTO' } });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ id: order.id, status: 'SHIPPED', shipping: { trackingNo: 'YT123456789', expressCompany: 'YTO' } });
    const stored = (await services().models.Order.findById(order.id).lean())!;
    expect(stored.shipping).toMatchObject({ trackingNo: 'YT123456789', expressCompany: 'YTO', logisticsType: 1, upload: { status: 'PENDING', attempts: 0 } });
    expect(stored.shipping?.upload?.nextAttemptAt).toBeInstanceOf(Date);
    // The shopper sees it too.
    expect((await call(world.api.url, 'GET', `/api/orders/${order.id}`, { token })).body.status).toBe('SHIPPED');

    const again = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { trackingNo: 'YT123456789', expressCompany: 'YTO' } });
    expect(again.status).toBe(200);
    const other = await api('POST', `/api/admin/orders/${order.id}/ship`, { body: { trackingNo: 'SF999', expressCompany: 'SF' } });
    expect(other.status).toBe(409);
    const after = (await services().models.Order.findById(order.id).lean())!;
    expect(after.shipping?.trackingNo).toBe('YT123456789');
    expect(after.events.filter((e) => e.status === 'SHIPPED')).toHaveLength(1);
    const audit = (await api('GET', `/api/admin/audit?orderId=${order.id}`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: 'owner', action: 'order.ship', detail: expect.stringContaining('YT123456789') })]);
  });
});

describe('anomalies, audit log and dashboard', () => {
  it('lists open anomalies for action; the owner resolves one with a note (audited)', async () => {
    const { token, order, openid } = await placeOrder('adm-anomaly');
    await prepay(token, order.id);
    const attempt = (await services().models.PaymentAttempt.findOne({ orderId: order.id }).lean())!;
    const n = forgeNotification(world, transactionFor(world, attempt.outTradeNo, 5, openid));
    await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
    const open = (await api('GET', '/api/admin/anomalies')).body.items as any[];
    const anomaly = open.find((x) => x.outTradeNo === attempt.outTradeNo);
    expect(anomaly).toMatchObject({ kind: 'AMOUNT_MISMATCH', status: 'OPEN', orderId: order.id });

    expect((await api('POST', `/api/admin/anomalies/${anomaly.id}/resolve`, { body: {} })).status).toBe(400);
    const resolved = await api('POST', `/api/admin/anomalies/${anomaly.id}/resolve`, { body: { note: 'test payment by the shop, refunded by hand' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'RESOLVED', resolution: 'test payment by the shop, refunded by hand', resolvedBy: 'owner' });
    expect((await api('GET', '/api/admin/anomalies')).body.items.find((x: any) => x.id === anomaly.id)).toBeUndefined();
    expect((await api('GET', '/api/admin/anomalies?status=RESOLVED')).body.items.find((x: any) => x.id === anomaly.id)).toBeTruthy();
    // Resolving twice changes nothing.
    expect((await api('POST', `/api/admin/anomalies/${anomaly.id}/resolve`, { body: { note: 'again' } })).body.resolution).toBe('test payment by the shop, refunded by hand');
    const audit = (await api('GET', `/api/admin/audit?orderId=${order.id}`)).body.items;
    expect(audit.filter((x: any) => x.action === 'anomaly.resolve')).toHaveLength(1);
  });

  it('the audit log shows stock adjustments: who, when, before → after, why', async () => {
    const product = await createProduct(world, owner, { name: 'Pu-erh', stock: 10 });
    const staff = await staffToken('stocker');
    const patch = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: staff, body: { stock: 7, stockReason: 'three cakes damaged' } });
    expect(patch.status).toBe(200);
    const res = await api('GET', `/api/admin/audit?productId=${product.id}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items[0]).toMatchObject({ actor: 'stocker', action: 'product.stock', stockBefore: 10, stockAfter: 7, detail: 'three cakes damaged', productId: product.id });
    expect(Date.now() - new Date(res.body.items[0].at).getTime()).toBeLessThan(60_000);
    expect(res.body.items[1]).toMatchObject({ actor: 'owner', action: 'product.create', stockAfter: 10 });
    expect((await api('GET', '/api/admin/audit?productId=nope')).status).toBe(400);
  });

  it('the dashboard sums paid money, orders and refunds for today, 7 and 30 Beijing days, and 30 days of sales', async () => {
    const before = (await api('GET', '/api/admin/dashboard')).body;
    const today = beijingDate(new Date());
    expect(before.daily).toHaveLength(30);
    expect(before.daily[29].date).toBe(today);
    expect(before.daily[0].date).toBe(beijingDate(new Date(Date.now() - 29 * 86_400_000)));

    // Paid today, then partly refunded.
    const fresh = await placeOrder('adm-dash', 2500);
    await payThroughCashier(fresh.token, fresh.order.id);
    const refund = await api('POST', `/api/admin/orders/${fresh.order.id}/refunds`, { body: { amountFen: 500, reason: 'late' } });
    await world.sandbox.control.settleRefund(refund.body.outRefundNo, 'SUCCESS');
    await eventually(async () => (await api('GET', `/api/admin/orders/${fresh.order.id}`)).body.refundedFen === 500);
    // Paid ten Beijing days ago, at 00:30 Beijing time (16:30 UTC the day before): it counts for that day.
    const old = await placeOrder('adm-dash-old', 4000);
    await payThroughCashier(old.token, old.order.id);
    const tenDaysAgo = beijingDate(new Date(Date.now() - 10 * 86_400_000));
    await services().models.Order.updateOne({ _id: old.order.id }, { $set: { paidAt: new Date(`${tenDaysAgo}T00:30:00+08:00`) } });
    // Unpaid orders count for nothing.
    await placeOrder('adm-dash-unpaid', 9900);

    const after = (await api('GET', '/api/admin/dashboard')).body;
    const delta = (window: string) => ({
      paidFen: after[window].paidFen - before[window].paidFen,
      orders: after[window].orders - before[window].orders,
      refundedFen: after[window].refundedFen - before[window].refundedFen,
      refunds: after[window].refunds - before[window].refunds,
    });
    expect(delta('today')).toEqual({ paidFen: 2500, orders: 1, refundedFen: 500, refunds: 1 });
    expect(delta('last7Days')).toEqual({ paidFen: 2500, orders: 1, refundedFen: 500, refunds: 1 });
    expect(delta('last30Days')).toEqual({ paidFen: 6500, orders: 2, refundedFen: 500, refunds: 1 });
    const day = (d: { daily: any[] }, date: string) => d.daily.find((x) => x.date === date);
    expect(day(after, tenDaysAgo).paidFen - day(before, tenDaysAgo).paidFen).toBe(4000);
    expect(day(after, today).paidFen - day(before, today).paidFen).toBe(2500);
    expect(after.daily.reduce((sum: number, x: any) => sum + x.paidFen, 0)).toBe(after.last30Days.paidFen);
    expect(after.daily.slice(-7).reduce((sum: number, x: any) => sum + x.orders, 0)).toBe(after.last7Days.orders);
  });
});
