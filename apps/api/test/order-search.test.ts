// The owner finds orders as a shop owner remembers them: by the recipient's name, phone (or its last 4 digits), a
// product's name, part of the order number, the transaction id or the openid; within 待发货 / 待收货 / 售后中 tabs
// with their counts. Search text is literal: regex metacharacters match themselves and nothing else.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

interface Placed {
  id: string;
  orderNo: string;
  transactionId: string;
  openid: string;
}

/** A product with one uploaded photo, whose thumbnail the order's item keeps. */
async function productWithPhoto(name: string): Promise<{ id: string; imageId: string }> {
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#a63' } }).jpeg().toBuffer();
  const form = new FormData();
  form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'beans.jpg');
  const uploaded = await fetch(`${world.api.url}/api/admin/images`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form });
  expect(uploaded.status).toBe(201);
  const imageId = ((await uploaded.json()) as { id: string }).id;
  const created = await call(world.api.url, 'POST', '/api/admin/products', { token: admin, body: { name, priceFen: 1000, stock: 10, images: [imageId] } });
  expect(created.status).toBe(201);
  return { id: created.body.id, imageId };
}

let coffeeImageId: string;

async function paidOrder(user: string, product: { id: string }, recipient: { name: string; phone: string }): Promise<Placed> {
  const token = await shopperToken(world, user);
  const placed = await call(world.api.url, 'POST', '/api/orders', {
    token,
    body: { items: [{ productId: product.id, quantity: 1 }], address: { ...ADDRESS, ...recipient } },
  });
  expect(placed.status).toBe(201);
  const pay = await call(world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const paid = await eventually(async () => {
    const order = (await call(world.api.url, 'GET', `/api/admin/orders/${placed.body.id}`, { token: admin })).body;
    return order.status === 'PAID' && order;
  });
  return { id: placed.body.id, orderNo: placed.body.orderNo, transactionId: paid.transactionId, openid: paid.openid };
}

let coffee: Placed;
let tea: Placed;
let kettle: Placed;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
  const beans = await productWithPhoto('云南咖啡豆');
  coffeeImageId = beans.imageId;
  coffee = await paidOrder('search-coffee', beans, { name: '张三', phone: '13800001234' });
  tea = await paidOrder('search-tea', await createProduct(world, admin, { name: '乌龙茶', priceFen: 1000 }), { name: '李四', phone: '13911115678' });
  kettle = await paidOrder('search-kettle', await createProduct(world, admin, { name: 'C++ 手冲壶', priceFen: 1000 }), { name: '王五', phone: '13700009999' });
  const shipped = await call(world.api.url, 'POST', `/api/admin/orders/${tea.id}/ship`, { token: admin, body: { expressCompany: 'SF', trackingNo: 'SF1' } });
  expect(shipped.status).toBe(200);
  const kettleToken = await shopperToken(world, 'search-kettle');
  const asked = await call(world.api.url, 'POST', `/api/orders/${kettle.id}/after-sales`, { token: kettleToken, body: { type: 'REFUND_ONLY', amountFen: 500, reason: 'DAMAGED' } });
  expect(asked.status).toBe(201);
});
afterAll(async () => world?.stop());

async function list(query: Record<string, string>) {
  const res = await call(world.api.url, 'GET', `/api/admin/orders?${new URLSearchParams(query)}`, { token: admin });
  expect(res.status).toBe(200);
  return { ids: (res.body.items as { id: string }[]).map((o) => o.id).sort(), total: res.body.total as number, items: res.body.items };
}
const ids = (...orders: Placed[]) => orders.map((o) => o.id).sort();

describe('owner order search', () => {
  it("finds an order by the recipient's name, or part of it", async () => {
    expect((await list({ q: '张三' })).ids).toEqual(ids(coffee));
    expect((await list({ q: '李' })).ids).toEqual(ids(tea));
  });

  it("finds an order by the recipient's whole phone number or its last 4 digits", async () => {
    expect((await list({ q: '13911115678' })).ids).toEqual(ids(tea));
    expect((await list({ q: '1234' })).ids).toEqual(ids(coffee));
    expect((await list({ q: '9999' })).ids).toEqual(ids(kettle));
  });

  it('finds an order by part of a product name', async () => {
    expect((await list({ q: '咖啡' })).ids).toEqual(ids(coffee));
    expect((await list({ q: '乌龙茶' })).ids).toEqual(ids(tea));
  });

  it('matches search text literally', async () => {
    expect((await list({ q: 'C++' })).ids).toEqual(ids(kettle));
    expect((await list({ q: 'c++ 手冲' })).ids).toEqual(ids(kettle));
    expect((await list({ q: '.*' })).total).toBe(0);
    expect((await list({ q: '张.' })).total).toBe(0);
  });

  it('finds an order by part of its order number, its transaction id and its openid', async () => {
    expect((await list({ q: tea.orderNo })).ids).toEqual(ids(tea));
    expect((await list({ q: tea.orderNo.slice(-5) })).ids).toContain(tea.id);
    expect((await list({ q: coffee.transactionId })).ids).toEqual(ids(coffee));
    expect((await list({ q: kettle.openid })).ids).toEqual(ids(kettle));
  });

  it("lists the recipient's name and phone and the items with their thumbnails in each row", async () => {
    const row = (await list({ q: '张三' })).items[0];
    expect(row.address).toMatchObject({ name: '张三', phone: '13800001234' });
    expect(row.items[0]).toMatchObject({ name: '云南咖啡豆', quantity: 1, imageUrl: `/api/images/${coffeeImageId}/thumb` });
    const thumb = await fetch(`${world.api.url}${row.items[0].imageUrl}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toMatch(/^image\//);
  });

  it('filters by tab, alone and with a search, and counts the tabs', async () => {
    expect((await list({ tab: 'TO_SHIP' })).ids).toEqual(ids(coffee, kettle));
    expect((await list({ tab: 'TO_RECEIVE' })).ids).toEqual(ids(tea));
    expect((await list({ tab: 'AFTER_SALE' })).ids).toEqual(ids(kettle));
    expect((await list({ tab: 'AFTER_SALE', q: '王五' })).ids).toEqual(ids(kettle));
    expect((await list({ tab: 'TO_SHIP', q: '李四' })).total).toBe(0);
    const counts = await call(world.api.url, 'GET', '/api/admin/orders/counts', { token: admin });
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({ toShip: 2, toReceive: 1, afterSale: 1 });
  });

  it('filters by Beijing days', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
    expect((await list({ from: today, to: today, q: '张三' })).ids).toEqual(ids(coffee));
    expect((await list({ from: yesterday, to: yesterday })).total).toBe(0);
  });

  it('refuses an unknown tab and shoppers', async () => {
    const bad = await call(world.api.url, 'GET', '/api/admin/orders?tab=ALL', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const shopper = await shopperToken(world, 'search-coffee');
    expect((await call(world.api.url, 'GET', '/api/admin/orders/counts', { token: shopper })).status).toBe(403);
  });
});
