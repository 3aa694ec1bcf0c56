// Shipping fees (运费模板) and the buyer note, through HTTP: the templates' validation, one quote per rule kind,
// the order's snapshot of the fee and the note, the fee charged through WeChat Pay, and the one default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, createProduct, shopperToken, startWorld, type World } from './harness';

let world: World;
let admin: string;
let shopper: string;

beforeAll(async () => {
  world = await startWorld();
  admin = await adminToken(world);
  shopper = await shopperToken(world, 'fee-shopper');
});
afterAll(async () => world?.stop());

const api = (method: string, path: string, body?: unknown, token = admin) => call(world.api.url, method, path, { token, body });
const at = (province: string) => ({ ...ADDRESS, province });

const FLAT = {
  name: '普通快递',
  mode: 'FLAT',
  rules: [
    { provinces: ['新疆维吾尔自治区'], firstFen: 2000 },
    { provinces: [], firstFen: 800 },
  ],
  undeliverable: ['西藏自治区'],
};
const PIECE = { name: '按件', mode: 'PIECE', rules: [{ provinces: [], firstFen: 1000, first: 2, nextFen: 300, next: 2 }], freeAboveFen: 20000 };

async function template(body: Record<string, unknown>) {
  const res = await api('POST', '/api/admin/shipping-templates', body);
  expect(res.status).toBe(201);
  return res.body as { id: string; isDefault: boolean };
}

async function productWith(shippingTemplateId: string | undefined, priceFen = 1000) {
  const product = await createProduct(world, admin, { priceFen, stock: 50 });
  if (shippingTemplateId) expect((await api('PATCH', `/api/admin/products/${product.id}`, { shippingTemplateId })).status).toBe(200);
  return product.id as string;
}

const quote = (items: { productId: string; quantity: number }[], province?: string) =>
  api('POST', '/api/orders/quote', { items, ...(province ? { address: at(province) } : {}) }, shopper);

describe('shipping templates', () => {
  it('refuses unsound templates with 400 and stores none of them', async () => {
    const bad = [
      { ...FLAT, rules: [{ provinces: [], firstFen: -1 }] },
      { ...FLAT, rules: [{ provinces: ['上海市'], firstFen: 1 }, { provinces: ['北京市', '上海市'], firstFen: 2 }] },
      { ...FLAT, rules: [{ provinces: [], firstFen: 1 }, { provinces: [], firstFen: 2 }] },
      { ...FLAT, rules: [{ provinces: ['西藏自治区'], firstFen: 1 }] },
      { ...PIECE, rules: [{ provinces: [], firstFen: 1000 }] },
      { ...PIECE, rules: [{ provinces: [], firstFen: 1000, first: 0 }] },
      { ...PIECE, rules: [{ provinces: [], firstFen: 1000, first: 1, nextFen: 100 }] },
      { ...PIECE, freeAboveFen: -5 },
    ];
    for (const body of bad) {
      const res = await api('POST', '/api/admin/shipping-templates', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api('GET', '/api/admin/shipping-templates')).body).toEqual([]);
  });

  it('refuses a change that would make a stored template overlap, and keeps it as it was', async () => {
    const t = await template({ ...FLAT, name: '改动' });
    const res = await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { undeliverable: ['新疆维吾尔自治区'] });
    expect(res.status).toBe(400);
    const stored = (await api('GET', '/api/admin/shipping-templates')).body.find((x: { id: string }) => x.id === t.id);
    expect(stored.undeliverable).toEqual(['西藏自治区']);
    expect((await api('DELETE', `/api/admin/shipping-templates/${t.id}`)).status).toBe(204);
  });

  it('audits each change, and unmaking the default leaves none', async () => {
    const t = await template({ ...FLAT, name: '审计', isDefault: true });
    expect(t.isDefault).toBe(true);
    const unmade = await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { isDefault: false });
    expect(unmade.body.isDefault).toBe(false);
    expect((await api('GET', '/api/admin/shipping-templates')).body.filter((x: { isDefault: boolean }) => x.isDefault)).toEqual([]);
    expect((await api('DELETE', `/api/admin/shipping-templates/${t.id}`)).status).toBe(204);
    const actions = (await world.api.instance.services.models.AuditLog.find({ action: /^shipping-template\./ }).lean()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['shipping-template.create', 'shipping-template.update', 'shipping-template.delete']));
  });

  it('is the owner’s: a shopper cannot list templates', async () => {
    expect((await api('GET', '/api/admin/shipping-templates', undefined, shopper)).status).toBe(403);
  });
});

describe('满额包邮 in a change', () => {
  it('is kept when left out, removed by freeAboveFen null (the fee is charged again), and null is no value on create', async () => {
    const t = await template({ ...PIECE, name: '包邮可清空' });
    const productId = await productWith(t.id, 5000);
    const renamed = await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { name: '包邮已清空' });
    expect(renamed.body.freeAboveFen).toBe(20000);
    expect((await quote([{ productId, quantity: 4 }], '广东省')).body.shippingFeeFen).toBe(0);

    const cleared = await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { freeAboveFen: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('freeAboveFen');
    expect(cleared.body.name).toBe('包邮已清空');
    const listed = (await api('GET', '/api/admin/shipping-templates')).body.find((x: { id: string }) => x.id === t.id);
    expect(listed).not.toHaveProperty('freeAboveFen');
    expect(await world.api.instance.services.models.ShippingTemplate.findById(t.id).lean()).not.toHaveProperty('freeAboveFen');
    expect((await quote([{ productId, quantity: 4 }], '广东省')).body).toEqual({ itemsFen: 20000, shippingFeeFen: 1300, totalFen: 21300 });

    const refused = await api('POST', '/api/admin/shipping-templates', { ...PIECE, freeAboveFen: null });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect((await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { freeAboveFen: -1 })).status).toBe(400);
  });
});

describe('the fee', () => {
  it('is 0 when neither the product nor the store has a template, and needs no address then', async () => {
    const productId = await productWith(undefined, 1500);
    const res = await quote([{ productId, quantity: 2 }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ itemsFen: 3000, shippingFeeFen: 0, totalFen: 3000 });
  });

  it('FLAT: once per order, by the province’s rule or the one for everywhere else', async () => {
    const t = await template(FLAT);
    const productId = await productWith(t.id);
    expect((await quote([{ productId, quantity: 3 }], '广东省')).body).toEqual({ itemsFen: 3000, shippingFeeFen: 800, totalFen: 3800 });
    expect((await quote([{ productId, quantity: 1 }], '新疆维吾尔自治区')).body).toEqual({ itemsFen: 1000, shippingFeeFen: 2000, totalFen: 3000 });
  });

  it('PIECE: the first fee for the first pieces, nextFen per started step after', async () => {
    const t = await template(PIECE);
    const productId = await productWith(t.id);
    const fee = async (quantity: number) => (await quote([{ productId, quantity }], '广东省')).body.shippingFeeFen;
    expect(await fee(2)).toBe(1000);
    expect(await fee(3)).toBe(1300);
    expect(await fee(5)).toBe(1600);
  });

  it('is free when the items cost at least freeAboveFen', async () => {
    const t = await template(PIECE);
    const productId = await productWith(t.id, 5000);
    expect((await quote([{ productId, quantity: 3 }], '广东省')).body).toEqual({ itemsFen: 15000, shippingFeeFen: 1300, totalFen: 16300 });
    expect((await quote([{ productId, quantity: 4 }], '广东省')).body).toEqual({ itemsFen: 20000, shippingFeeFen: 0, totalFen: 20000 });
  });

  it('combines two templates: the highest first fee plus each one’s further pieces', async () => {
    const flat = await productWith((await template(FLAT)).id);
    const piece = await productWith((await template(PIECE)).id);
    const res = await quote([{ productId: flat, quantity: 1 }, { productId: piece, quantity: 5 }], '广东省');
    expect(res.body).toEqual({ itemsFen: 6000, shippingFeeFen: 1600, totalFen: 7600 });
  });

  it('refuses a province not delivered to with 409 NOT_DELIVERABLE, for the quote and the order, taking no stock', async () => {
    const t = await template(FLAT);
    const productId = await productWith(t.id);
    const q = await quote([{ productId, quantity: 1 }], '西藏自治区');
    expect(q.status).toBe(409);
    expect(q.body.error).toMatchObject({ code: 'NOT_DELIVERABLE', details: { province: '西藏自治区' } });
    const token = await shopperToken(world, 'fee-tibet');
    const order = await api('POST', '/api/orders', { items: [{ productId, quantity: 1 }], address: at('西藏自治区') }, token);
    expect(order.status).toBe(409);
    expect(order.body.error.code).toBe('NOT_DELIVERABLE');
    expect((await api('GET', `/api/admin/products/${productId}`)).body.stock).toBe(50);
    expect(await world.api.instance.services.models.Order.countDocuments({ openid: (await world.sandbox.control.loginCode('fee-tibet')).openid })).toBe(0);
  });

  it('needs an address when an item has a template (400 VALIDATION_FAILED)', async () => {
    const productId = await productWith((await template(FLAT)).id);
    const res = await quote([{ productId, quantity: 1 }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('uses the store’s default for products without their own template, and the product’s own over it', async () => {
    const plain = await productWith(undefined);
    const own = await productWith((await template(FLAT)).id);
    const def = await template({ ...FLAT, name: '默认', isDefault: true, rules: [{ provinces: [], firstFen: 500 }] });
    expect(def.isDefault).toBe(true);
    expect((await quote([{ productId: plain, quantity: 1 }], '广东省')).body.shippingFeeFen).toBe(500);
    expect((await quote([{ productId: own, quantity: 1 }], '广东省')).body.shippingFeeFen).toBe(800);
    // Deleting a template products use is refused; the default (used by none directly) can go, and the fee with it.
    const used = (await api('GET', `/api/admin/products/${own}`)).body.shippingTemplateId as string;
    const refused = await api('DELETE', `/api/admin/shipping-templates/${used}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SHIPPING_TEMPLATE_IN_USE');
    expect((await api('DELETE', `/api/admin/shipping-templates/${def.id}`)).status).toBe(204);
    expect((await quote([{ productId: plain, quantity: 1 }], '广东省')).body.shippingFeeFen).toBe(0);
  });
});

describe('the order', () => {
  it('snapshots the quoted fee and the trimmed note, charges the fee through WeChat Pay, and shows the note to the admin', async () => {
    const productId = await productWith((await template(FLAT)).id, 1999);
    const items = [{ productId, quantity: 2 }];
    const quoted = (await quote(items, '新疆维吾尔自治区')).body;
    const token = await shopperToken(world, 'fee-buyer');
    const placed = await api('POST', '/api/orders', { items, address: at('新疆维吾尔自治区'), note: '  请周末送货，谢谢  ' }, token);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ ...quoted, buyerNote: '请周末送货，谢谢' });
    expect(quoted).toEqual({ itemsFen: 3998, shippingFeeFen: 2000, totalFen: 5998 });

    expect((await api('POST', `/api/orders/${placed.body.id}/pay`, undefined, token)).status).toBe(200);
    const trade = (await world.sandbox.control.trades()).find((t) => t.out_trade_no === placed.body.outTradeNo)!;
    expect(trade.amount.total).toBe(5998);

    const adminView = (await api('GET', `/api/admin/orders/${placed.body.id}`)).body;
    expect(adminView).toMatchObject({ buyerNote: '请周末送货，谢谢', itemsFen: 3998, shippingFeeFen: 2000, totalFen: 5998 });
  });

  it('refuses a note over 200 characters with 400, placing nothing', async () => {
    const productId = await productWith(undefined);
    const token = await shopperToken(world, 'fee-long-note');
    const res = await api('POST', '/api/orders', { items: [{ productId, quantity: 1 }], address: ADDRESS, note: '好'.repeat(201) }, token);
    expect(res.status).toBe(400);
    expect((await api('GET', `/api/admin/products/${productId}`)).body.stock).toBe(50);
  });

  it('reads an order from before fees as all items and no fee', async () => {
    const productId = await productWith(undefined, 700);
    const token = await shopperToken(world, 'fee-old-order');
    const placed = (await api('POST', '/api/orders', { items: [{ productId, quantity: 1 }], address: ADDRESS }, token)).body;
    await world.api.instance.services.models.Order.updateOne({ _id: placed.id }, { $unset: { itemsFen: 1, shippingFeeFen: 1 } });
    const read = (await api('GET', `/api/orders/${placed.id}`, undefined, token)).body;
    expect(read).toMatchObject({ itemsFen: 700, shippingFeeFen: 0, totalFen: 700 });
  });
});

describe('the default', () => {
  it('stays one when two admins make different templates the default at once', async () => {
    const a = await template({ ...FLAT, name: 'A' });
    const b = await template({ ...FLAT, name: 'B' });
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([
        api('PATCH', `/api/admin/shipping-templates/${a.id}`, { isDefault: true }),
        api('PATCH', `/api/admin/shipping-templates/${b.id}`, { isDefault: true }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const defaults = (await api('GET', '/api/admin/shipping-templates')).body.filter((t: { isDefault: boolean }) => t.isDefault);
      expect(defaults).toHaveLength(1);
      expect([a.id, b.id]).toContain(defaults[0].id);
    }
  });

  it('is cleared by isDefault false on the default: products without a template then ship free', async () => {
    const t = await template({ ...FLAT, name: '取消默认', isDefault: true, rules: [{ provinces: [], firstFen: 600 }] });
    const productId = await productWith(undefined);
    expect((await quote([{ productId, quantity: 1 }], '广东省')).body.shippingFeeFen).toBe(600);
    const res = await api('PATCH', `/api/admin/shipping-templates/${t.id}`, { isDefault: false });
    expect(res.status).toBe(200);
    expect(res.body.isDefault).toBe(false);
    expect(await defaultIds()).toEqual([]);
    expect((await quote([{ productId, quantity: 1 }])).body).toEqual({ itemsFen: 1000, shippingFeeFen: 0, totalFen: 1000 });
  });

  it('is cleared only while it is still that template: a default another admin set meanwhile stays', async () => {
    const a = await template({ ...FLAT, name: '旧默认' });
    const b = await template({ ...FLAT, name: '新默认' });
    // One admin unmakes the default they see (a) while another makes b the default: b is the default whichever
    // write lands first; an unconditional clear landing second would leave the store with none.
    for (let round = 0; round < 5; round++) {
      expect((await api('PATCH', `/api/admin/shipping-templates/${a.id}`, { isDefault: true })).status).toBe(200);
      const answers = await Promise.all([
        api('PATCH', `/api/admin/shipping-templates/${a.id}`, { isDefault: false }),
        api('PATCH', `/api/admin/shipping-templates/${b.id}`, { isDefault: true }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      expect(await defaultIds()).toEqual([b.id]);
    }
    // Later, unmaking a (no longer the default) leaves b's.
    expect((await api('PATCH', `/api/admin/shipping-templates/${a.id}`, { isDefault: false })).status).toBe(200);
    expect(await defaultIds()).toEqual([b.id]);
    expect((await api('PATCH', `/api/admin/shipping-templates/${b.id}`, { isDefault: false })).status).toBe(200);
    expect(await defaultIds()).toEqual([]);
  });
});

async function defaultIds(): Promise<string[]> {
  return (await api('GET', '/api/admin/shipping-templates')).body.filter((t: { isDefault: boolean }) => t.isDefault).map((t: { id: string }) => t.id);
}
