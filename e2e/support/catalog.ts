// Products for the shop window, created through the admin API as a store owner would.
import type { Product } from '@xiaodian/shared';
import { adminToken, call, type World } from '@xiaodian/api/testing';

export interface ProductInput {
  name: string;
  description: string;
  priceFen: number;
  stock: number;
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
