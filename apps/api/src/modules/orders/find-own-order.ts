import { Types, isValidObjectId } from 'mongoose';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import type { OrderDoc } from './model';

/** A shopper's own placed order, or 404 (another shopper's order is "not found", never "forbidden"). */
export async function findOwnOrder(s: Pick<Services, 'models'>, userId: string, id: string): Promise<OrderDoc> {
  if (!isValidObjectId(id)) throw notFound('Order');
  const order = await s.models.Order.findOne({ _id: id, userId: new Types.ObjectId(userId), stage: 'PLACED' }).lean<OrderDoc>();
  if (!order) throw notFound('Order');
  return order;
}
