import type { AfterSale, AfterSaleStatus } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { OrderDoc } from '../orders/model';
import { toAfterSale } from './dto';
import type { AfterSaleDoc } from './model';

export const ADMIN_PAGE_SIZE = 20;

/** The console's queue: newest first, optionally one status, with the total for the pager. */
export async function listAfterSales(s: Pick<Services, 'models'>, query: { status?: AfterSaleStatus; page: number }): Promise<{ items: AfterSale[]; total: number }> {
  const filter = query.status ? { status: query.status } : {};
  const [docs, total] = await Promise.all([
    s.models.AfterSale.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((query.page - 1) * ADMIN_PAGE_SIZE)
      .limit(ADMIN_PAGE_SIZE)
      .lean<AfterSaleDoc[]>(),
    s.models.AfterSale.countDocuments(filter),
  ]);
  return { items: await withOrderNos(s, docs), total };
}

/** The DTOs with their orders' readable numbers (one query for the page). */
export async function withOrderNos(s: Pick<Services, 'models'>, docs: AfterSaleDoc[]): Promise<AfterSale[]> {
  const orders = await s.models.Order.find({ _id: { $in: [...new Set(docs.map((d) => String(d.orderId)))] } }, { orderNo: 1 }).lean<Pick<OrderDoc, '_id' | 'orderNo'>[]>();
  const numbers = new Map(orders.map((o) => [String(o._id), o.orderNo ?? undefined]));
  return docs.map((d) => toAfterSale(d, numbers.get(String(d.orderId))));
}
