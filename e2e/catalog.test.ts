// Issue 12's catalog in a browser: the shopper picks a category, searches, chooses a spec in the picker sheet and
// pays (the API says PAID, that SKU's stock alone is taken); the store owner manages categories and creates a
// product with specs, a SKU matrix (批量设置, one row changed, a row's own image) and an uploaded picture —
// on a laptop, and the editor again at phone width.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Order, Product } from '@xiaodian/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  answerSubscribe,
  call,
  consoleErrors,
  createCategory,
  createProducts,
  drawPicture,
  openConsole,
  shopperToken,
  startStack,
  toast,
  uploadPictures,
  type Stack,
} from './support';
import { e2eRoot } from './support/paths';

let stack: Stack;
let owner: string;
let categories: { tea: { id: string }; clothes: { id: string } };
let products: { longjing: Product; hongcha: Product; tee: Product };
let lastPage: Page | undefined;

const ADDRESS = { name: '李四', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };

beforeAll(async () => {
  stack = await startStack();
  owner = await adminToken(stack.world);
  categories = {
    tea: await createCategory(stack.world, '茶叶', 10),
    clothes: await createCategory(stack.world, '服饰', 20),
  };
  const [green, red, white, black] = await uploadPictures(stack.browser, stack.world, [
    { shape: 'tin', color: '#3c8d5a', backdrop: '#eef7f0' },
    { shape: 'tin', color: '#a23b2c', backdrop: '#fbf3e4' },
    { shape: 'shirt', color: '#fafafa', backdrop: '#dfe8f1' },
    { shape: 'shirt', color: '#2b2d31', backdrop: '#e3efe6' },
  ]);
  const sizes = ['S', 'M', 'L'];
  products = await createProducts(stack.world, {
    longjing: { name: '明前龙井 100g', description: '西湖产区', priceFen: 6800, stock: 20, categoryId: categories.tea.id, images: [green!] },
    hongcha: { name: '正山小种 150g', description: '桐木关', priceFen: 5800, stock: 20, categoryId: categories.tea.id, images: [red!] },
    tee: {
      name: '纯棉茶人 T 恤',
      description: '230g 精梳棉',
      categoryId: categories.clothes.id,
      images: [white!, black!],
      specs: [
        { name: '颜色', values: ['白色', '黑色'] },
        { name: '尺码', values: sizes },
      ],
      skus: ['白色', '黑色'].flatMap((colour) =>
        sizes.map((size) => ({ specs: { 颜色: colour, 尺码: size }, priceFen: size === 'L' ? 6900 : 5900, stock: 5, image: colour === '白色' ? white! : black! })),
      ),
    },
  });
});

afterAll(async () => {
  // Closing the browser closes every console context too.
  await stack?.stop();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && lastPage && !lastPage.isClosed()) {
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await lastPage.screenshot({ path: join(e2eRoot, 'dist/failures', `catalog-${name}.png`), fullPage: true }).catch(() => undefined);
  }
});

/** The console signed in as the owner, on a laptop unless another viewport is given (support/console.ts). */
async function adminPage(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await openConsole(stack, { viewport });
  lastPage = page;
  return page;
}

/** Console errors, except the browser's own line for an HTTP error answer the page handled (a 4xx it shows). */
const errorsOf = consoleErrors;

async function skuOf(productId: string, specs: Record<string, string>) {
  const res = await call<{ items: Product[] }>(stack.world.api.url, 'GET', '/api/admin/products?pageSize=500', { token: owner });
  const product = res.body.items.find((p) => p.id === productId)!;
  return product.skus.find((s) => Object.entries(specs).every(([k, v]) => s.specs[k] === v))!;
}

describe('the shopper', () => {
  it('picks a category, searches, chooses 黑色 / M in the spec sheet, pays, and only that SKU is taken', async () => {
    const page = await stack.newPage({ user: 'catalog-shopper' });
    lastPage = page;
    await stack.open(page, '/');
    await page.locator(`.xd-product[data-id="${products.tee.id}"]`).waitFor();
    // Pictures, not initials: every card's image has loaded from the API.
    await expect.poll(() => page.evaluate(() => Array.from(document.querySelectorAll('.xd-product img')).filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(3);
    await stack.screenshot(page, 'catalog-home');

    await page.locator(`.xd-category-tab[data-id="${categories.tea.id}"]`).click();
    await page.locator(`.xd-product[data-id="${products.tee.id}"]`).waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.xd-product').count()).toBe(2);

    await page.locator(`.xd-category-tab[data-id=""]`).click();
    await page.locator('#xd-search input').fill('t 恤');
    await page.click('#xd-search-submit');
    await page.locator(`.xd-product[data-id="${products.longjing.id}"]`).waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.xd-product').count()).toBe(1);
    expect(await page.locator(`.xd-product[data-id="${products.tee.id}"] .xd-product-price`).innerText()).toContain('59');
    await stack.screenshot(page, 'catalog-search');

    await page.locator(`.xd-product[data-id="${products.tee.id}"] .xd-product-name`).click();
    await page.locator('.xd-page-product #xd-spec-row').waitFor();
    await page.click('#xd-spec-row');
    await page.locator('#xd-spec-picker').waitFor();
    await page.locator('.xd-spec-value[data-spec="颜色"][data-value="黑色"]').click();
    await page.locator('.xd-spec-value[data-spec="尺码"][data-value="M"]').click();
    await page.locator('#xd-spec-chosen').waitFor();
    expect(await page.locator('#xd-spec-price').innerText()).toContain('59');
    expect(await page.locator('#xd-spec-image').getAttribute('data-src')).toMatch(/\/api\/images\//);
    await stack.screenshot(page, 'spec-sheet');

    const before = await skuOf(products.tee.id, { 颜色: '黑色', 尺码: 'M' });
    const other = await skuOf(products.tee.id, { 颜色: '白色', 尺码: 'M' });
    await page.click('#xd-spec-buy');
    await page.locator('.xd-page-checkout #xd-submit-order').waitFor();
    for (const [field, value] of Object.entries(ADDRESS)) await page.fill(`#xd-addr-${field} input`, value);
    await page.click('#xd-submit-order');
    await answerSubscribe(page);
    await page.waitForURL(/\/__sandbox\/cashier\?/);
    await page.locator('button[value=SUCCESS]').click();
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await page.locator('.xd-page-pay-result #xd-pay-paid').waitFor();

    const token = await shopperToken(stack.world, 'catalog-shopper');
    const [order] = (await call<{ items: Order[] }>(stack.world.api.url, 'GET', '/api/orders', { token })).body.items;
    expect(order).toMatchObject({ status: 'PAID', totalFen: 5900 });
    expect(order!.items).toEqual([expect.objectContaining({ productId: products.tee.id, skuId: before.id, specs: { 颜色: '黑色', 尺码: 'M' }, priceFen: 5900, quantity: 1 })]);
    expect((await skuOf(products.tee.id, { 颜色: '黑色', 尺码: 'M' })).stock).toBe(before.stock - 1);
    expect((await skuOf(products.tee.id, { 颜色: '白色', 尺码: 'M' })).stock).toBe(other.stock);
    expect(stack.errors(page)).toEqual([]);
  });
});

describe('the store owner', () => {
  it('adds, renames, reorders and deletes categories; one with products is refused in Chinese', async () => {
    const page = await adminPage();
    await page.click('#xd-admin-nav-categories');
    await page.locator('.xd-page-admin-categories .xd-admin-category').nth(1).waitFor();
    await page.locator('#xd-admin-category-name input').fill('点心');
    await page.click('#xd-admin-category-create');
    const snacks = page.locator('.xd-admin-category[data-name="点心"]');
    await snacks.waitFor();

    await snacks.locator('.xd-admin-category-up').click();
    await expect.poll(() => page.locator('.xd-admin-category').nth(1).getAttribute('data-name')).toBe('点心');
    await snacks.locator('.xd-admin-category-rename').click();
    await page.locator('.xd-admin-category-rename-input input').fill('茶点');
    await page.locator('.xd-admin-category-rename-save').click();
    await page.locator('.xd-admin-category[data-name="茶点"]').waitFor();

    await page.locator('.xd-admin-category[data-name="茶叶"] .xd-admin-category-delete').click();
    await confirmModal(page);
    await page.locator('#xd-admin-category-error').waitFor();
    expect(await page.locator('#xd-admin-category-error').innerText()).toBe('该分类下还有商品，请先移走或删除这些商品');
    await stack.screenshot(page, 'admin-categories');

    await page.locator('.xd-admin-category[data-name="茶点"] .xd-admin-category-delete').click();
    await confirmModal(page);
    await page.locator('.xd-admin-category[data-name="茶点"]').waitFor({ state: 'detached' });
    const listed = await call<{ items: { name: string }[] }>(stack.world.api.url, 'GET', '/api/categories');
    expect(listed.body.items.map((c) => c.name)).toEqual(['茶叶', '服饰']);
    expect(errorsOf(page)).toEqual([]);
  });

  it('creates a product with 颜色 × 尺码, 批量设置, one row changed, an uploaded picture as a row image', async () => {
    const page = await adminPage();
    await page.click('#xd-admin-nav-products');
    await page.locator(`.xd-admin-product[data-id="${products.tee.id}"]`).waitFor();
    expect(await page.locator(`.xd-admin-product[data-id="${products.tee.id}"]`).getAttribute('data-skus')).toBe('6');

    await page.click('#xd-admin-product-new');
    await page.locator('.xd-page-admin-product-edit #xd-admin-product-form').waitFor();
    await page.locator('#xd-admin-product-name input').fill('帆布茶包');
    await page.locator('#xd-admin-product-description textarea').fill('装得下一套旅行茶具');
    await page.locator(`#xd-admin-product-category .xd-admin-chip[data-value="${categories.clothes.id}"]`).click();

    // A file that only claims to be a PNG is refused by the API, in Chinese, and nothing joins the gallery.
    const refused = page.waitForEvent('filechooser');
    await page.click('#xd-admin-gallery-add');
    await (await refused).setFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.locator('#xd-admin-gallery-error').waitFor();
    expect(await page.locator('#xd-admin-gallery-error').innerText()).toBe('只支持完整的 JPEG、PNG 或 WebP 图片');
    expect(await page.locator('.xd-admin-gallery-image').count()).toBe(0);

    // The picture, chosen in the file dialog uni.chooseImage opens, uploaded as multipart.
    const png = await drawPicture(page, { shape: 'cup', color: '#c58b4b', backdrop: '#f6efe4' });
    const chooser = page.waitForEvent('filechooser');
    await page.click('#xd-admin-gallery-add');
    await (await chooser).setFiles({ name: 'bag.png', mimeType: 'image/png', buffer: png });
    await page.locator('.xd-admin-gallery-image').first().waitFor();

    await page.click('#xd-admin-spec-add');
    await page.click('#xd-admin-spec-add');
    const specs = page.locator('.xd-admin-spec');
    await specs.nth(0).locator('.xd-admin-spec-name input').fill('颜色');
    for (const v of ['米白', '墨绿']) {
      await specs.nth(0).locator('.xd-admin-spec-value-input input').fill(v);
      await specs.nth(0).locator('.xd-admin-spec-value-add').click();
      await specs.nth(0).locator(`.xd-admin-spec-value[data-value="${v}"]`).waitFor();
    }
    await specs.nth(1).locator('.xd-admin-spec-name input').fill('尺码');
    for (const v of ['小', '中', '大']) {
      await specs.nth(1).locator('.xd-admin-spec-value-input input').fill(v);
      await specs.nth(1).locator('.xd-admin-spec-value-add').click();
      await specs.nth(1).locator(`.xd-admin-spec-value[data-value="${v}"]`).waitFor();
    }
    await expect.poll(() => page.locator('.xd-admin-sku').count()).toBe(6);

    await page.locator('#xd-admin-sku-bulk-price input').fill('39');
    await page.locator('#xd-admin-sku-bulk-stock input').fill('8');
    await page.click('#xd-admin-sku-bulk-apply');
    await expect.poll(() => page.locator('.xd-admin-sku[data-label="墨绿 / 大"] .xd-admin-sku-price input').inputValue()).toBe('39');
    await page.locator('.xd-admin-sku[data-label="墨绿 / 大"] .xd-admin-sku-price input').fill('49');
    await page.locator('.xd-admin-sku[data-label="米白 / 小"] .xd-admin-sku-image').click();
    await page.locator('.xd-admin-sku-image-option').first().click();
    await page.locator('.xd-admin-sku[data-label="米白 / 小"] .xd-admin-sku-image img').waitFor();
    await wholePage(page, 'admin-sku-editor');

    await page.click('#xd-admin-product-save');
    const row = page.locator('.xd-page-admin-products .xd-admin-product[data-name="帆布茶包"]');
    await row.waitFor();
    expect(await row.getAttribute('data-skus')).toBe('6');
    expect(await row.getAttribute('data-price-fen')).toBe('3900');
    expect(await row.getAttribute('data-stock')).toBe('48');
    expect(await row.getAttribute('data-category')).toBe('服饰');
    await row.locator('.xd-admin-product-thumb img').waitFor();
    await toast(page).waitFor({ state: 'hidden' });
    await stack.screenshot(page, 'admin-products-catalog');

    const listed = await call<{ items: Product[] }>(stack.world.api.url, 'GET', '/api/admin/products?q=帆布', { token: owner });
    const bag = listed.body.items[0]!;
    expect(bag).toMatchObject({ categoryId: categories.clothes.id, specs: [{ name: '颜色', values: ['米白', '墨绿'] }, { name: '尺码', values: ['小', '中', '大'] }] });
    expect(bag.images).toHaveLength(1);
    expect(bag.skus.map((s) => [s.specs['颜色'], s.specs['尺码'], s.priceFen, s.stock])).toEqual([
      ['米白', '小', 3900, 8],
      ['米白', '中', 3900, 8],
      ['米白', '大', 3900, 8],
      ['墨绿', '小', 3900, 8],
      ['墨绿', '中', 3900, 8],
      ['墨绿', '大', 4900, 8],
    ]);
    expect(bag.skus[0]!.imageUrl).toMatch(/\/api\/images\//);
    const picture = await fetch(`${stack.world.api.url}${bag.images[0]}`);
    expect([picture.status, picture.headers.get('content-type')?.startsWith('image/')]).toEqual([200, true]);

    // An existing SKU's stock changes only with a reason, audited.
    await row.locator('.xd-admin-product-edit').click();
    await page.locator('.xd-admin-sku[data-label="米白 / 中"]').waitFor();
    await page.locator('.xd-admin-sku[data-label="米白 / 中"] .xd-admin-sku-stock input').fill('3');
    await page.click('#xd-admin-product-save');
    await page.locator('#xd-admin-product-stock-reason .xd-admin-field-error, .xd-admin-field-error').first().waitFor();
    await page.locator('#xd-admin-product-stock-reason input').fill('盘点');
    await page.click('#xd-admin-product-save');
    await page.locator('.xd-page-admin-products .xd-admin-product[data-name="帆布茶包"][data-stock="43"]').waitFor();
    const audit = await call<{ items: { action: string; detail: string; stockBefore: number; stockAfter: number }[] }>(
      stack.world.api.url,
      'GET',
      `/api/admin/audit?productId=${bag.id}`,
      { token: owner },
    );
    expect(audit.body.items[0]).toMatchObject({ detail: expect.stringContaining('盘点'), stockBefore: 8, stockAfter: 3 });
    expect(errorsOf(page)).toEqual([]);
  });

  it('reorders the gallery by dragging an image on a laptop', async () => {
    const page = await adminPage();
    await stack.open(page, `/pages/admin/product-edit?id=${products.tee.id}`);
    const tiles = page.locator('.xd-admin-gallery-image');
    await tiles.nth(1).waitFor();
    const [first, second] = [await tiles.nth(0).getAttribute('data-url'), await tiles.nth(1).getAttribute('data-url')];
    await tiles.nth(1).dragTo(tiles.nth(0));
    await expect.poll(() => tiles.nth(0).getAttribute('data-url')).toBe(second);
    expect(await tiles.nth(1).getAttribute('data-url')).toBe(first);
  });

  it('edits a product at phone width without sideways scrolling; gallery order changes with ‹ ›', async () => {
    const page = await adminPage({ width: 390, height: 844 });
    await stack.open(page, `/pages/admin/product-edit?id=${products.tee.id}`);
    await page.locator('.xd-admin-gallery-image').nth(1).waitFor();
    const first = await page.locator('.xd-admin-gallery-image').nth(0).getAttribute('data-url');
    await page.locator('.xd-admin-gallery-image').nth(1).locator('.xd-admin-gallery-left').click();
    await expect.poll(() => page.locator('.xd-admin-gallery-image').nth(1).getAttribute('data-url')).toBe(first);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await wholePage(page, 'admin-product-edit-phone');
    await page.click('#xd-admin-product-save');
    await page.locator('.xd-page-admin-products').waitFor();
    const listed = await call<{ items: Product[] }>(stack.world.api.url, 'GET', '/api/admin/products?q=T 恤', { token: owner });
    expect(listed.body.items[0]!.images[1]).toBe(first);
    expect(errorsOf(page)).toEqual([]);
  });
});

/**
 * A screenshot of the whole page in one viewport as tall as the page: a full-page capture would stitch the
 * console's sticky top bar into the middle of the picture.
 */
async function wholePage(page: Page, name: string): Promise<void> {
  const size = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await stack.screenshot(page, name);
  await page.setViewportSize(size);
}

/** uni.showModal's confirm button (H5 draws its own modal). */
async function confirmModal(page: Page): Promise<void> {
  const button = page.locator('.uni-modal .uni-modal__btn_primary');
  await button.waitFor();
  await button.click();
}
