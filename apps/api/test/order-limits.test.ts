// A shopper's two order limits, held by one guarded update of one document (orders/pending-orders.ts): unpaid
// orders at once (MAX_PENDING_ORDERS) and orders placed in a sliding 10 minutes (ORDER_RATE_LIMIT). Concurrent
// orders on every instance must not all see room for one more.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releasePendingPlace, takePendingPlace } from '../src/modules/orders/pending-orders';
import { adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;

beforeAll(async () => {
  world = await startWorld({ env: { MAX_PENDING_ORDERS: '100', ORDER_RATE_LIMIT: '20' } });
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const MINUTE = 60_000;
const t0 = Date.parse('2026-12-01T08:00:00Z');

/** A shopper's placements at these minutes after t0 under ORDER_RATE_LIMIT 6, each order paid at once (its place given back). */
async function placedUnderLimitOf6(userId: Types.ObjectId, minutes: number[]): Promise<void> {
  const { models } = world.api.instance.services;
  for (const minute of minutes) {
    const orderId = new Types.ObjectId();
    const at = new Date(t0 + minute * MINUTE);
    expect(await takePendingPlace(models, userId, orderId, { maxPending: 100, ratePerWindow: 6, windowMs: 10 * MINUTE }, at)).toEqual({ taken: true });
    expect(await releasePendingPlace(models, userId, orderId)).toBe(true);
  }
}

describe('order limits per shopper', () => {
  it('slides the rate window: the limit counts the last 10 minutes, and a place frees when the oldest leaves them', async () => {
    const { models } = world.api.instance.services;
    const userId = new Types.ObjectId();
    const limits = { maxPending: 100, ratePerWindow: 3, windowMs: 10 * MINUTE };
    // Three orders a minute apart, each paid at once (its place given back): the pending limit is not what stops the fourth.
    for (let i = 0; i < 3; i++) {
      const orderId = new Types.ObjectId();
      expect(await takePendingPlace(models, userId, orderId, limits, new Date(t0 + i * MINUTE))).toEqual({ taken: true });
      expect(await releasePendingPlace(models, userId, orderId)).toBe(true);
    }
    const refused = await takePendingPlace(models, userId, new Types.ObjectId(), limits, new Date(t0 + 9 * MINUTE));
    expect(refused).toEqual({ taken: false, refusedBy: 'RATE', retryAt: new Date(t0 + 10 * MINUTE) });
    // At 10 minutes the first order is out of the window: one more, and then the second one's turn.
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), limits, new Date(t0 + 10 * MINUTE))).toEqual({ taken: true });
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), limits, new Date(t0 + 10 * MINUTE + 1))).toEqual({
      taken: false,
      refusedBy: 'RATE',
      retryAt: new Date(t0 + 11 * MINUTE),
    });
  });

  it('counts the placements within the window, so a lowered ORDER_RATE_LIMIT lets no extra order through', async () => {
    const { models } = world.api.instance.services;
    const userId = new Types.ObjectId();
    // Under a limit of 6: one placement that will have left the window, then five within it.
    await placedUnderLimitOf6(userId, [0, 5, 6, 7, 8, 9]);
    // The limit lowered to 3: at 12 minutes five placements are within the window, so none is allowed. (Reading the
    // list's ends, the oldest being out of the window let one more through.)
    const lowered = { maxPending: 100, ratePerWindow: 3, windowMs: 10 * MINUTE };
    const refused = await takePendingPlace(models, userId, new Types.ObjectId(), lowered, new Date(t0 + 12 * MINUTE));
    // The third-newest within the window (7 minutes) leaves it at 17: that is when the shopper may order again.
    expect(refused).toEqual({ taken: false, refusedBy: 'RATE', retryAt: new Date(t0 + 17 * MINUTE) });
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), lowered, new Date(t0 + 16 * MINUTE + 1))).toMatchObject({ taken: false, refusedBy: 'RATE' });
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), lowered, new Date(t0 + 17 * MINUTE + 1))).toEqual({ taken: true });
    // A new shopper's first placement (the upsert) is taken under the counted guard too.
    expect(await takePendingPlace(models, new Types.ObjectId(), new Types.ObjectId(), lowered)).toEqual({ taken: true });
  });

  it('a list kept under a higher limit is trimmed and the take judged again: concurrent takes that may go through both do', async () => {
    const { models } = world.api.instance.services;
    const userId = new Types.ObjectId();
    await placedUnderLimitOf6(userId, [0, 1, 2, 3, 4, 5]);
    // Limit 3 at 14 minutes: only 5 is within the window, so two more may go through, whichever of them trims.
    const lowered = { maxPending: 100, ratePerWindow: 3, windowMs: 10 * MINUTE };
    const at = new Date(t0 + 14 * MINUTE);
    const both = await Promise.all([0, 1].map(() => takePendingPlace(models, userId, new Types.ObjectId(), lowered, at)));
    expect(both).toEqual([{ taken: true }, { taken: true }]);
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), lowered, at)).toMatchObject({ taken: false, refusedBy: 'RATE' });
  });

  it('says which limit refused: held unpaid orders before the rate', async () => {
    const { models } = world.api.instance.services;
    const userId = new Types.ObjectId();
    const limits = { maxPending: 2, ratePerWindow: 2, windowMs: 10 * MINUTE };
    expect((await takePendingPlace(models, userId, new Types.ObjectId(), limits)).taken).toBe(true);
    expect((await takePendingPlace(models, userId, new Types.ObjectId(), limits)).taken).toBe(true);
    expect(await takePendingPlace(models, userId, new Types.ObjectId(), limits)).toEqual({ taken: false, refusedBy: 'PENDING' });
  });

  it('lets exactly ORDER_RATE_LIMIT of 30 parallel orders through, on two instances, and the rest get 429 with Retry-After', async () => {
    const token = await shopperToken(world, 'burst-buyer');
    const product = await createProduct(world, admin, { stock: 100 });
    const other = await world.startAnotherInstance();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(i % 2 ? other.url : world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } }),
      ),
    );
    const placed = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(placed).toHaveLength(20);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Nothing of the refused ones stays reserved: 20 units held, 20 places held.
    const { models } = world.api.instance.services;
    const sku = await models.Sku.findOne({ productId: product.id }).lean();
    expect(sku?.stock).toBe(80);
    expect(sku?.reservations).toHaveLength(20);
    const userId = (await models.Order.findById(placed[0]!.body.id).lean())?.userId;
    const slots = await models.PendingOrderSlots.findOne({ _id: userId }).lean();
    expect(slots?.count).toBe(20);
    expect(slots?.placedAt).toHaveLength(20);
  });
});
