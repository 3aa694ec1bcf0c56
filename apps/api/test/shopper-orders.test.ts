// The shopper's order tabs: `GET /api/orders?group=` lists only the shopper's own orders of one group (待付款,
// 待发货, 待收货, 已完成, 售后), `total` counts that group, and an unknown group is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;
let token: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
  token = await shopperToken(world, 'tabs-alice');
});
afterAll(async () => world?.stop());

const stored = async (id: string) => (await world.api.instance.services.models.Order.findById(id).lean())!;

async function placed(as = token): Promise<string> {
  const product = await createProduct(world, admin, { priceFen: 1000, stock: 5 });
  const order = await call(world.api.url, 'POST', '/api/orders', { token: as, body: { items: [{ productId: product.id, quantity: 1 }] } });
  expect(order.status).toBe(201);
  return order.body.id as string;
}

async function paid(): Promise<string> {
  const id = await placed();
  const pay = await call(world.api.url, 'POST', `/api/orders/${id}/pay`, { token });
  await world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  await eventually(async () => (await stored(id)).status === 'PAID');
  return id;
}

async function shipped(): Promise<string> {
  const id = await paid();
  const ship = await call(world.api.url, 'POST', `/api/admin/orders/${id}/ship`, { token: admin, body: { expressCompany: '顺丰速运', trackingNo: `SF${Date.now()}` } });
  expect(ship.status).toBe(200);
  return id;
}

const list = async (group?: string) => {
  const res = await call(world.api.url, 'GET', `/api/orders${group ? `?group=${group}` : ''}`, { token });
  expect(res.status).toBe(200);
  return { ids: (res.body.items as { id: string }[]).map((o) => o.id).sort(), total: res.body.total as number };
};

describe('GET /api/orders?group=', () => {
  it('lists each tab’s own orders; 售后 holds orders with a refund whatever their status', async () => {
    const pending = await placed();
    const toShip = await paid();
    const toReceive = await shipped();
    const completed = await shipped();
    expect((await call(world.api.url, 'POST', `/api/orders/${completed}/confirm-receipt`, { token })).status).toBe(200);
    const partlyRefunded = await paid();
    const refund = await call(world.api.url, 'POST', `/api/admin/orders/${partlyRefunded}/refunds`, { token: admin, body: { amountFen: 300, reason: '少发一件' } });
    expect(refund.status).toBe(201);
    // Another shopper's order is never listed.
    await placed(await shopperToken(world, 'tabs-bob'));

    expect(await list()).toEqual({ ids: [pending, toShip, toReceive, completed, partlyRefunded].sort(), total: 5 });
    expect(await list('PENDING_PAYMENT')).toEqual({ ids: [pending], total: 1 });
    expect(await list('TO_SHIP')).toEqual({ ids: [toShip, partlyRefunded].sort(), total: 2 });
    expect(await list('TO_RECEIVE')).toEqual({ ids: [toReceive], total: 1 });
    expect(await list('COMPLETED')).toEqual({ ids: [completed], total: 1 });
    expect(await list('AFTER_SALE')).toEqual({ ids: [partlyRefunded], total: 1 });
  });

  it('400 VALIDATION_FAILED for an unknown group', async () => {
    const res = await call(world.api.url, 'GET', '/api/orders?group=SOMETHING', { token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
