import { isValidObjectId, Types } from 'mongoose';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import type { AfterSaleDoc } from './model';

/** A request by id; with `userId`, only that shopper's own (another shopper's request is "not found"). */
export async function findAfterSale(s: Pick<Services, 'models'>, id: string, userId?: string): Promise<AfterSaleDoc> {
  if (!isValidObjectId(id)) throw notFound('After-sale request');
  const doc = await s.models.AfterSale.findOne({ _id: id, ...(userId ? { userId: new Types.ObjectId(userId) } : {}) }).lean<AfterSaleDoc>();
  if (!doc) throw notFound('After-sale request');
  return doc;
}
