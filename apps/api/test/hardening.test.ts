// Input hygiene, what a shopper's order shows, and lists with pages: through HTTP against the embedded database
// and the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const CONTROLS = ['\u0000', '\u0008', '\u001b', '\u007f', '\u0085', '\u202e', '\u2066', '\u2069'];

describe('control characters and image URLs (shared schemas)', () => {
  it('answers 400 for control characters or bidi overrides in an address', async () => {
    const token = await shopperToken(world, 'controls');
    const product = await createProduct(world, admin, { stock: 50 });
    for (const control of CONTROLS) {
      for (const field of ['name', 'detail', 'city'] as const) {
        const res = await call(world.api.url, 'POST', '/api/orders', {
          token,
          body: { items: [{ productId: product.id, quantity: 1 }], address: { ...ADDRESS, [field]: `${ADDRESS[field]}${control}x` } },
        });
        expect(res.status, `${field} with U+${control.charCodeAt(0).toString(16)}`).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    }
    expect((await call(world.api.url, 'GET', `/api/products/${product.id}`)).body.stock).toBe(50);
  });

  it('answers 400 for control characters in a product name', async () => {
    for (const control of CONTROLS) {
      const res = await call(world.api.url, 'POST', '/api/admin/products', { token: admin, body: { name: `Tea${control}`, priceFen: 100, stock: 1 } });
      expect(res.status).toBe(400);
    }
    const product = await createProduct(world, admin);
    const renamed = await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { name: 'Tea\u202egnp.exe' } });
    expect(renamed.status).toBe(400);
  });

  it('takes https: image URLs and its own /api/images/ paths only', async () => {
    for (const imageUrl of ['javascript:alert(1)', 'http://cdn.example.com/a.jpg', 'data:image/png;base64,AAAA', '//evil.example/a.jpg', '/api/images/../admin']) {
      const res = await call(world.api.url, 'POST', '/api/admin/products', { token: admin, body: { name: 'Tea', priceFen: 100, stock: 1, imageUrl } });
      expect(res.status, imageUrl).toBe(400);
    }
    for (const imageUrl of ['https://cdn.example.com/a.jpg', '/api/images/65f0c0ffee0000000000aaaa']) {
      const res = await call(world.api.url, 'POST', '/api/admin/products', { token: admin, body: { name: 'Tea', priceFen: 100, stock: 1, imageUrl } });
      expect(res.status, imageUrl).toBe(201);
      expect(res.body.imageUrl).toBe(imageUrl);
    }
    const product = await createProduct(world, admin);
    expect((await call(world.api.url, 'PATCH', `/api/admin/products/${product.id}`, { token: admin, body: { imageUrl: 'javascript:alert(1)' } })).status).toBe(400);
  });
});

describe('phone numbers', () => {
  it('refuses a 10-digit number and takes mobiles and landlines with their area code', async () => {
    const token = await shopperToken(world, 'phones');
    const product = await createProduct(world, admin, { stock: 50 });
    const order = (phone: string) =>
      call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], address: { ...ADDRESS, phone } } });
    for (const phone of ['1380013800', '12345', '138001380001', '23800138000', '010-123456']) {
      const res = await order(phone);
      expect(res.status, phone).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    for (const [phone, stored] of [
      ['13800138000', '13800138000'],
      ['138 0013 8000', '13800138000'],
      ['010-12345678', '010-12345678'],
      ['0755-1234567-123', '0755-1234567-123'],
    ]) {
      const res = await order(phone!);
      expect(res.status, phone).toBe(201);
      expect(res.body.address.phone).toBe(stored);
      await call(world.api.url, 'POST', `/api/orders/${res.body.id}/cancel`, { token });
    }
  });
});

describe("the shopper's order", () => {
  it('carries no operator notes or names: the timeline is codes and data, in the admin order detail too', async () => {
    const token = await shopperToken(world, 'notes');
    const product = await createProduct(world, admin, { stock: 5 });
    const placed = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], address: ADDRESS } });
    const pay = await call(world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
    await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
    await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token })).body.status === 'PAID');
    const shipped = await call(world.api.url, 'POST', `/api/admin/orders/${placed.body.id}/ship`, {
      token: admin,
      body: { trackingNo: 'SF123', expressCompany: 'SF' },
    });
    expect(shipped.status).toBe(200);

    const mine = await call(world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token });
    expect(mine.body.status).toBe('SHIPPED');
    expect(mine.body.events.length).toBeGreaterThanOrEqual(2);
    // Codes and data the client words in Chinese; no notes, no operators.
    for (const e of mine.body.events) expect(['at', 'code', 'data', 'status']).toEqual(expect.arrayContaining(Object.keys(e)));
    expect(JSON.stringify(mine.body)).not.toContain('by owner');
    expect(mine.body.shipping).toMatchObject({ trackingNo: 'SF123', expressCompany: 'SF' });
    const list = await call(world.api.url, 'GET', '/api/orders', { token });
    expect(JSON.stringify(list.body)).not.toContain('by owner');
    for (const o of list.body.items) for (const e of o.events ?? []) expect(e.note).toBeUndefined();

    const detail = await call(world.api.url, 'GET', `/api/admin/orders/${placed.body.id}`, { token: admin });
    // The console's timeline has the same codes (who shipped is in the audit log).
    expect(detail.body.events.find((e: { status: string }) => e.status === 'SHIPPED')).toEqual({ at: expect.any(String), status: 'SHIPPED', code: 'SHIPPED', data: { expressCompany: 'SF', trackingNo: 'SF123' } });
    expect(detail.body.events.find((e: { status: string }) => e.status === 'PAID')).toMatchObject({ code: 'PAID', data: { amountFen: expect.any(Number) } });
  });
});

describe('lists with pages', () => {
  it('pages the products on the shelf with page and pageSize, and says how many there are', async () => {
    const before = await call(world.api.url, 'GET', '/api/products');
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await createProduct(world, admin, { name: `Paged ${i}` }));
    const all = await call(world.api.url, 'GET', '/api/products');
    expect(all.body.total).toBe(before.body.items.length + 5);
    expect(all.body.items).toHaveLength(all.body.total);
    const first = await call(world.api.url, 'GET', '/api/products?page=1&pageSize=2');
    const second = await call(world.api.url, 'GET', '/api/products?page=2&pageSize=2');
    expect(first.body).toMatchObject({ total: all.body.total });
    // Newest first: the last one created leads.
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([created[4].id, created[3].id]);
    expect(second.body.items.map((p: { id: string }) => p.id)).toEqual([created[2].id, created[1].id]);
    const beyond = await call(world.api.url, 'GET', '/api/products?page=999&pageSize=2');
    expect(beyond.body).toMatchObject({ items: [], total: all.body.total });
    for (const bad of ['pageSize=0', 'pageSize=501', 'page=0', 'page=x']) {
      expect((await call(world.api.url, 'GET', `/api/products?${bad}`)).status, bad).toBe(400);
    }
  });

  it("pages a shopper's own orders, newest first, with the total", async () => {
    const token = await shopperToken(world, 'many-orders');
    const product = await createProduct(world, admin, { stock: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
      ids.push(res.body.id);
    }
    const all = await call(world.api.url, 'GET', '/api/orders', { token });
    expect(all.body).toMatchObject({ total: 3 });
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([...ids].reverse());
    const first = await call(world.api.url, 'GET', '/api/orders?page=1&pageSize=2', { token });
    const second = await call(world.api.url, 'GET', '/api/orders?page=2&pageSize=2', { token });
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(second.body).toMatchObject({ total: 3 });
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect((await call(world.api.url, 'GET', '/api/orders?pageSize=101', { token })).status).toBe(400);
  });
});
