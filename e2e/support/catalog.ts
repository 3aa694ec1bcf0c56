// Products for the shop window, created through the admin API as a store owner would.
import type { Product } from '@xiaodian/shared';
import { adminToken, call, type World } from '@xiaodian/api/testing';

export interface ProductInput {
  name: string;
  description: string;
  /** Without specs: the price and stock of its one SKU. */
  priceFen?: number;
  stock?: number;
  categoryId?: string;
  /** Uploaded images' ids (see uploadPictures). */
  images?: string[];
  specs?: { name: string; values: string[] }[];
  skus?: { specs: Record<string, string>; priceFen: number; stock: number; image?: string }[];
}

/** A category through the admin API. */
export async function createCategory(world: World, name: string, sort = 0): Promise<{ id: string; name: string; sort: number }> {
  const res = await call<{ id: string; name: string; sort: number }>(world.api.url, 'POST', '/api/admin/categories', { token: await adminToken(world), body: { name, sort } });
  if (res.status !== 201) throw new Error(`create category ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createProducts<const T extends Record<string, ProductInput>>(world: World, products: T): Promise<{ [K in keyof T]: Product }> {
  const token = await adminToken(world);
  const created: Record<string, Product> = {};
  for (const [key, input] of Object.entries(products)) {
    const res = await call<Product>(world.api.url, 'POST', '/api/admin/products', { token, body: input });
    if (res.status !== 201) throw new Error(`create product ${input.name}: ${res.status} ${JSON.stringify(res.body)}`);
    created[key] = res.body;
  }
  return created as { [K in keyof T]: Product };
}
