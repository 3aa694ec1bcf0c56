// The store admin console on a phone (issue 15): small-shop owners check orders on their phones, so the orders
// list, an order, the after-sale queue and the ship form must work 390 px wide — rows as cards, nothing wider
// than the screen; and the owner's exports (orders of chosen days, a reconciliation report). The real H5 build in
// Chromium (390×844 for the phone), against the real API, database and WeChat sandbox.
import { readFile } from 'node:fs/promises';
import type { Order, Product } from '@xiaodian/shared';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, createProducts, eventually, openConsole, shopperToken, startStack, toast, type ConsolePage, type Stack } from './support';

const PHONE_SIZE = { width: 390, height: 844 };

let stack: Stack;
let owner: string;
let products: { beans: Product; kettle: Product };

beforeAll(async () => {
  stack = await startStack();
  owner = await adminToken(stack.world);
  products = await createProducts(stack.world, {
    // A long name: on a squeezed table column it wrapped one character per line.
    beans: { name: '云南保山小粒咖啡豆 中深烘焙 新鲜烘焙 500g 袋装', description: '每周烘焙', priceFen: 12800, stock: 50 },
    kettle: { name: '手冲咖啡壶 不锈钢细口', description: '600ml', priceFen: 26800, stock: 20 },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** A shopper's order placed and paid through the API and the sandbox. */
async function paidOrder(user: string, items: { product: Product; quantity: number }[]): Promise<{ order: Order; token: string }> {
  const token = await shopperToken(stack.world, user);
  const placed = await call<Order>(stack.world.api.url, 'POST', '/api/orders', {
    token,
    body: { items: items.map((i) => ({ productId: i.product.id, quantity: i.quantity })), address: ADDRESS },
  });
  expect(placed.status).toBe(201);
  const pay = await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  expect(pay.status).toBe(200);
  await stack.world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  const order = await eventually(async () => {
    const res = await call<Order>(stack.world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token });
    return res.body.status === 'PAID' && res.body;
  });
  return { order, token };
}

/** Nothing on the page is wider than the screen: no sideways scroll. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.screen);
}

describe('the console on a phone (390 px)', () => {
  let phone: ConsolePage;
  let toShip: Order;
  let asking: Order;

  beforeAll(async () => {
    toShip = (await paidOrder('phone-buyer-1', [{ product: products.beans, quantity: 2 }, { product: products.kettle, quantity: 1 }])).order;
    const unhappy = await paidOrder('phone-buyer-2', [{ product: products.beans, quantity: 1 }]);
    asking = unhappy.order;
    const asked = await call(stack.world.api.url, 'POST', `/api/orders/${asking.id}/after-sales`, {
      token: unhappy.token,
      body: { type: 'REFUND_ONLY', amountFen: 5000, reason: 'DAMAGED', description: '袋子破了，洒了一半' },
    });
    expect(asked.status).toBe(201);
    phone = await openConsole(stack, { viewport: PHONE_SIZE });
  });

  it('lists orders as cards: the name on a few lines, the amount in full, no sideways scroll', async () => {
    const { page } = phone;
    await page.click('#xd-admin-nav-orders');
    const row = page.locator(`.xd-admin-order[data-id="${toShip.id}"]`);
    await row.waitFor();
    // A card: the header row is hidden and each cell spans the card's width.
    expect(await page.locator('.xd-page-admin-orders .xd-admin-table .thead').isVisible()).toBe(false);
    const card = await row.boundingBox();
    const amount = await row.locator('.td.num').first().boundingBox();
    expect(card && amount).toBeTruthy();
    expect(amount!.x + amount!.width).toBeLessThanOrEqual(card!.x + card!.width + 1);
    expect(await row.locator('.td.num').first().innerText()).toContain('¥524.00');
    // The items cell spans the card and takes a few lines, not one character per line (hundreds of px).
    const items = await row.locator('.td').nth(2).boundingBox();
    expect(items!.width).toBeGreaterThan(card!.width * 0.8);
    expect(items!.height).toBeLessThan(120);
    await expectNoSidewaysScroll(page);
    await stack.screenshot(page, 'phone-orders', { fullPage: true });
  });

  it('shows an order and its ship form, and ships it after the confirmation, without sideways scroll', async () => {
    const { page } = phone;
    await page.locator(`.xd-admin-order[data-id="${toShip.id}"]`).click();
    await page.locator(`.detail[data-id="${toShip.id}"][data-status="PAID"]`).waitFor();
    await page.locator('#xd-admin-ship-form').waitFor();
    await expectNoSidewaysScroll(page);
    await stack.screenshot(page, 'phone-order', { fullPage: true });

    await page.locator('#xd-admin-ship-company input').fill('顺丰速运');
    await page.locator('#xd-admin-ship-tracking input').fill('SF3900000844');
    await page.click('#xd-admin-ship-submit');
    await page.locator('#xd-admin-ship-confirm').waitFor();
    expect(await page.locator('#xd-admin-ship-confirm').innerText()).toContain(ADDRESS.name);
    await expectNoSidewaysScroll(page);
    await stack.screenshot(page, 'phone-ship-confirm');
    await page.click('#xd-admin-ship-confirm-submit');
    await page.locator(`.detail[data-id="${toShip.id}"][data-status="SHIPPED"]`).waitFor();
    await toast(page).waitFor({ state: 'hidden' });
    const res = await call(stack.world.api.url, 'GET', `/api/admin/orders/${toShip.id}`, { token: owner });
    expect(res.body).toMatchObject({ status: 'SHIPPED', shipping: { trackingNo: 'SF3900000844', expressCompany: '顺丰速运' } });
  });

  it('lists the after-sale queue as cards without sideways scroll', async () => {
    const { page } = phone;
    await page.click('#xd-admin-nav-after-sales');
    const row = page.locator('.xd-admin-after-sale').first();
    await row.waitFor();
    expect(await page.locator('.xd-admin-after-sale').count()).toBe(1);
    expect(await row.innerText()).toContain('¥50.00');
    await expectNoSidewaysScroll(page);
    await stack.screenshot(page, 'phone-after-sales', { fullPage: true });
    expect(phone.errors()).toEqual([]);
  });
});

describe('exports (laptop)', () => {
  it("exports the orders of the chosen days and a day's reconciliation report as .xlsx files, and says in Chinese when no range is chosen", async () => {
    const laptop = await openConsole(stack);
    const { page } = laptop;
    await page.click('#xd-admin-nav-orders');
    await page.locator('.xd-admin-order').first().waitFor();

    // No range chosen: nothing is fetched, the owner reads why.
    await page.click('.xd-admin-range[data-range="all"]');
    // The range chip's search clears the error line once uni-h5's input throttle settles (INPUT_SETTLE_MS).
    await page.waitForTimeout(400);
    await page.click('#xd-admin-orders-export');
    expect(await page.locator('#xd-admin-filter-error').innerText()).toBe('请先选择要导出的开始和结束日期');

    await page.click('.xd-admin-range[data-range="today"]');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(await page.locator('#xd-admin-filter-from').innerText()).toBe(today);
    const [orders] = await Promise.all([page.waitForEvent('download'), page.click('#xd-admin-orders-export')]);
    expect(orders.suggestedFilename()).toBe(`订单-${today}-${today}.xlsx`);
    expect((await readDownload(orders)).subarray(0, 2).toString()).toBe('PK');
    expect(await page.locator('#xd-admin-filter-error').count()).toBe(0);

    await page.click('#xd-admin-nav-reconciliation');
    await page.click('#xd-admin-recon-run');
    await page.locator(`#xd-admin-recon-report[data-date="${today}"]`).waitFor({ timeout: 30_000 });
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#xd-admin-recon-export')]);
    expect(report.suggestedFilename()).toBe(`对账-${today}.xlsx`);
    expect((await readDownload(report)).subarray(0, 2).toString()).toBe('PK');
    expect(laptop.errors()).toEqual([]);
  });
});

/** The bytes of a finished download (an .xlsx is a zip: it starts with "PK"). */
async function readDownload(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}
