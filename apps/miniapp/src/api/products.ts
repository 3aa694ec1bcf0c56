import type { Product } from '@xiaodian/shared';
import { http } from './http';

/** `GET /api/products` (no token needed). */
export async function listProducts(toast = true): Promise<Product[]> {
  const res = await http.get<{ items: Product[] }>('/api/products', { auth: 'none', toast });
  return res.items;
}

/** `GET /api/products/:id`. */
export function getProduct(id: string, toast = true): Promise<Product> {
  return http.get<Product>(`/api/products/${encodeURIComponent(id)}`, { auth: 'none', toast });
}
