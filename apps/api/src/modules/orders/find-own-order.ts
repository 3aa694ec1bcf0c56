import type { Models } from '../../collections';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import type { OrderDoc } from './model';
import { driverCollection } from '../../infra/driver-collection';
import { gatherReadsById } from '../../infra/gathered-reads';
import { perModels } from '../../infra/per-models';

/**
 * Orders by id, gathered with the concurrent requests' reads (gathered-reads.ts): every payment, every status poll
 * and every order page reads one, so under load they share a query. Through the driver's collection: the filter
 * is ObjectIds, and the lean document needs no hydration.
 */
const ordersById = perModels((models: Models) => gatherReadsById(driverCollection<OrderDoc>(models.Order), {}));

/** A shopper's own placed order, or 404 (another shopper's order is "not found", never "forbidden"). */
export async function findOwnOrder(s: Pick<Services, 'models'>, userId: string, id: string): Promise<OrderDoc> {
  // Ids are 24 hex digits, in either case; the gathered read keys them in lower case, as ObjectIds print.
  if (!/^[0-9a-fA-F]{24}$/.test(id)) throw notFound('Order');
  const order = await ordersById(s.models)(id.toLowerCase());
  // Someone else's order, and one still being created (RESERVING), are not found.
  if (!order || String(order.userId) !== userId || order.stage !== 'PLACED') throw notFound('Order');
  return order;
}
