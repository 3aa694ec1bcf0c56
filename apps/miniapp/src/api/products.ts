import type { Category, Product } from '@xiaodian/shared';
import { http } from './http';

/** What the shop's list is filtered and paged by (`GET /api/products`). */
export interface ProductsQuery {
  categoryId?: string;
  /** Part of the name, as typed (the API matches it as literal text, any case). */
  q?: string;
  page?: number;
  pageSize?: number;
}

/** `GET /api/products?categoryId=&q=&page=&pageSize=` → `{items, total}` (no token needed). */
export function listProducts(query: ProductsQuery = {}, toast = true): Promise<{ items: Product[]; total: number }> {
  return http.get<{ items: Product[]; total: number }>('/api/products', {
    auth: 'none',
    toast,
    query: { categoryId: query.categoryId, q: query.q || undefined, page: query.page, pageSize: query.pageSize },
  });
}

/** `GET /api/products/:id`. */
export function getProduct(id: string, toast = true): Promise<Product> {
  return http.get<Product>(`/api/products/${encodeURIComponent(id)}`, { auth: 'none', toast });
}

/** `GET /api/categories` → the shop's categories, in the owner's order. */
export async function listCategories(toast = true): Promise<Category[]> {
  const res = await http.get<{ items: Category[] }>('/api/categories', { auth: 'none', toast });
  return res.items;
}
