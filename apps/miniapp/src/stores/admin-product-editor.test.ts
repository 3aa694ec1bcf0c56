import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminProductEditorStore } from './admin-product-editor';
import { useAdminProductsStore } from './admin-products';

let api: FakeAdminApi;
/** What uni.uploadFile was given, and what the fake API's upload answers. */
let uploads: { url: string; name: string; filePath: string; header: Record<string, string> }[];

type UploadOptions = {
  url: string;
  name: string;
  filePath: string;
  header: Record<string, string>;
  success: (res: { statusCode: number; data: string }) => void;
};

async function start() {
  setActivePinia(createPinia());
  const uni = fakeUni() as unknown as { reLaunch: () => void; uploadFile: (o: UploadOptions) => void };
  uni.reLaunch = () => undefined;
  uploads = [];
  uni.uploadFile = (o) => {
    uploads.push({ url: o.url, name: o.name, filePath: o.filePath, header: o.header });
    const id = `img${uploads.length}`;
    queueMicrotask(() =>
      o.filePath.endsWith('.txt')
        ? o.success({ statusCode: 400, data: JSON.stringify({ error: { code: 'UNSUPPORTED_IMAGE', message: 'not an image' } }) })
        : o.success({ statusCode: 201, data: JSON.stringify({ id, url: `/api/images/${id}`, width: 800, height: 800 }) }),
    );
  };
  await useAdminStore().login('staff', 'staff-password');
  return useAdminProductEditorStore();
}

beforeEach(() => {
  api = new FakeAdminApi();
  fakeUni().responder = api.respond;
});

const posted = () => fakeUni().requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/admin/products'))!.data;

describe('the product editor', () => {
  it('creates a product with 2 × 3 specs: the matrix, bulk-filled, one row changed, images uploaded and reordered', async () => {
    const editor = await start();
    await editor.open();
    editor.draft.name = 'T 恤';
    editor.draft.categoryId = 'c1';
    editor.setSpecs([
      { name: '颜色', values: ['白', '黑'] },
      { name: '尺码', values: ['S', 'M', 'L'] },
    ]);
    expect(editor.draft.rows).toHaveLength(6);
    editor.fill({ priceYuan: '59', stock: '10' });
    editor.draft.rows[5]!.priceYuan = '69.9';

    expect(await editor.upload(['blob:a', 'blob:b', 'blob:bad.txt'])).toEqual({ ok: false, error: '只支持完整的 JPEG、PNG 或 WebP 图片' });
    expect(uploads.map((u) => [u.name, u.filePath, u.header.Authorization?.startsWith('Bearer ')])).toEqual([
      ['file', 'blob:a', true],
      ['file', 'blob:b', true],
      ['file', 'blob:bad.txt', true],
    ]);
    expect(uploads[0]!.url).toMatch(/\/api\/admin\/images$/);
    expect(editor.draft.images).toEqual(['/api/images/img1', '/api/images/img2']);
    editor.moveImage(1, 0);
    editor.draft.rows[0]!.image = '/api/images/img1';

    const result = await editor.save();
    expect(result.ok).toBe(true);
    expect(posted()).toEqual({
      name: 'T 恤',
      description: '',
      onShelf: true,
      categoryId: 'c1',
      images: ['img2', 'img1'],
      specs: [
        { name: '颜色', values: ['白', '黑'] },
        { name: '尺码', values: ['S', 'M', 'L'] },
      ],
      skus: [
        { specs: { 颜色: '白', 尺码: 'S' }, priceFen: 5900, stock: 10, image: 'img1' },
        { specs: { 颜色: '白', 尺码: 'M' }, priceFen: 5900, stock: 10 },
        { specs: { 颜色: '白', 尺码: 'L' }, priceFen: 5900, stock: 10 },
        { specs: { 颜色: '黑', 尺码: 'S' }, priceFen: 5900, stock: 10 },
        { specs: { 颜色: '黑', 尺码: 'M' }, priceFen: 5900, stock: 10 },
        { specs: { 颜色: '黑', 尺码: 'L' }, priceFen: 6990, stock: 10 },
      ],
    });
    // The list shows it at once: the lowest price, the sum of the stock.
    expect(useAdminProductsStore().items[0]).toMatchObject({ name: 'T 恤', priceFen: 5900, stock: 60 });
  });

  it('creates a product without specs from one price and stock, and refuses bad cells before calling the API', async () => {
    const editor = await start();
    await editor.open();
    editor.draft.name = '乌龙茶';
    editor.draft.rows[0]!.priceYuan = '19.999';
    expect(await editor.save()).toMatchObject({ ok: false, rowErrors: { 0: { priceYuan: expect.any(String) } } });
    editor.draft.specs = [{ name: '颜色', values: ['红', '红'] }];
    expect(await editor.save()).toMatchObject({ ok: false, errors: { specs: '「颜色」有重复的规格值' } });
    expect(fakeUni().requests.filter((r) => r.method === 'POST' && r.url.endsWith('/products'))).toHaveLength(0);

    editor.setSpecs([]);
    editor.draft.rows[0]!.priceYuan = '19.9';
    editor.draft.rows[0]!.stock = '12';
    expect((await editor.save()).ok).toBe(true);
    expect(posted()).toEqual({ name: '乌龙茶', description: '', onShelf: true, priceFen: 1990, stock: 12 });
  });

  it('edits an existing product: its fields in one PATCH, then each changed SKU; stock only with a reason (audited)', async () => {
    const editor = await start();
    await editor.open();
    editor.draft.name = 'T 恤';
    editor.setSpecs([{ name: '颜色', values: ['白', '黑'] }]);
    editor.fill({ priceYuan: '59', stock: '10' });
    const created = await editor.save();
    if (!created.ok) throw new Error(created.error);

    await editor.open(created.product.id);
    expect(editor.draft.rows.map((r) => [r.specs['颜色'], r.priceYuan, r.stock])).toEqual([
      ['白', '59.00', '10'],
      ['黑', '59.00', '10'],
    ]);
    editor.draft.description = '纯棉';
    editor.draft.rows[1]!.priceYuan = '49';
    editor.draft.rows[1]!.stock = '4';
    expect(await editor.save()).toMatchObject({ ok: false, errors: { stockReason: expect.any(String) } });
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    editor.draft.stockReason = ' 盘点 ';
    const saved = await editor.save();
    expect(saved.ok).toBe(true);
    const patches = fakeUni().requests.filter((r) => r.method === 'PATCH');
    const black = created.product.skus!.find((s) => s.specs['颜色'] === '黑')!;
    expect(patches.map((r) => [new URL(r.url).pathname, r.data])).toEqual([
      [`/api/admin/products/${created.product.id}`, { description: '纯棉' }],
      [`/api/admin/products/${created.product.id}/skus/${black.id}`, { priceFen: 4900, stock: 4, stockReason: '盘点' }],
    ]);
    expect(saved.ok && saved.product).toMatchObject({ priceFen: 4900, stock: 14 });
    expect(api.audit[0]).toMatchObject({ action: 'product.stock', detail: '盘点', stockBefore: 10, stockAfter: 4 });
    expect(await editor.save()).toEqual({ ok: false, error: '没有修改' });
  });

  it('sends the 运费模板 and each SKU’s weight in grams, and edits them (back to the default template: null)', async () => {
    const editor = await start();
    await editor.open();
    editor.draft.name = '乌龙茶';
    editor.draft.rows[0]!.priceYuan = '19.9';
    editor.draft.rows[0]!.weight = '1.2kg';
    editor.draft.shippingTemplateId = 't1';
    const created = await editor.save();
    if (!created.ok) throw new Error(created.error);
    expect(posted()).toEqual({ name: '乌龙茶', description: '', onShelf: true, priceFen: 1990, stock: 0, weightGrams: 1200, shippingTemplateId: 't1' });

    await editor.open(created.product.id);
    expect(editor.draft).toMatchObject({ shippingTemplateId: 't1', rows: [{ weight: '1.2kg' }] });
    editor.draft.shippingTemplateId = '';
    editor.draft.rows[0]!.weight = '500';
    expect((await editor.save()).ok).toBe(true);
    const sku = created.product.skus![0]!;
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH').map((r) => [new URL(r.url).pathname, r.data])).toEqual([
      [`/api/admin/products/${created.product.id}`, { shippingTemplateId: null }],
      [`/api/admin/products/${created.product.id}/skus/${sku.id}`, { weightGrams: 500 }],
    ]);
    expect(editor.draft).toMatchObject({ shippingTemplateId: '', rows: [{ weight: '500g' }] });

    // With specs: per SKU, 批量设置 included; a bad weight is named in its cell.
    await editor.open();
    editor.draft.name = 'T 恤';
    editor.setSpecs([{ name: '颜色', values: ['白', '黑'] }]);
    editor.fill({ priceYuan: '59', weight: '300g' });
    editor.draft.rows[1]!.weight = '三两';
    expect(await editor.save()).toMatchObject({ ok: false, rowErrors: { 1: { weight: expect.any(String) } } });
    editor.draft.rows[1]!.weight = '';
    expect((await editor.save()).ok).toBe(true);
    const last = fakeUni().requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/admin/products')).at(-1)!.data as { skus: unknown[] };
    expect(last.skus).toEqual([
      { specs: { 颜色: '白' }, priceFen: 5900, stock: 0, weightGrams: 300 },
      { specs: { 颜色: '黑' }, priceFen: 5900, stock: 0 },
    ]);
  });

  it('takes an optional 每单限购 (1–99) on create, and lifts it when emptied', async () => {
    const editor = await start();
    await editor.open();
    editor.draft.name = '茶';
    editor.draft.rows[0]!.priceYuan = '10';
    editor.draft.maxPerOrder = '100';
    expect(await editor.save()).toMatchObject({ ok: false, errors: { maxPerOrder: '每单限购须为 1–99 的整数，不限购请留空' } });
    editor.draft.maxPerOrder = '2';
    const created = await editor.save();
    expect(posted()).toMatchObject({ maxPerOrder: 2 });
    if (!created.ok) throw new Error(created.error);
    expect(editor.draft.maxPerOrder).toBe('2');

    editor.draft.maxPerOrder = '';
    const lifted = await editor.save();
    expect(fakeUni().requests.filter((r) => r.method === 'PATCH').at(-1)!.data).toEqual({ maxPerOrder: null });
    expect(lifted.ok && lifted.product.maxPerOrder).toBeUndefined();
  });

  it('removes a gallery image, and from the SKU that showed it; at most 9 images are uploaded', async () => {
    const editor = await start();
    await editor.open();
    editor.setSpecs([{ name: '颜色', values: ['白', '黑'] }]);
    await editor.upload(['blob:a', 'blob:b']);
    editor.draft.rows[1]!.image = '/api/images/img2';
    editor.removeImage(1);
    expect(editor.draft.images).toEqual(['/api/images/img1']);
    expect(editor.draft.rows[1]!.image).toBeUndefined();

    const many = Array.from({ length: 10 }, (_, i) => `blob:${i}`);
    expect(await editor.upload(many)).toEqual({ ok: false, error: '最多 9 张图片，多出的没有上传' });
    expect(editor.draft.images).toHaveLength(9);
    expect(await editor.upload(['blob:x'])).toEqual({ ok: false, error: '最多 9 张图片' });
  });
});
