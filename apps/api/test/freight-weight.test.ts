// Shipping fees by weight (按重量), through HTTP: SKUs carry their grams (per SKU, or the one SKU of a product
// without specs), a WEIGHT template charges the first grams and each started step after, the quote and the order
// agree, and the shopper pays the fee through WeChat Pay (the sandbox's prepay amount).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;
let shopper: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
  shopper = await shopperToken(world, 'weight-shopper');
});
afterAll(async () => world?.stop());

const api = (method: string, path: string, body?: unknown, token = admin) => call(world.api.url, method, path, { token, body });
const at = (province: string) => ({ ...ADDRESS, province });

/** First 1 kg 8 元 (新疆 20 元), then 5 元 per started 500 g (新疆 15 元 per started kg). */
const WEIGHT = {
  name: '按重量',
  mode: 'WEIGHT',
  rules: [
    { provinces: ['新疆维吾尔自治区'], firstFen: 2000, first: 1000, nextFen: 1500, next: 1000 },
    { provinces: [], firstFen: 800, first: 1000, nextFen: 500, next: 500 },
  ],
  undeliverable: ['西藏自治区'],
};

async function weightTemplate(body: Record<string, unknown> = WEIGHT): Promise<string> {
  const res = await api('POST', '/api/admin/shipping-templates', body);
  expect(res.status).toBe(201);
  expect(res.body.mode).toBe('WEIGHT');
  return res.body.id as string;
}

const quote = (items: { productId: string; skuId?: string; quantity: number }[], province = '广东省') =>
  api('POST', '/api/orders/quote', { items, address: at(province) }, shopper);

describe('weights', () => {
  it('are stored per SKU and on the one SKU of a product without specs, and read back by the console and the shop', async () => {
    const templateId = await weightTemplate();
    const plain = await api('POST', '/api/admin/products', { name: '咖啡豆 250g', priceFen: 4500, stock: 10, weightGrams: 280, shippingTemplateId: templateId });
    expect(plain.status).toBe(201);
    expect(plain.body.skus).toEqual([expect.objectContaining({ weightGrams: 280 })]);

    const sized = await api('POST', '/api/admin/products', {
      name: '咖啡豆',
      priceFen: 1,
      stock: 1,
      specs: [{ name: '规格', values: ['250g', '1kg'] }],
      skus: [
        { specs: { 规格: '250g' }, priceFen: 4500, stock: 10, weightGrams: 280 },
        { specs: { 规格: '1kg' }, priceFen: 15000, stock: 10 },
      ],
    });
    expect(sized.status).toBe(201);
    expect(sized.body.skus.map((s: { weightGrams?: number }) => s.weightGrams)).toEqual([280, undefined]);
    const shop = (await api('GET', `/api/products/${sized.body.id}`, undefined, shopper)).body;
    expect(shop.skus.map((s: { weightGrams?: number }) => s.weightGrams)).toEqual([280, undefined]);

    // The top-level weight edits the one SKU; a SKU's own weight is edited on the SKU.
    expect((await api('PATCH', `/api/admin/products/${plain.body.id}`, { weightGrams: 300 })).body.skus[0].weightGrams).toBe(300);
    const kilo = sized.body.skus[1].id as string;
    const patched = await api('PATCH', `/api/admin/products/${sized.body.id}/skus/${kilo}`, { weightGrams: 1050 });
    expect(patched.status).toBe(200);
    expect(patched.body.skus[1].weightGrams).toBe(1050);
  });

  it('refuses a weight out of range, a top-level weight beside skus, and one on a product with several SKUs; nothing changes', async () => {
    for (const weightGrams of [-1, 1.5, 1_000_001]) {
      const res = await api('POST', '/api/admin/products', { name: '秤', priceFen: 100, stock: 1, weightGrams });
      expect(res.status, String(weightGrams)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const beside = await api('POST', '/api/admin/products', { name: '秤', skus: [{ specs: {}, priceFen: 100, stock: 1 }], weightGrams: 10 });
    expect(beside.status).toBe(400);

    const sized = (
      await api('POST', '/api/admin/products', {
        name: '双规格',
        specs: [{ name: '颜色', values: ['红', '蓝'] }],
        skus: [
          { specs: { 颜色: '红' }, priceFen: 100, stock: 1, weightGrams: 100 },
          { specs: { 颜色: '蓝' }, priceFen: 100, stock: 1, weightGrams: 200 },
        ],
      })
    ).body;
    const refused = await api('PATCH', `/api/admin/products/${sized.id}`, { weightGrams: 5 });
    expect(refused.status).toBe(400);
    const read = (await api('GET', `/api/admin/products/${sized.id}`)).body;
    expect(read.skus.map((s: { weightGrams?: number }) => s.weightGrams)).toEqual([100, 200]);
  });

  it('refuses a WEIGHT template without first ≥ 1 gram, or with nextFen and no next ≥ 1', async () => {
    const before = (await api('GET', '/api/admin/shipping-templates')).body.length as number;
    for (const rules of [
      [{ provinces: [], firstFen: 800 }],
      [{ provinces: [], firstFen: 800, first: 0 }],
      [{ provinces: [], firstFen: 800, first: 1000, nextFen: 500 }],
      [{ provinces: [], firstFen: 800, first: 1000, nextFen: 500, next: 0 }],
    ]) {
      const res = await api('POST', '/api/admin/shipping-templates', { ...WEIGHT, rules });
      expect(res.status, JSON.stringify(rules)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api('GET', '/api/admin/shipping-templates')).body).toHaveLength(before);
  });
});

describe('the fee by weight', () => {
  it('charges the first grams, then each started step, over the SKUs’ weights times their quantities', async () => {
    const templateId = await weightTemplate();
    const product = (
      await api('POST', '/api/admin/products', {
        name: '茶叶',
        shippingTemplateId: templateId,
        specs: [{ name: '规格', values: ['小罐', '大罐', '试饮'] }],
        skus: [
          { specs: { 规格: '小罐' }, priceFen: 3000, stock: 50, weightGrams: 300 },
          { specs: { 规格: '大罐' }, priceFen: 9000, stock: 50, weightGrams: 1200 },
          // No weight: weighs nothing.
          { specs: { 规格: '试饮' }, priceFen: 500, stock: 50 },
        ],
      })
    ).body;
    const [small, large, sample] = product.skus.map((s: { id: string }) => s.id) as [string, string, string];
    const fee = async (lines: [string, number][], province = '广东省') => {
      const res = await quote(lines.map(([skuId, quantity]) => ({ productId: product.id, skuId, quantity })), province);
      expect(res.status).toBe(200);
      return res.body.shippingFeeFen as number;
    };
    expect(await fee([[sample, 10]])).toBe(800); // 0 g: the first fee
    expect(await fee([[small, 3]])).toBe(800); // 900 g
    expect(await fee([[small, 4]])).toBe(1300); // 1200 g: 200 g over, one step of 500 g
    expect(await fee([[small, 5]])).toBe(1300); // 1500 g: exactly one step
    expect(await fee([[small, 1], [large, 1], [sample, 3]])).toBe(1300); // 1500 g
    expect(await fee([[large, 2]])).toBe(800 + 3 * 500); // 2400 g: 1400 g over, three steps
    expect(await fee([[large, 2]], '新疆维吾尔自治区')).toBe(2000 + 2 * 1500); // two started kilograms
    const tibet = await quote([{ productId: product.id, skuId: small, quantity: 1 }], '西藏自治区');
    expect(tibet.status).toBe(409);
    expect(tibet.body.error).toMatchObject({ code: 'NOT_DELIVERABLE', details: { province: '西藏自治区' } });
  });

  it('an order snapshots the quoted fee by weight and asks WeChat Pay for items and fee together', async () => {
    const templateId = await weightTemplate();
    const product = (await api('POST', '/api/admin/products', { name: '大米 5kg', priceFen: 6900, stock: 20, weightGrams: 5000, shippingTemplateId: templateId })).body;
    const items = [{ productId: product.id, quantity: 2 }];
    const quoted = (await quote(items)).body;
    // 10 000 g: 9 000 g over the first kilogram, 18 steps of 500 g.
    expect(quoted).toEqual({ itemsFen: 13800, shippingFeeFen: 800 + 18 * 500, totalFen: 13800 + 9800 });

    const token = await shopperToken(world, 'weight-buyer');
    const placed = await api('POST', '/api/orders', { items, address: ADDRESS }, token);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject(quoted);
    expect((await api('POST', `/api/orders/${placed.body.id}/pay`, undefined, token)).status).toBe(200);
    const trade = (await world.sandbox.control.trades()).find((t) => t.out_trade_no === placed.body.outTradeNo)!;
    expect(trade.amount.total).toBe(23600);

    // A weight changed after ordering does not change the order's fee: it was snapshotted.
    expect((await api('PATCH', `/api/admin/products/${product.id}`, { weightGrams: 100 })).status).toBe(200);
    expect((await api('GET', `/api/orders/${placed.body.id}`, undefined, token)).body).toMatchObject({ shippingFeeFen: 9800, totalFen: 23600 });
    expect((await quote(items)).body.shippingFeeFen).toBe(800);
  });
});
