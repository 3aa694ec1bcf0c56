// The development demo shop (src/dev/seed-demo.ts), through the real API: seeded once on an empty catalog, with
// pictures the API serves and the T-shirt's 2 × 3 SKU matrix; carried on after a seed cut short, never twice;
// and never on a shop that has products of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATEGORIES, DEMO_PRODUCTS, seedDemoCatalog } from '../src/dev/seed-demo';
import { adminToken, call, createProduct, startWorld, type World } from './harness';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());

const seed = (w: World) =>
  seedDemoCatalog({ services: w.api.instance.services, db: w.db, logger: w.api.instance.services.logger, baseUrl: w.api.url, owner: 'owner' });

async function catalog(w: World) {
  const token = await adminToken(w);
  const products = await call(w.api.url, 'GET', '/api/admin/products?pageSize=500', { token });
  const categories = await call(w.api.url, 'GET', '/api/categories');
  return { products: products.body.items as any[], categories: categories.body.items as any[] };
}

describe('the demo shop', () => {
  it('is seeded once on an empty catalog: categories, products with served pictures, a 2 × 3 T-shirt', async () => {
    expect(await seed(world)).toBe('seeded');
    const { products, categories } = await catalog(world);
    expect(categories.map((c) => c.name)).toEqual(DEMO_CATEGORIES);
    expect(products.map((p) => p.name).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.name).sort());
    for (const p of products) expect(p.images.length, p.name).toBeGreaterThan(0);

    const tee = products.find((p) => p.specs.length === 2)!;
    expect(tee.specs).toEqual([
      { name: '颜色', values: ['白色', '黑色'] },
      { name: '尺码', values: ['S', 'M', 'L'] },
    ]);
    expect(tee.skus).toHaveLength(6);
    expect(tee.priceFen).toBe(5900);
    expect(new Set(tee.skus.map((s: any) => s.imageUrl)).size).toBe(2);

    const picture = await fetch(`${world.api.url}${products[0].imageUrl}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toMatch(/^image\//);

    // A second start leaves it as it is.
    expect(await seed(world)).toBe('skipped');
    expect((await catalog(world)).products).toHaveLength(DEMO_PRODUCTS.length);
  });

  it('carries on after a seed cut short, creating only what is missing', async () => {
    const w = await startWorld();
    try {
      // As after a crash half-way: the marker says running, a demo category and product exist.
      await w.db.collection('devseeds').insertOne({ _id: 'demo-catalog' as never, state: 'running', at: new Date() });
      const token = await adminToken(w);
      await call(w.api.url, 'POST', '/api/admin/categories', { token, body: { name: DEMO_CATEGORIES[0], sort: 10 } });
      await createProduct(w, token, { name: DEMO_PRODUCTS[0]!.name, priceFen: 6800, stock: 50 });
      expect(await seed(w)).toBe('seeded');
      const { products, categories } = await catalog(w);
      expect(categories.map((c) => c.name)).toEqual(DEMO_CATEGORIES);
      expect(products.map((p) => p.name).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.name).sort());
    } finally {
      await w.stop();
    }
  });

  it('never touches a shop with products of its own', async () => {
    const w = await startWorld();
    try {
      await createProduct(w, await adminToken(w), { name: '自家的茶' });
      expect(await seed(w)).toBe('skipped');
      const { products, categories } = await catalog(w);
      expect(products.map((p) => p.name)).toEqual(['自家的茶']);
      expect(categories).toEqual([]);
    } finally {
      await w.stop();
    }
  });
});
