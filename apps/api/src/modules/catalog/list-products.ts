import { Types } from 'mongoose';
import type { Product, ProductsQuery } from '@xiaodian/shared';
import type { Models } from '../../collections';
import { toProduct } from './dto';
import { skusByProduct } from './load-skus';
import type { ProductDoc } from './model';

/** Escapes every character a regular expression gives a meaning to: `q` is matched as the literal text typed. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A page of products, newest first: on shelf only for shoppers, every product for the console; in one category
 * and/or whose name contains `q` (any case). `{onShelf, createdAt}` and `{categoryId, onShelf, createdAt}` serve
 * the filters and the order; the name match scans what they select.
 */
export async function listProducts(models: Models, query: ProductsQuery, options: { admin?: boolean } = {}): Promise<{ items: Product[]; total: number }> {
  const filter: Record<string, unknown> = {};
  if (query.categoryId) filter.categoryId = new Types.ObjectId(query.categoryId);
  if (!options.admin) filter.onShelf = true;
  if (query.q) filter.name = { $regex: literalPattern(query.q), $options: 'i' };
  const products = await models.Product.find(filter, { reservations: 0 })
    .sort({ createdAt: -1, _id: -1 })
    .skip((query.page - 1) * query.pageSize)
    .limit(query.pageSize)
    .lean<ProductDoc[]>();
  // A page that is not full is the last: it tells the total without counting (a count scans what the filter
  // selects, which for a search is every name again).
  const last = products.length > 0 && products.length < query.pageSize;
  // The count and the page's SKUs need only the page: both in flight at once, one round trip instead of two.
  const [total, skus] = await Promise.all([
    last ? (query.page - 1) * query.pageSize + products.length : models.Product.countDocuments(filter),
    skusByProduct(models, products.map((p) => p._id), { reservations: options.admin }),
  ]);
  return { items: products.map((p) => toProduct(p, skus.get(String(p._id)) ?? [], options)), total };
}
