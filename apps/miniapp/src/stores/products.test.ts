import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { CATEGORIES, FakeApi, plainProduct, PRODUCTS, SHIRT } from '../../test/fake-api';
import { fakeUni } from '../../test/fake-uni';
import { useCartStore } from './cart';
import { PAGE_SIZE, useProductsStore } from './products';

const tea = plainProduct({ id: 'tea', name: '乌龙茶', description: '', priceFen: 1999, stock: 3 });
let api: FakeApi;

beforeEach(() => {
  setActivePinia(createPinia());
  api = new FakeApi([tea, ...PRODUCTS], CATEGORIES);
  fakeUni().responder = api.respond;
});

/** `count` products without specs in one category, named 商品 1 … */
function many(count: number, categoryId: string) {
  return Array.from({ length: count }, (_, i) =>
    plainProduct({ id: `p${i}`.padStart(24, '0'), name: `商品 ${i + 1}`, description: '', priceFen: 100 + i, stock: 1, categoryId }),
  );
}

describe('the catalog', () => {
  it('lists the first page and reads one, without the token and without toasts', async () => {
    const catalog = useProductsStore();
    expect((await catalog.loadFirst()).map((p) => p.id)).toEqual(['tea', ...PRODUCTS.map((p) => p.id)]);
    expect(catalog.total).toBe(5);
    expect(catalog.hasMore).toBe(false);
    expect(catalog.byId.tea).toMatchObject({ priceFen: 1999 });
    expect(await catalog.load('tea')).toMatchObject({ name: '乌龙茶' });
    expect(fakeUni().requests[0]!.url).toBe(`http://127.0.0.1:3000/api/products?page=1&pageSize=${PAGE_SIZE}`);
    expect(fakeUni().requests.every((r) => !r.header.Authorization)).toBe(true);

    await expect(catalog.load('nope')).rejects.toMatchObject({ status: 404 });
    expect(fakeUni().toasts).toEqual([]);
  });

  it('reads the categories in the owner’s order and lists one category, page by page', async () => {
    const catalog = useProductsStore();
    expect((await catalog.loadCategories()).map((c) => c.name)).toEqual(['咖啡', '服饰']);
    const clothes = CATEGORIES[1]!.id;
    for (const p of many(PAGE_SIZE + 5, clothes)) api.products.set(p.id, p);

    await catalog.loadFirst({ categoryId: clothes, q: '' });
    expect(catalog.items).toHaveLength(PAGE_SIZE);
    expect(catalog.total).toBe(PAGE_SIZE + 6); // with the T-shirt
    expect(catalog.hasMore).toBe(true);
    expect(fakeUni().requests.at(-1)!.url).toContain(`categoryId=${clothes}&page=1`);

    await Promise.all([catalog.loadMore(), catalog.loadMore()]); // a second scroll event while loading: one request
    expect(fakeUni().requests.filter((r) => r.url.includes('page=2'))).toHaveLength(1);
    expect(catalog.items).toHaveLength(PAGE_SIZE + 6);
    expect(new Set(catalog.items.map((p) => p.id)).size).toBe(PAGE_SIZE + 6);
    expect(catalog.hasMore).toBe(false);
    await catalog.loadMore();
    expect(fakeUni().requests.filter((r) => r.url.includes('page=3'))).toHaveLength(0);
  });

  it('searches the names as typed (trimmed), within the chosen category', async () => {
    const catalog = useProductsStore();
    await catalog.loadFirst({ q: '  t 恤 ' });
    expect(catalog.items.map((p) => p.id)).toEqual([SHIRT.id]);
    expect(fakeUni().requests.at(-1)!.url).toContain(`q=${encodeURIComponent('t 恤')}`);
    await catalog.loadFirst({ categoryId: CATEGORIES[0]!.id, q: '杯' });
    expect(catalog.items.map((p) => p.name)).toEqual(['手冲滤杯']);
    await catalog.loadFirst({ q: '.*' });
    expect(catalog.items).toEqual([]);
  });

  it('drops the answer of a tab the shopper already left', async () => {
    const catalog = useProductsStore();
    const first = catalog.loadFirst({ categoryId: CATEGORIES[0]!.id, q: '' });
    const second = catalog.loadFirst({ categoryId: CATEGORIES[1]!.id, q: '' });
    await Promise.all([first, second]);
    expect(catalog.filter.categoryId).toBe(CATEGORIES[1]!.id);
    expect(catalog.items.map((p) => p.id)).toEqual([SHIRT.id]);
  });

  it('brings the cart down to today’s stock, reading only the products it holds, a few at a time', async () => {
    const cart = useCartStore();
    cart.add(tea, tea.skus[0]!, 3);
    cart.add(SHIRT, SHIRT.skus[2]!, 4);
    cart.add(SHIRT, SHIRT.skus[5]!, 1);
    api.products.get('tea')!.skus[0]!.stock = 1;
    api.setSkuStock(SHIRT.id, SHIRT.skus[2]!.id, 1);
    const catalog = useProductsStore();
    const sync = cart.syncWithCatalog(await catalog.loadForCart(cart.lines.map((l) => l.productId)));
    expect(sync.shrunk).toEqual([`tea/${tea.skus[0]!.id}`, `${SHIRT.id}/${SHIRT.skus[2]!.id}`]);
    expect(cart.find('tea', tea.skus[0]!.id)?.quantity).toBe(1);
    expect(cart.find(SHIRT.id, SHIRT.skus[2]!.id)?.quantity).toBe(1);
    expect(fakeUni().requests.map((r) => r.url.replace('http://127.0.0.1:3000', ''))).toEqual(['/api/products/tea', `/api/products/${SHIRT.id}`]);

    // A product the API no longer sells (404) is sold out in the cart; 12 products take 3 rounds of 5.
    api.products.delete('tea');
    const ids = ['tea', ...many(11, CATEGORIES[0]!.id).map((p) => {
      api.products.set(p.id, p);
      return p.id;
    })];
    fakeUni().requests.length = 0;
    let inFlight = 0;
    let most = 0;
    const respond = api.respond;
    fakeUni().responder = async (req) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return respond(req);
    };
    const products = await catalog.loadForCart([...ids, 'tea']);
    expect(products).toHaveLength(11);
    expect(fakeUni().requests).toHaveLength(12);
    expect(most).toBe(5);
    cart.syncWithCatalog(products);
    expect(cart.find('tea', tea.skus[0]!.id)?.stock).toBe(0);
  });
});
