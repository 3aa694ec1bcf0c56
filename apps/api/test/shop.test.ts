// Login, catalog, admin products and orders with stock: through HTTP against the embedded database and sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { runReservationSweeper, STUCK_RESERVATION_MS } from '../src/modules/orders/reservation-sweeper-job';
import { reserveStock, stockSettledMark } from '../src/modules/orders/stock';
import { ADDRESS, adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

describe('health', () => {
  it('answers ok with the database connected', async () => {
    const res = await call(world.api.url, 'GET', '/api/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await call(world.api.url, 'GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('shopper login', () => {
  it('exchanges a code for a token and keeps session_key on the server', async () => {
    const { code, openid } = await world.sandbox.control.loginCode('login-user');
    const res = await call(world.api.url, 'POST', '/api/auth/login', { body: { code } });
    expect(res.status).toBe(200);
    expect(res.body.user.openid).toBe(openid);
    expect(res.body.token).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/session_?key/i);
    const stored = await world.api.instance.services.models.User.findOne({ openid }).select('+sessionKey').lean();
    expect(stored?.sessionKey).toBeTruthy();
  });

  it('upserts one user per openid', async () => {
    await shopperToken(world, 'repeat-user');
    await shopperToken(world, 'repeat-user');
    const { openid } = await world.sandbox.control.loginCode('repeat-user');
    expect(await world.api.instance.services.models.User.countDocuments({ openid })).toBe(1);
  });

  it('answers 401 WX_LOGIN_FAILED for a used or unknown code', async () => {
    const { code } = await world.sandbox.control.loginCode('used-code');
    expect((await call(world.api.url, 'POST', '/api/auth/login', { body: { code } })).status).toBe(200);
    const again = await call(world.api.url, 'POST', '/api/auth/login', { body: { code } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('WX_LOGIN_FAILED');
    const unknown = await call(world.api.url, 'POST', '/api/auth/login', { body: { code: 'not-a-code' } });
    expect(unknown.body.error.code).toBe('WX_LOGIN_FAILED');
  });

  it('answers 400 for a missing code', async () => {
    const res = await call(world.api.url, 'POST', '/api/auth/login', { body: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('catalog and admin products', () => {
  it('refuses product changes without an admin token', async () => {
    const shopper = await shopperToken(world, 'sneaky');
    expect((await call(world.api.url, 'POST', '/api/admin/products', { body: { name: 'x', priceFen: 1, stock: 1 } })).status).toBe(401);
    expect((await call(world.api.url, 'POST', '/api/admin/products', { token: shopper, body: { name: 'x', priceFen: 1, stock: 1 } })).status).toBe(403);
  });

  it('rejects a wrong admin password with 401', async () => {
    const res = await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'owner', password: 'nope' } });
    expect(res.status).toBe(401);
    // a success afterwards resets the counter
    await adminToken(world);
  });

  it('creates, lists, edits and hides products', async () => {
    const product = await createProduct(world, admin, { name: 'Longjing', priceFen: 8800, stock: 5 });
    expect(product).toMatchObject({ name: 'Longjing', priceFen: 8800, stock: 5 });
    const list = await call(world.api.url, 'GET', '/api/products');
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(product.id);
    const one = await call(world.api.url, 'GET', `/api/products/${product.id}`);
    // A product without specs is sold as one SKU, whose id is the product's.
    expect(one.body).toEqual({
      id: product.id,
      name: 'Longjing',
      description: 'Fujian',
      priceFen: 8800,
      stock: 5,
      images: [],
      specs: [],
      skus: [{ id: product.id, specs: {}, priceFen: 8800, stock: 5 }],
    });

    const bad = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { priceFen: 12.5 } });
    expect(bad.status).toBe(400);
    const noReason = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { stock: 9 } });
    expect(noReason.status).toBe(400);
    const edited = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { priceFen: 9900, stock: 9, stockReason: 'delivery' } });
    expect(edited.body).toMatchObject({ priceFen: 9900, stock: 9 });
    const audit = await world.api.instance.services.models.AuditLog.findOne({ productId: product.id, action: 'product.stock' }).lean();
    expect(audit).toMatchObject({ actor: 'owner', stockBefore: 5, stockAfter: 9, detail: 'delivery' });

    await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { onShelf: false } });
    expect((await call(world.api.url, 'GET', `/api/products/${product.id}`)).status).toBe(404);
  });
});

describe('orders and stock', () => {
  it('validates input with the shared schema', async () => {
    const token = await shopperToken(world, 'validator');
    const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: 'x', quantity: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const zero = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [] } });
    expect(zero.status).toBe(400);
  });

  it('snapshots prices, carries the address and reserves stock', async () => {
    const token = await shopperToken(world, 'buyer');
    const a = await createProduct(world, admin, { name: 'A', priceFen: 1000, stock: 5 });
    const b = await createProduct(world, admin, { name: 'B', priceFen: 250, stock: 5 });
    const res = await call(world.api.url, 'POST', '/api/orders', {
      token,
      body: { items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 3 }], address: ADDRESS },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PENDING_PAYMENT', totalFen: 2750, address: ADDRESS });
    expect(res.body.outTradeNo).toMatch(/^[A-Za-z0-9]{6,32}$/);
    expect(new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime()).toBe(900_000);
    await call(world.api.url, 'PATCH', `/api/admin/products/${a.id}`, { token: admin, body: { priceFen: 5000 } });
    const got = await call(world.api.url, 'GET', `/api/orders/${res.body.id}`, { token });
    expect(got.body.items[0]).toMatchObject({ name: 'A', priceFen: 1000, quantity: 2 });
    expect((await call(world.api.url, 'GET', `/api/products/${a.id}`)).body.stock).toBe(3);
    expect((await call(world.api.url, 'GET', `/api/products/${b.id}`)).body.stock).toBe(2);
  });

  it('is all-or-nothing: not enough of one item reserves nothing', async () => {
    const token = await shopperToken(world, 'greedy');
    const a = await createProduct(world, admin, { name: 'Plenty', stock: 10 });
    const b = await createProduct(world, admin, { name: 'Scarce', stock: 1 });
    const res = await call(world.api.url, 'POST', '/api/orders', {
      token,
      body: { items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 2 }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('OUT_OF_STOCK');
    // What the client needs to say it in Chinese (「Scarce」库存不足，仅剩 1 件).
    expect(res.body.error.details).toEqual({ productId: b.id, skuId: b.skus[0].id, name: 'Scarce', available: 1 });
    expect((await call(world.api.url, 'GET', `/api/products/${a.id}`)).body.stock).toBe(10);
    expect((await call(world.api.url, 'GET', `/api/products/${b.id}`)).body.stock).toBe(1);
    expect((await call(world.api.url, 'GET', '/api/orders', { token })).body.items).toHaveLength(0);
  });

  it('never oversells: 40 shoppers racing for 10 units', async () => {
    const product = await createProduct(world, admin, { name: 'Limited', stock: 10 });
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => shopperToken(world, `racer-${i}`)));
    const results = await Promise.all(
      tokens.map((token) => call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(30);
    const after = await world.api.instance.services.models.Sku.findById(product.skus[0].id).lean();
    expect(after?.stock).toBe(0);
    expect((await world.api.instance.services.models.Sku.findById(product.skus[0].id).lean())?.reservations).toHaveLength(10);
  });

  it('shows a shopper only their own orders (404 for others)', async () => {
    const mine = await shopperToken(world, 'owner-of-order');
    const theirs = await shopperToken(world, 'someone-else');
    const product = await createProduct(world, admin, { stock: 3 });
    const order = await call(world.api.url, 'POST', '/api/orders', { token: mine, body: { items: [{ productId: product.id, quantity: 1 }] } });
    expect((await call(world.api.url, 'GET', `/api/orders/${order.body.id}`, { token: theirs })).status).toBe(404);
    expect((await call(world.api.url, 'GET', `/api/orders/${order.body.id}`)).status).toBe(401);
    const list = await call(world.api.url, 'GET', '/api/orders', { token: mine });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([order.body.id]);
  });

  it('cancels an unpaid order and releases its stock exactly once, even when cancelled twice at once', async () => {
    const token = await shopperToken(world, 'canceller');
    const product = await createProduct(world, admin, { stock: 4 });
    const order = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 3 }] } });
    const [x, y] = await Promise.all([
      call(world.api.url, 'POST', `/api/orders/${order.body.id}/cancel`, { token }),
      call(world.api.url, 'POST', `/api/orders/${order.body.id}/cancel`, { token }),
    ]);
    expect([x.status, y.status]).toContain(200);
    const again = await call(world.api.url, 'POST', `/api/orders/${order.body.id}/cancel`, { token });
    expect(again).toMatchObject({ status: 200, body: { status: 'CLOSED' } });
    expect((await call(world.api.url, 'GET', `/api/products/${product.id}`)).body.stock).toBe(4);
    const pay = await call(world.api.url, 'POST', `/api/orders/${order.body.id}/pay`, { token });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe('ORDER_NOT_PAYABLE');
  });

  it('compensates a crash between reservation and order: the sweeper releases the stock', async () => {
    const { models } = world.api.instance.services;
    const product = await createProduct(world, admin, { stock: 5 });
    // What a process leaves behind when it dies mid-way: an order still RESERVING that holds stock.
    const orderId = new Types.ObjectId();
    const longAgo = new Date(Date.now() - 5 * 60_000);
    await models.Order.create({
      _id: orderId,
      userId: new Types.ObjectId(),
      openid: 'o-crashed',
      items: [{ productId: product.id, name: 'x', priceFen: 1999, quantity: 2 }],
      totalFen: 3998,
      status: 'PENDING_PAYMENT',
      stage: 'RESERVING',
      outTradeNo: `XD${orderId}01`,
      createdAt: longAgo,
      expiresAt: new Date(longAgo.getTime() + 900_000),
    });
    expect(await reserveStock(models, new Types.ObjectId(product.id as string), orderId, 2)).toBe(true);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(3);

    expect(await runReservationSweeper(world.api.instance.services)).toBe(1);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(5);
    expect(await models.Order.exists({ _id: orderId })).toBeNull();
    // Running it again releases nothing twice.
    expect(await runReservationSweeper(world.api.instance.services)).toBe(0);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(5);
  });
  it('settles the stock of an order that closed or was paid just before its process died, exactly once', async () => {
    const { models } = world.api.instance.services;
    const token = await shopperToken(world, 'crash-after-status');
    const product = await createProduct(world, admin, { stock: 6 });
    const place = async () => (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 2 }] } })).body;
    const closing = await place();
    const paying = await place();
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(2);
    // What a crash right after the status compare-and-set leaves: a new status, reservations untouched.
    await models.Order.updateOne({ _id: closing.id }, { $set: { status: 'CLOSED' } });
    await models.Order.updateOne({ _id: paying.id }, { $set: { status: 'PAID', paidFen: 3998 } });

    await runReservationSweeper(world.api.instance.services);
    const after = await models.Sku.findById(product.skus[0].id).lean();
    expect(after?.stock).toBe(4); // the closed order's 2 are back; the paid order's 2 stay sold
    expect((await models.Sku.findById(product.skus[0].id).lean())?.reservations).toHaveLength(0);
    expect((await models.Order.findById(closing.id).lean())?.stockSettled).toBe('RELEASED');
    expect((await models.Order.findById(paying.id).lean())?.stockSettled).toBe('COMMITTED');

    await runReservationSweeper(world.api.instance.services);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(4);
  });
  it('settles the reservations of an order whose move wrote the settlement mark just before its process died, once', async () => {
    const { models } = world.api.instance.services;
    const token = await shopperToken(world, 'crash-after-marked-move');
    const product = await createProduct(world, admin, { stock: 6 });
    const place = async () => (await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 2 }] } })).body;
    const closing = await place();
    const paying = await place();
    // What a crash right after a move that wrote stockSettledMark in its compare-and-set leaves: the new status and
    // the mark, the reservations and the shopper's places untouched.
    await models.Order.updateOne({ _id: closing.id }, { $set: { status: 'CLOSED', ...stockSettledMark('CLOSED') } });
    await models.Order.updateOne({ _id: paying.id }, { $set: { status: 'PAID', paidFen: 3998, ...stockSettledMark('PAID') } });

    // Reservations are settled once they are older than an order takes to be written.
    const later = new Date(Date.now() + 2 * STUCK_RESERVATION_MS);
    await runReservationSweeper(world.api.instance.services, later);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(4);
    expect((await models.Sku.findById(product.skus[0].id).lean())?.reservations).toHaveLength(0);
    expect((await models.PendingOrderSlots.findById((await models.Order.findById(paying.id).lean())?.userId).lean())?.count).toBe(0);

    // Running it again settles nothing twice.
    await runReservationSweeper(world.api.instance.services, later);
    expect((await models.Sku.findOne({ productId: product.id }).lean())?.stock).toBe(4);
  });
});
