import { Types, isValidObjectId } from 'mongoose';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import type { OrderDoc } from './model';
import { driverCollection } from '../../infra/driver-collection';

/** A shopper's own placed order, or 404 (another shopper's order is "not found", never "forbidden"). */
export async function findOwnOrder(s: Pick<Services, 'models'>, userId: string, id: string): Promise<OrderDoc> {
  if (!isValidObjectId(id)) throw notFound('Order');
  // Through the driver's collection (every payment and order page reads this): the filter is ObjectIds and a
  // string, and the lean document needs no hydration, so mongoose's casting would only cost time.
  const orders = driverCollection<OrderDoc>(s.models.Order);
  const order = await orders.findOne({ _id: new Types.ObjectId(id), userId: new Types.ObjectId(userId), stage: 'PLACED' });
  if (!order) throw notFound('Order');
  return order;
}
