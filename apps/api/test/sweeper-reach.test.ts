// The reservation sweeper must reach every leftover, however many unpaid orders hold stock and places meanwhile.
// Since the settlement mark rides on the PAID/CLOSED compare-and-set, the stock and the pending place of an order
// whose process died right after its move are found only by scanning reservations and places older than the
// cutoff — and an unpaid order's reservation and place stay older than the cutoff for the whole payment window.
// The scan takes `limit` documents (50 in the job); `limit = 2` here stands for a shop with more than 50 SKUs (or
// shoppers) holding unpaid orders, which the scan meets first, every run, and skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReservationSweeper, STUCK_RESERVATION_MS } from '../src/modules/orders/reservation-sweeper-job';
import { stockSettledMark } from '../src/modules/orders/stock';
import { adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

describe('reservation sweeper reach', () => {
  it('settles a closed order left by a crash even while more unpaid orders than its limit hold stock and places', async () => {
    const { models } = world.api.instance.services;
    const order = async (user: string, productId: string) => {
      const token = await shopperToken(world, user);
      const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId, quantity: 2 }] } });
      expect(res.status).toBe(201);
      return res.body as { id: string };
    };
    // Two unpaid orders, on two products, by two shoppers: waiting for payment, as shoppers' orders do.
    const first = await createProduct(world, admin, { stock: 5 });
    const second = await createProduct(world, admin, { stock: 5 });
    await order('reach-unpaid-1', first.id);
    await order('reach-unpaid-2', second.id);
    // A third order whose close wrote stockSettledMark in its compare-and-set, then the process died.
    const third = await createProduct(world, admin, { stock: 5 });
    const closing = await order('reach-crashed', third.id);
    await models.Order.updateOne({ _id: closing.id }, { $set: { status: 'CLOSED', ...stockSettledMark('CLOSED') } });
    const userId = (await models.Order.findById(closing.id).lean())?.userId;

    // Several runs after the cutoff, within the unpaid orders' payment window.
    const later = new Date(Date.now() + 2 * STUCK_RESERVATION_MS);
    for (let run = 0; run < 3; run++) await runReservationSweeper(world.api.instance.services, later, 2);

    expect((await models.PendingOrderSlots.findById(userId).lean())?.count).toBe(0);
    expect((await models.Sku.findOne({ productId: third.id }).lean())?.stock).toBe(5);
    expect((await models.Sku.findById(third.skus[0].id).lean())?.reservations).toHaveLength(0);
    // The unpaid orders keep what they hold.
    expect((await models.Sku.findOne({ productId: first.id }).lean())?.stock).toBe(3);
    expect((await models.Sku.findOne({ productId: second.id }).lean())?.stock).toBe(3);
  });
});
