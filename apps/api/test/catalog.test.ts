// The catalog of issue 12 through HTTP against the embedded database: categories, products sold as SKUs (the
// matrix rules, per-SKU stock and orders), search and paging.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specCombinations, type Product, type Sku } from '@xiaodian/shared';
import { migrateProductsToSkus } from '../src/modules/catalog/migrate-skus';
import { runReservationSweeper } from '../src/modules/orders/reservation-sweeper-job';
import { reserveStock, settleOrderStock } from '../src/modules/orders/stock';
import { adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;
const services = () => world.api.instance.services;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
});
afterAll(async () => world?.stop());

const asAdmin = (method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: admin, body });

const TEE_SPECS = [
  { name: '颜色', values: ['红', '蓝'] },
  { name: '尺寸', values: ['S', 'M', 'L'] },
];

/** A T-shirt in 2 colours × 3 sizes: 5 of each, ¥39 except the large ones at ¥45. */
async function createTee(name = 'T恤', fields: Record<string, unknown> = {}) {
  const skus = specCombinations(TEE_SPECS).map((specs) => ({ specs, priceFen: specs['尺寸'] === 'L' ? 4500 : 3900, stock: 5 }));
  const res = await asAdmin('POST', '/api/admin/products', { name, description: '纯棉', specs: TEE_SPECS, skus, ...fields });
  expect(res.status).toBe(201);
  return res.body;
}

const skuOf = (product: Pick<Product, 'skus'>, colour: string, size: string): Sku =>
  product.skus.find((s) => s.specs['颜色'] === colour && s.specs['尺寸'] === size)!;

async function catalogCounts() {
  return { products: await services().models.Product.countDocuments(), skus: await services().models.Sku.countDocuments() };
}

describe('categories', () => {
  it('are created, renamed, reordered and listed by sort, then name', async () => {
    const tea = await asAdmin('POST', '/api/admin/categories', { name: '茶叶', sort: 2 });
    expect(tea.status).toBe(201);
    expect(tea.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: '茶叶', sort: 2 });
    const cups = (await asAdmin('POST', '/api/admin/categories', { name: '茶具' })).body;
    expect(cups.sort).toBe(0);
    const gifts = (await asAdmin('POST', '/api/admin/categories', { name: 'A礼盒', sort: 2 })).body;

    const listed = async () => (await call(world.api.url, 'GET', '/api/categories')).body.items.map((c: { id: string }) => c.id);
    expect(await listed()).toEqual([cups.id, gifts.id, tea.body.id]);
    const renamed = await asAdmin('PATCH', `/api/admin/categories/${cups.id}`, { name: '茶器', sort: 9 });
    expect(renamed).toMatchObject({ status: 200, body: { id: cups.id, name: '茶器', sort: 9 } });
    expect(await listed()).toEqual([gifts.id, tea.body.id, cups.id]);

    expect((await asAdmin('DELETE', `/api/admin/categories/${gifts.id}`)).status).toBe(204);
    expect(await listed()).toEqual([tea.body.id, cups.id]);
    expect((await asAdmin('DELETE', `/api/admin/categories/${gifts.id}`)).status).toBe(404);
    expect((await asAdmin('PATCH', `/api/admin/categories/${gifts.id}`, { name: 'x' })).status).toBe(404);
  });

  it('refuses bad input and shoppers, changing nothing', async () => {
    const before = await services().models.Category.countDocuments();
    expect((await asAdmin('POST', '/api/admin/categories', { name: '' })).status).toBe(400);
    expect((await asAdmin('POST', '/api/admin/categories', { name: 'x'.repeat(21) })).status).toBe(400);
    expect((await asAdmin('POST', '/api/admin/categories', { name: '茶', sort: 1.5 })).status).toBe(400);
    const shopper = await shopperToken(world, 'cat-shopper');
    expect((await call(world.api.url, 'POST', '/api/admin/categories', { token: shopper, body: { name: '茶' } })).status).toBe(403);
    expect(await services().models.Category.countDocuments()).toBe(before);
  });

  it('a category that still has products answers 409 CATEGORY_NOT_EMPTY; emptied, it can go', async () => {
    const category = (await asAdmin('POST', '/api/admin/categories', { name: '点心' })).body;
    const product = (await asAdmin('POST', '/api/admin/products', { name: '月饼', priceFen: 1000, stock: 3, categoryId: category.id })).body;
    expect(product.categoryId).toBe(category.id);
    // Off the shelf still counts: the product is there.
    await asAdmin('PATCH', `/api/admin/products/${product.id}`, { onShelf: false });
    const refused = await asAdmin('DELETE', `/api/admin/categories/${category.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CATEGORY_NOT_EMPTY');
    expect(await services().models.Category.exists({ _id: category.id })).toBeTruthy();

    const other = (await asAdmin('POST', '/api/admin/categories', { name: '糕点' })).body;
    const moved = await asAdmin('PATCH', `/api/admin/products/${product.id}`, { categoryId: other.id });
    expect(moved.body.categoryId).toBe(other.id);
    expect((await asAdmin('DELETE', `/api/admin/categories/${category.id}`)).status).toBe(204);
    expect((await asAdmin('PATCH', `/api/admin/products/${product.id}`, { categoryId: null })).body.categoryId).toBeUndefined();
    expect((await asAdmin('DELETE', `/api/admin/categories/${other.id}`)).status).toBe(204);
  });

  it('a product naming a category that does not exist is refused, and nothing is written', async () => {
    const before = await catalogCounts();
    const res = await asAdmin('POST', '/api/admin/products', { name: '无类', priceFen: 100, stock: 1, categoryId: new Types.ObjectId().toHexString() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await catalogCounts()).toEqual(before);
  });
});

describe('products with specs and SKUs', () => {
  it('creates every combination as a SKU: lowest price, stock in total, matrix order', async () => {
    const tee = await createTee();
    expect(tee).toMatchObject({ name: 'T恤', priceFen: 3900, stock: 30, specs: TEE_SPECS, images: [] });
    expect(tee.skus.map((s: { specs: object }) => s.specs)).toEqual(specCombinations(TEE_SPECS));
    expect(skuOf(tee, '蓝', 'L')).toMatchObject({ priceFen: 4500, stock: 5, reservedStock: 0, onHandStock: 5 });
    const shown = (await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body;
    expect(shown.skus).toHaveLength(6);
    expect(shown.skus[0]).toEqual({ id: expect.any(String), specs: { 颜色: '红', 尺寸: 'S' }, priceFen: 3900, stock: 5 });
  });

  it('refuses a matrix with a missing, duplicate or unknown combination, or over the limits, writing nothing', async () => {
    const full = specCombinations(TEE_SPECS).map((specs) => ({ specs, priceFen: 3900, stock: 5 }));
    const dim = (name: string, n: number) => ({ name, values: Array.from({ length: n }, (_, i) => `v${i}`) });
    const matrix = (specs: { name: string; values: string[] }[]) => specCombinations(specs).map((s) => ({ specs: s, priceFen: 100, stock: 1 }));
    const four = [dim('a', 1), dim('b', 1), dim('c', 1), dim('d', 1)];
    const tooMany = [dim('a', 11), dim('b', 10)];
    const bad = [
      { specs: TEE_SPECS, skus: full.slice(1) }, // missing 红/S
      { specs: TEE_SPECS, skus: [...full.slice(1), full[1]] }, // 红/M twice, 红/S missing
      { specs: TEE_SPECS, skus: [...full, full[0]] }, // a duplicate on top
      { specs: TEE_SPECS, skus: full.map((s, i) => (i === 0 ? { ...s, specs: { 颜色: '绿', 尺寸: 'S' } } : s)) },
      { specs: TEE_SPECS, skus: full.map((s, i) => (i === 0 ? { ...s, specs: { 颜色: '红' } } : s)) },
      { specs: TEE_SPECS },
      { specs: four, skus: matrix(four) },
      { specs: [dim('十一个字的规格名称啊', 1), dim('x'.repeat(11), 1)], skus: matrix([dim('x'.repeat(11), 1)]) },
      { specs: [dim('a', 21)], skus: matrix([dim('a', 21)]) },
      { specs: [{ name: '颜色', values: ['x'.repeat(21)] }], skus: matrix([{ name: '颜色', values: ['x'.repeat(21)] }]) },
      { specs: [{ name: '颜色', values: ['红', '红'] }], skus: matrix([{ name: '颜色', values: ['红'] }]) },
      { specs: tooMany, skus: matrix(tooMany).slice(0, 100) },
      { specs: TEE_SPECS, skus: full.map((s, i) => (i === 0 ? { ...s, priceFen: 0 } : s)) },
      { specs: TEE_SPECS, skus: full.map((s, i) => (i === 0 ? { ...s, stock: -1 } : s)) },
    ];
    const before = await catalogCounts();
    for (const body of bad) {
      const res = await asAdmin('POST', '/api/admin/products', { name: '坏矩阵', ...body });
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    // An image that was never uploaded is refused too.
    const noImage = await asAdmin('POST', '/api/admin/products', { name: '坏图', priceFen: 1, stock: 1, images: [new Types.ObjectId().toHexString()] });
    expect(noImage.status).toBe(400);
    expect(await catalogCounts()).toEqual(before);
  });

  it('edits one SKU: price and stock (audited with its reason); the product follows', async () => {
    const tee = await createTee('可改的T恤');
    const blueM = skuOf(tee, '蓝', 'M');
    const noReason = await asAdmin('PATCH', `/api/admin/products/${tee.id}/skus/${blueM.id}`, { stock: 9 });
    expect(noReason.status).toBe(400);
    const edited = await asAdmin('PATCH', `/api/admin/products/${tee.id}/skus/${blueM.id}`, { stock: 9, stockReason: '到货', priceFen: 2900 });
    expect(edited.status).toBe(200);
    expect(skuOf(edited.body, '蓝', 'M')).toMatchObject({ stock: 9, priceFen: 2900 });
    expect(edited.body).toMatchObject({ stock: 34, priceFen: 2900 });
    // The product keeps its lowest price; its stock lives on the SKUs alone.
    const stored = await services().models.Product.findById(tee.id).lean();
    expect(stored).toMatchObject({ priceFen: 2900 });
    expect(stored?.stock).toBeUndefined();
    const audit = (await asAdmin('GET', `/api/admin/audit?productId=${tee.id}`)).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'product.stock', stockBefore: 5, stockAfter: 9, detail: '到货 [颜色=蓝, 尺寸=M]' })]));

    // A SKU of another product, or none at all, is not found; price and stock of a product with specs go per SKU.
    const other = await createProduct(world, admin, { name: '别的', stock: 1 });
    expect((await asAdmin('PATCH', `/api/admin/products/${other.id}/skus/${blueM.id}`, { priceFen: 1 })).status).toBe(404);
    expect((await asAdmin('PATCH', `/api/admin/products/${tee.id}/skus/${new Types.ObjectId().toHexString()}`, { priceFen: 1 })).status).toBe(404);
    const whole = await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { priceFen: 100 });
    expect(whole.status).toBe(400);
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body.priceFen).toBe(2900);

    // The editor opens one product by id, off the shelf too, with on-hand and reserved stock per SKU.
    await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { onShelf: false });
    const opened = await asAdmin('GET', `/api/admin/products/${tee.id}`);
    expect(opened.status).toBe(200);
    expect(skuOf(opened.body, '蓝', 'M')).toMatchObject({ stock: 9, onHandStock: 9, reservedStock: 0 });
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).status).toBe(404);
    expect((await asAdmin('GET', `/api/admin/products/${new Types.ObjectId().toHexString()}`)).status).toBe(404);
    expect((await call(world.api.url, 'GET', `/api/admin/products/${tee.id}`)).status).toBe(401);
  });

  it('replaces the specs of a product nothing holds, and refuses while an unpaid order holds a SKU', async () => {
    const tee = await createTee('换规格的T恤');
    const sizes = [{ name: '尺寸', values: ['M', 'XL'] }];
    const skus = specCombinations(sizes).map((specs) => ({ specs, priceFen: 5900, stock: 2 }));
    const replaced = await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { specs: sizes, skus, stockReason: '改为两个尺码' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ specs: sizes, priceFen: 5900, stock: 4 });
    expect(replaced.body.skus.map((s: { specs: object }) => s.specs)).toEqual([{ 尺寸: 'M' }, { 尺寸: 'XL' }]);
    expect(await services().models.Sku.countDocuments({ productId: tee.id })).toBe(2);

    const token = await shopperToken(world, 'holds-a-sku');
    const order = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: tee.id, skuId: replaced.body.skus[0].id, quantity: 1 }] } });
    expect(order.status).toBe(201);
    const refused = await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { specs: TEE_SPECS, skus: specCombinations(TEE_SPECS).map((specs) => ({ specs, priceFen: 1, stock: 1 })) });
    expect(refused.status).toBe(409);
    expect(await services().models.Sku.countDocuments({ productId: tee.id })).toBe(2);
  });
});

describe('orders per SKU', () => {
  it('a product with several SKUs needs a skuId of its own; the item snapshots the SKU', async () => {
    const tee = await createTee('下单的T恤');
    const other = await createProduct(world, admin, { name: '单品', stock: 3 });
    const token = await shopperToken(world, 'sku-orderer');
    const order = (items: unknown[]) => call(world.api.url, 'POST', '/api/orders', { token, body: { items } });
    const ordersBefore = await services().models.Order.countDocuments();

    const noSku = await order([{ productId: tee.id, quantity: 1 }]);
    expect(noSku.status).toBe(400);
    expect(noSku.body.error.code).toBe('VALIDATION_FAILED');
    const foreign = await order([{ productId: tee.id, skuId: other.skus[0].id, quantity: 1 }]);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('VALIDATION_FAILED');
    const foreign2 = await order([{ productId: other.id, skuId: skuOf(tee, '红', 'S').id, quantity: 1 }]);
    expect(foreign2.status).toBe(400);
    expect(await services().models.Order.countDocuments()).toBe(ordersBefore);
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body.stock).toBe(30);

    const redL = skuOf(tee, '红', 'L');
    const placed = await order([
      { productId: tee.id, skuId: redL.id, quantity: 2 },
      { productId: tee.id, skuId: skuOf(tee, '蓝', 'S').id, quantity: 1 },
      { productId: other.id, quantity: 1 },
    ]);
    expect(placed.status).toBe(201);
    expect(placed.body.items[0]).toEqual({ productId: tee.id, skuId: redL.id, name: '下单的T恤', specs: { 颜色: '红', 尺寸: 'L' }, priceFen: 4500, quantity: 2 });
    expect(placed.body.items[2]).toEqual({ productId: other.id, skuId: other.skus[0].id, name: '单品', specs: {}, priceFen: 1999, quantity: 1 });
    expect(placed.body.totalFen).toBe(2 * 4500 + 3900 + 1999);
    const after = (await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body;
    expect(skuOf(after, '红', 'L').stock).toBe(3);
    expect(skuOf(after, '蓝', 'S').stock).toBe(4);
    expect(after.stock).toBe(27);
  });

  it('a product taken off the shelf is not sold, even by a reservation already past the check', async () => {
    const tee = await createTee('下架T恤');
    expect((await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { onShelf: false })).status).toBe(200);
    const token = await shopperToken(world, 'off-shelf-orderer');
    const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: tee.id, skuId: tee.skus[0].id, quantity: 1 }] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PRODUCT_UNAVAILABLE');
    expect(await reserveStock(services().models, new Types.ObjectId(tee.skus[0].id as string), new Types.ObjectId(), 1)).toBe(false);
    await asAdmin('PATCH', `/api/admin/products/${tee.id}`, { onShelf: true });
    expect(await reserveStock(services().models, new Types.ObjectId(tee.skus[0].id as string), new Types.ObjectId(), 1)).toBe(true);
  });

  it('maxPerOrder counts the SKUs of a product together', async () => {
    const tee = await createTee('限购T恤', { maxPerOrder: 2 });
    const token = await shopperToken(world, 'limit-orderer');
    const res = await call(world.api.url, 'POST', '/api/orders', {
      token,
      body: { items: [{ productId: tee.id, skuId: skuOf(tee, '红', 'S').id, quantity: 2 }, { productId: tee.id, skuId: skuOf(tee, '红', 'M').id, quantity: 1 }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('LIMIT_PER_ORDER_EXCEEDED');
  });

  it('30 shoppers racing for a SKU with 5 units: exactly 5 orders, the other SKUs untouched', async () => {
    const tee = await createTee('抢购T恤');
    const target = skuOf(tee, '蓝', 'M');
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => shopperToken(world, `sku-racer-${i}`)));
    const results = await Promise.all(
      tokens.map((token) => call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: tee.id, skuId: target.id, quantity: 1 }] } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'OUT_OF_STOCK')).toHaveLength(25);
    const skus = await services().models.Sku.find({ productId: tee.id }).lean();
    for (const sku of skus) {
      if (String(sku._id) === target.id) {
        expect(sku.stock).toBe(0);
        expect(sku.reservations).toHaveLength(5);
      } else {
        expect(sku.stock).toBe(5);
        expect(sku.reservations).toHaveLength(0);
      }
    }
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body.stock).toBe(25);
  });

  it('the sweeper releases the SKUs of an order whose process died between reserving and placing it, once', async () => {
    const { models } = services();
    const tee = await createTee('崩溃T恤');
    const [a, b] = [skuOf(tee, '红', 'S'), skuOf(tee, '蓝', 'L')];
    const orderId = new Types.ObjectId();
    const longAgo = new Date(Date.now() - 5 * 60_000);
    // What the crash leaves: the order still RESERVING, both SKUs reserved.
    await models.Order.create({
      _id: orderId,
      userId: new Types.ObjectId(),
      openid: 'o-crashed-sku',
      items: [
        { productId: tee.id, skuId: a.id, name: '崩溃T恤', priceFen: 3900, quantity: 2 },
        { productId: tee.id, skuId: b.id, name: '崩溃T恤', priceFen: 4500, quantity: 3 },
      ],
      totalFen: 2 * 3900 + 3 * 4500,
      status: 'PENDING_PAYMENT',
      stage: 'RESERVING',
      outTradeNo: `XD${orderId}01`,
      createdAt: longAgo,
      expiresAt: new Date(longAgo.getTime() + 900_000),
    });
    expect(await reserveStock(models, new Types.ObjectId(a.id), orderId, 2)).toBe(true);
    expect(await reserveStock(models, new Types.ObjectId(b.id), orderId, 3)).toBe(true);
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body.stock).toBe(25);

    expect(await runReservationSweeper(services())).toBeGreaterThanOrEqual(1);
    expect(await models.Order.exists({ _id: orderId })).toBeNull();
    const skus = await models.Sku.find({ productId: tee.id }).lean();
    expect(skus.map((s) => s.stock)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(skus.flatMap((s) => s.reservations)).toHaveLength(0);
    expect((await call(world.api.url, 'GET', `/api/products/${tee.id}`)).body.stock).toBe(30);
    await runReservationSweeper(services());
    expect((await models.Sku.find({ productId: tee.id }).lean()).map((s) => s.stock)).toEqual([5, 5, 5, 5, 5, 5]);

    // A reservation whose order never got written (the crash came before it): released once it is old enough.
    expect(await reserveStock(models, new Types.ObjectId(a.id), new Types.ObjectId(), 4)).toBe(true);
    await runReservationSweeper(services());
    expect((await models.Sku.findById(a.id).lean())?.stock).toBe(1);
    await runReservationSweeper(services(), new Date(Date.now() + 3_600_000));
    expect((await models.Sku.findById(a.id).lean())?.stock).toBe(5);
  });

  it('a product from before SKUs gets its one SKU at start-up, and its old orders (no skuId) still settle', async () => {
    const { models } = services();
    const productId = new Types.ObjectId();
    const orderId = new Types.ObjectId();
    const now = new Date();
    // Written as the previous version did: stock and reservations on the product, no SKU, no summary seq.
    await models.Product.collection.insertOne({
      _id: productId,
      name: '老商品',
      description: '',
      priceFen: 500,
      stock: 8,
      onShelf: true,
      reservations: [{ orderId, quantity: 2, at: now }],
      createdAt: now,
      updatedAt: now,
    });
    await models.Order.collection.insertOne({
      _id: orderId,
      userId: new Types.ObjectId(),
      openid: 'o-legacy',
      items: [{ productId, name: '老商品', priceFen: 500, quantity: 2 }],
      totalFen: 1000,
      status: 'CLOSED',
      stage: 'PLACED',
      outTradeNo: `XD${orderId}01`,
      createdAt: now,
      expiresAt: now,
      events: [],
    });
    expect(await migrateProductsToSkus(models)).toBe(1);
    expect(await migrateProductsToSkus(models)).toBe(0);
    const sku = await models.Sku.findById(productId).lean();
    expect(sku).toMatchObject({ stock: 8, reservations: [expect.objectContaining({ quantity: 2 })] });
    const shown = (await call(world.api.url, 'GET', `/api/products/${productId}`)).body;
    expect(shown).toMatchObject({ stock: 8, specs: [], skus: [{ id: String(productId), specs: {}, priceFen: 500, stock: 8 }] });

    const order = await models.Order.findById(orderId).lean();
    await settleOrderStock(models, order!);
    expect((await models.Sku.findById(productId).lean())?.stock).toBe(10);
    // Its stock moved onto the SKU: the product keeps none of its own.
    expect((await models.Product.findById(productId).lean())?.stock).toBeUndefined();
    expect((await call(world.api.url, 'GET', `/api/products/${productId}`)).body.stock).toBe(10);
    const seen = (await call(world.api.url, 'GET', `/api/admin/orders/${orderId}`, { token: admin })).body;
    expect(seen.items[0]).toMatchObject({ productId: String(productId), skuId: String(productId), specs: {} });
  });
});

describe('product list and search', () => {
  it('matches the name as literal text, in any case: ".*" finds only names that contain it', async () => {
    const tag = `s${Date.now().toString(36)}`;
    const names = [`${tag} a.*b`, `${tag} aXYb`, `${tag} Green TEA`, `${tag} (茶)`, `${tag} 乌龙茶`];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await createProduct(world, admin, { name })).id);
    const search = async (q: string) => {
      const res = await call(world.api.url, 'GET', `/api/products?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body.items.map((p: { name: string }) => p.name).filter((n: string) => n.startsWith(tag)).sort();
    };
    expect(await search('.*')).toEqual([`${tag} a.*b`]);
    expect(await search('a.*B')).toEqual([`${tag} a.*b`]);
    expect(await search('green tea')).toEqual([`${tag} Green TEA`]);
    expect(await search('(茶')).toEqual([`${tag} (茶)`]);
    expect(await search('茶')).toEqual([`${tag} (茶)`, `${tag} 乌龙茶`]);
    expect(await search('[')).toEqual([]);
    expect(await search(tag)).toHaveLength(5);
    const res = await call(world.api.url, 'GET', `/api/products?q=${encodeURIComponent(`${tag} a.*b`)}`);
    expect(res.body).toMatchObject({ total: 1, items: [{ id: ids.get(`${tag} a.*b`) }] });
  });

  it('pages a category, newest first, on shelf only; the console sees every product with the same filters', async () => {
    const category = (await asAdmin('POST', '/api/admin/categories', { name: '分页' })).body;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await asAdmin('POST', '/api/admin/products', { name: `分页商品${i}`, priceFen: 100 + i, stock: 1, categoryId: category.id })).body.id);
    const hidden = (await asAdmin('POST', '/api/admin/products', { name: '分页下架', priceFen: 1, stock: 1, categoryId: category.id, onShelf: false })).body;
    await createProduct(world, admin, { name: '分页之外' });

    const page = async (n: number) => (await call(world.api.url, 'GET', `/api/products?categoryId=${category.id}&page=${n}&pageSize=2`)).body;
    const [p1, p2, p3, p4] = [await page(1), await page(2), await page(3), await page(4)];
    expect(p1.total).toBe(5);
    expect([...p1.items, ...p2.items, ...p3.items].map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
    expect(p3.items).toHaveLength(1);
    expect(p4.items).toEqual([]);
    expect(p1.items[0]).toMatchObject({ categoryId: category.id, skus: [expect.objectContaining({ specs: {} })] });

    const console = (await asAdmin('GET', `/api/admin/products?categoryId=${category.id}&pageSize=10`)).body;
    expect(console.total).toBe(6);
    expect(console.items[0]).toMatchObject({ id: hidden.id, onShelf: false });
    expect((await asAdmin('GET', `/api/admin/products?categoryId=${category.id}&q=${encodeURIComponent('商品3')}`)).body.items.map((p: { id: string }) => p.id)).toEqual([ids[3]]);
    expect((await call(world.api.url, 'GET', '/api/products?categoryId=nope')).status).toBe(400);
  });

  it('the lists and the sweeper have indexes', async () => {
    const keys = async (model: 'Product' | 'Sku' | 'Category') => (await services().models[model].listIndexes()).map((i) => JSON.stringify(i.key));
    expect(await keys('Product')).toEqual(expect.arrayContaining([JSON.stringify({ onShelf: 1, createdAt: -1, _id: -1 }), JSON.stringify({ categoryId: 1, onShelf: 1, createdAt: -1, _id: -1 }), JSON.stringify({ createdAt: -1, _id: -1 })]));
    expect(await keys('Sku')).toEqual(expect.arrayContaining([JSON.stringify({ productId: 1, position: 1 }), JSON.stringify({ 'reservations.at': 1 })]));
    expect(await keys('Category')).toEqual(expect.arrayContaining([JSON.stringify({ sort: 1, name: 1 })]));
  });
});
