// The store-info page of issue 15 through HTTP: public defaults, the owner's edits (validated, audited, one
// document), and staff and shoppers kept out of the edit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, shopperToken, startWorld, type World } from './harness';

let world: World;
let owner: string;
const services = () => world.api.instance.services;

beforeAll(async () => {
  world = await startWorld({ env: { AFTER_SALE_DAYS: '10' } });
  owner = await adminToken(world);
});
afterAll(async () => world?.stop());

const read = () => call(world.api.url, 'GET', '/api/store');
const patch = (body: unknown, token = owner) => call(world.api.url, 'PATCH', '/api/admin/store', { token, body });
const stored = () => services().models.StoreSettings.find().lean();
const storeAudits = () => services().models.AuditLog.find({ action: 'store.update' }).lean();

describe('store info', () => {
  it('reads Chinese defaults before any edit, with the configured after-sale days, without signing in', async () => {
    const res = await read();
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('小店');
    expect(res.body).not.toHaveProperty('servicePhone');
    expect(res.body.afterSalePolicy).toContain('10 天内');
    expect(await stored()).toHaveLength(0);
  });

  it('refuses bad input with 400 VALIDATION_FAILED and changes nothing', async () => {
    const bad: unknown[] = [
      {},
      { name: '' },
      { name: '   ' },
      { name: '店'.repeat(31) },
      { name: 'a\u202eb' },
      { servicePhone: '138 0013 8000' },
      { servicePhone: '+86-13800138000' },
      { servicePhone: '1'.repeat(21) },
      { servicePhone: '---' },
      { afterSalePolicy: '退'.repeat(2001) },
      { afterSalePolicy: 'ok\u0000' },
      { name: 42 },
      { servicePhone: null },
    ];
    for (const body of bad) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await stored()).toHaveLength(0);
    expect(await storeAudits()).toHaveLength(0);
  });

  it('lets only the owner edit: no token 401, a shopper or staff 403, and nothing changes', async () => {
    const shopper = await shopperToken(world);
    expect((await patch({ name: '偷改' }, shopper)).status).toBe(403);
    expect((await call(world.api.url, 'PATCH', '/api/admin/store', { body: { name: '偷改' } })).status).toBe(401);
    const created = await call(world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'clerk', password: 'clerk-password' } });
    expect(created.status).toBe(201);
    const staff = (await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'clerk', password: 'clerk-password' } })).body.token;
    const res = await patch({ name: '偷改' }, staff);
    expect(res.status).toBe(403);
    expect((await read()).body.name).toBe('小店');
  });

  it('saves the fields sent, keeps the others, and audits who changed what', async () => {
    const first = await patch({ name: '  山间茶铺 ', servicePhone: '400-800-1234' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: '山间茶铺', servicePhone: '400-800-1234' });
    expect(first.body.afterSalePolicy).toContain('10 天内');

    const policy = '收货后 7 天内可退换。\n生鲜类商品恕不退换。';
    const second = await patch({ afterSalePolicy: policy });
    expect(second.body).toEqual({ name: '山间茶铺', servicePhone: '400-800-1234', afterSalePolicy: policy });
    expect((await read()).body).toEqual(second.body);

    const docs = await stored();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ name: '山间茶铺', servicePhone: '400-800-1234', afterSalePolicy: policy, updatedBy: 'owner' });
    const audits = await storeAudits();
    expect(audits.map((a) => [a.actor, a.detail])).toEqual([
      ['owner', 'changed name, servicePhone of the store info'],
      ['owner', 'changed afterSalePolicy of the store info'],
    ]);
  });

  it('removes the phone when it is sent empty', async () => {
    const res = await patch({ servicePhone: '' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('servicePhone');
    expect((await read()).body).not.toHaveProperty('servicePhone');
    expect((await stored())[0]).not.toHaveProperty('servicePhone');
  });

  it('keeps one document with both edits when two first-ever saves of different fields race', async () => {
    await services().models.StoreSettings.deleteMany({});
    const saves = await Promise.all([patch({ name: '甲店' }), patch({ servicePhone: '0755-1234567' }), patch({ afterSalePolicy: '七天无理由' })]);
    expect(saves.map((s) => s.status)).toEqual([200, 200, 200]);
    expect(await stored()).toHaveLength(1);
    expect((await read()).body).toEqual({ name: '甲店', servicePhone: '0755-1234567', afterSalePolicy: '七天无理由' });
  });
});
