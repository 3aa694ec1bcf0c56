// The store admin console (issue 6, and the reconciliation page of issue 7), proven in a browser: the real H5
// build in Chromium on a laptop-sized screen, against the real API, database and WeChat sandbox.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { AdminOrderDetail, Order, Product } from '@xiaodian/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, adminToken, call, confirmModal, consoleErrors, createProducts, eventually, newConsolePage, shopperToken, startStack, toast, type Stack } from './support';
import { e2eRoot } from './support/paths';

let stack: Stack;
let owner: string;
let products: { tea: Product; cups: Product };

beforeAll(async () => {
  stack = await startStack();
  owner = await adminToken(stack.world);
  products = await createProducts(stack.world, {
    tea: { name: '武夷岩茶 大红袍', description: '100g 罐装', priceFen: 16800, stock: 50 },
    cups: { name: '汝窑品茗杯', description: '两只装', priceFen: 8800, stock: 30 },
  });
});

afterAll(async () => {
  // Closing the browser closes every console context too.
  await stack?.stop();
});

let lastPage: Page | undefined;

afterEach(async (ctx) => {
  await stack.world.sandbox.control.clearFaults();
  // A failing test leaves a picture of where it stood (git-ignored, unlike e2e/screenshots).
  if (ctx.task.result?.state === 'fail' && lastPage && !lastPage.isClosed()) {
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await lastPage.screenshot({ path: join(e2eRoot, 'dist/failures', `admin-${name}.png`), fullPage: true }).catch(() => undefined);
  }
});

// ---- helpers ----

/** A fresh laptop-sized browser context (empty storage), recording page errors (support/console.ts). */
async function newAdminPage(viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newConsolePage(stack, viewport);
  lastPage = page;
  return page;
}

/** Console errors, except the browser's own line for an HTTP error answer the page handled (a 4xx it shows). */
const errorsOf = consoleErrors;

async function login(page: Page, username: string, password: string): Promise<void> {
  await stack.open(page, '/pages/admin/login');
  await page.locator('#xd-admin-username input').fill(username);
  await page.locator('#xd-admin-password input').fill(password);
  await page.click('#xd-admin-submit');
  await page.locator('.xd-page-admin-dashboard').waitFor();
}

/** A shopper's order placed and paid through the API and the sandbox (the notification delivered, or dropped). */
async function paidOrder(user: string, items: { product: Product; quantity: number }[], options: { dropNotifications?: boolean } = {}): Promise<Order> {
  const token = await shopperToken(stack.world, user);
  const placed = await call<Order>(stack.world.api.url, 'POST', '/api/orders', {
    token,
    body: { items: items.map((i) => ({ productId: i.product.id, quantity: i.quantity })), address: ADDRESS },
  });
  expect(placed.status).toBe(201);
  const pay = await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  expect(pay.status).toBe(200);
  const prepayId = String(pay.body.package).replace('prepay_id=', '');
  if (options.dropNotifications) {
    await stack.world.sandbox.control.setFault({ kind: 'drop', outTradeNo: placed.body.outTradeNo });
    await stack.world.sandbox.control.pay(prepayId, 'SUCCESS');
    return placed.body;
  }
  await stack.world.sandbox.control.pay(prepayId, 'SUCCESS');
  return eventually(async () => {
    const res = await call<Order>(stack.world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token });
    return res.body.status === 'PAID' && res.body;
  });
}

async function orderDetail(id: string): Promise<AdminOrderDetail> {
  const res = await call<AdminOrderDetail>(stack.world.api.url, 'GET', `/api/admin/orders/${id}`, { token: owner });
  expect(res.status).toBe(200);
  return res.body;
}

async function openOrder(page: Page, order: Order): Promise<void> {
  await stack.open(page, `/pages/admin/order?id=${order.id}`);
  await page.locator(`.xd-page-admin-order .detail[data-id="${order.id}"]`).waitFor();
}

// ---- the tests ----

describe('signing in', () => {
  it('refuses a wrong password, then signs the owner in to the dashboard with the role shown', async () => {
    const page = await newAdminPage();
    await stack.open(page, '/pages/admin/login');
    await page.locator('#xd-admin-username input').fill('owner');
    await page.locator('#xd-admin-password input').fill('not-the-password');
    await page.click('#xd-admin-submit');
    await page.locator('#xd-admin-error').waitFor();
    expect(await page.locator('#xd-admin-error').innerText()).toBe('用户名或密码错误');
    await stack.screenshot(page, 'admin-login');

    await page.locator('#xd-admin-password input').fill('owner-password');
    await page.click('#xd-admin-submit');
    await page.locator('.xd-page-admin-dashboard #xd-admin-sales-today').waitFor();
    expect(await page.locator('#xd-admin-user').innerText()).toBe('owner');
    expect(await page.locator('#xd-admin-role').innerText()).toBe('店主');
    // The owner's navigation includes staff accounts; the shopper's tab bar is not there.
    expect(await page.locator('#xd-admin-nav-staff').count()).toBe(1);
    expect(await page.locator('uni-tabbar:visible, .uni-tabbar:visible').count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('products', () => {
  it('creates a product with the price in yuan, adjusts its stock with a reason, and shows the audit entry', async () => {
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-products');
    await page.locator('.xd-page-admin-products .xd-admin-product').first().waitFor();

    await page.click('#xd-admin-product-new');
    await page.locator('.xd-page-admin-product-edit #xd-admin-product-form').waitFor();
    await page.locator('#xd-admin-product-name input').fill('白毫银针');
    await page.locator('#xd-admin-product-description textarea').fill('2019 年福鼎白茶，50g');
    await page.locator('#xd-admin-product-price input').fill('0.29');
    await page.locator('#xd-admin-product-stock input').fill('10');
    await stack.screenshot(page, 'admin-product-form');
    await page.click('#xd-admin-product-save');
    const row = page.locator('.xd-admin-product[data-name="白毫银针"]');
    await row.waitFor();
    expect(await row.getAttribute('data-price-fen')).toBe('29');
    expect(await row.getAttribute('data-stock')).toBe('10');
    const id = (await row.getAttribute('data-id'))!;

    // Edit: the price typed in yuan is stored in fen, exactly.
    await row.locator('.xd-admin-product-edit').click();
    await page.locator(`.xd-page-admin-product-edit #xd-admin-product-form[data-id="${id}"]`).waitFor();
    await expect.poll(() => page.locator('#xd-admin-product-price input').inputValue()).toBe('0.29');
    await page.locator('#xd-admin-product-price input').fill('128.8');
    await page.click('#xd-admin-product-save');
    await page.locator('.xd-admin-product[data-price-fen="12880"]').waitFor();

    // Stock: +5 with a reason → 15, audited before → after.
    await row.locator('.xd-admin-product-stock').click();
    await page.locator('#xd-admin-stock-form').waitFor();
    await page.locator('#xd-admin-stock-change input').fill('+5');
    expect(await page.locator('#xd-admin-stock-preview').innerText()).toBe('现货 10 → 15（+5），可售 15');
    await page.click('#xd-admin-stock-save');
    expect(await page.locator('#xd-admin-stock-form .xd-admin-field-error').innerText()).toContain('原因');
    await page.locator('#xd-admin-stock-reason input').fill('到货入库');
    await page.click('#xd-admin-stock-save');
    await page.locator('#xd-admin-stock-form .xd-admin-audit-entry[data-action="product.stock"]').waitFor();
    const entry = page.locator('#xd-admin-stock-form .xd-admin-audit-entry[data-action="product.stock"]');
    expect(await entry.innerText()).toContain('库存 10 → 15');
    expect(await entry.innerText()).toContain('到货入库');
    expect(await entry.innerText()).toContain('owner');
    await expect.poll(() => page.locator('#xd-admin-stock-change input').inputValue()).toBe('');
    await toast(page).waitFor({ state: 'hidden' });
    await stack.screenshot(page, 'admin-product-stock');
    await page.click('.xd-admin-dialog-close');
    expect(await row.getAttribute('data-stock')).toBe('15');

    const listed = await call<{ items: Product[] }>(stack.world.api.url, 'GET', '/api/admin/products?q=白毫', { token: owner });
    expect(listed.body.items).toEqual([expect.objectContaining({ id, priceFen: 12880, stock: 15, onShelf: true })]);

    // An unpaid order holds 2: on hand 15, reserved 2, available 13; on hand cannot go below what is reserved.
    const buyer = await shopperToken(stack.world, 'admin-buyer-reserve');
    const held = await call<Order>(stack.world.api.url, 'POST', '/api/orders', { token: buyer, body: { items: [{ productId: id, quantity: 2 }], address: ADDRESS } });
    expect(held.status).toBe(201);
    await page.click('#xd-admin-product-search-submit');
    const reservedRow = page.locator('.xd-admin-product[data-name="白毫银针"][data-reserved="2"]');
    await reservedRow.waitFor();
    expect([await reservedRow.getAttribute('data-on-hand'), await reservedRow.getAttribute('data-stock')]).toEqual(['15', '13']);
    expect(await reservedRow.locator('.xd-admin-product-on-hand').innerText()).toBe('15');
    expect(await reservedRow.locator('.xd-admin-product-available').innerText()).toBe('13');
    await reservedRow.locator('.xd-admin-product-stock').click();
    await page.locator('#xd-admin-stock-form').waitFor();
    expect(await page.locator('#xd-admin-stock-form').innerText()).toContain('盘点后的实际库存');
    await page.locator('#xd-admin-stock-change input').fill('1');
    await page.locator('#xd-admin-stock-reason input').fill('盘点');
    await page.click('#xd-admin-stock-save');
    await page.locator('#xd-admin-stock-form .xd-admin-field-error').waitFor();
    expect(await page.locator('#xd-admin-stock-form .xd-admin-field-error').innerText()).toBe('未支付订单已预留 2 件，现货不能少于 2');
    await stack.screenshot(page, 'admin-product-stock-reserved');
    await page.click('.xd-admin-dialog-close');
    expect((await call(stack.world.api.url, 'POST', `/api/orders/${held.body.id}/cancel`, { token: buyer })).status).toBe(200);

    // Search.
    await page.locator('#xd-admin-product-search input').fill('岩茶');
    await page.click('#xd-admin-product-search-submit');
    await page.locator('.xd-admin-product[data-name="白毫银针"]').waitFor({ state: 'detached' });
    // The list reloads (a moment with no rows) before it shows the one that matches.
    await page.locator('.xd-admin-product[data-name="武夷岩茶 大红袍"]').waitFor();
    await expect.poll(() => page.locator('.xd-admin-product').count()).toBe(1);
    await page.locator('#xd-admin-product-search input').fill('');
    await page.click('#xd-admin-product-search-submit');
    await page.locator('.xd-admin-product').nth(2).waitFor();
    await stack.screenshot(page, 'admin-products');
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('orders and refunds', () => {
  it("finds a shopper's paid order, refunds it once despite a double click, and sees REFUNDED when WeChat settles", async () => {
    const order = await paidOrder('admin-buyer-1', [
      { product: products.tea, quantity: 1 },
      { product: products.cups, quantity: 2 },
    ]);
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-orders');
    await page.locator('.xd-page-admin-orders .xd-admin-order').first().waitFor();

    // Search by out_trade_no, with the PAID filter.
    await page.click('.xd-admin-status-filter[data-status="PAID"]');
    await page.locator('#xd-admin-order-search input').fill(order.outTradeNo);
    await page.click('#xd-admin-order-search-submit');
    await page.locator(`.xd-admin-order[data-id="${order.id}"]`).waitFor();
    await eventually(async () => (await page.locator('.xd-admin-order').count()) === 1);
    await page.click('#xd-admin-order-reset');
    await expect.poll(() => page.locator('#xd-admin-order-search input').inputValue()).toBe('');

    await page.click(`.xd-admin-order[data-id="${order.id}"]`);
    await page.waitForURL(/\/pages\/admin\/order\?id=/);
    await page.locator('#xd-admin-order-status[data-status="PAID"]').waitFor();
    expect(await page.locator('#xd-admin-order-paid').innerText()).toBe('¥344.00');
    expect(await page.locator('.xd-admin-order-item').count()).toBe(2);
    expect(await page.locator('.xd-admin-address').innerText()).toContain(ADDRESS.detail);
    expect(await page.locator('.xd-admin-attempt[data-status="PAID"]').count()).toBe(1);
    expect(await page.locator('.xd-admin-notification[data-outcome="APPLIED"]').count()).toBeGreaterThanOrEqual(1);

    await page.click('#xd-admin-refund-open');
    await page.locator('#xd-admin-refund-form').waitFor();
    expect(await page.locator('#xd-admin-refund-amount input').inputValue()).toBe('344.00');
    await page.locator('#xd-admin-refund-reason input').fill('买家申请退货');
    await page.click('#xd-admin-refund-submit');
    await page.locator('#xd-admin-refund-confirm-box').waitFor();
    await stack.screenshot(page, 'admin-order');
    // A double click on the confirmation: one refund.
    await page.locator('#xd-admin-refund-confirm').dblclick();
    await page.locator('#xd-admin-refund-started').waitFor();
    await page.locator('#xd-admin-order-status[data-status="REFUNDING"]').waitFor();

    const refunds = (await stack.world.sandbox.control.refunds()).filter((r) => r.out_trade_no === order.outTradeNo);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount.refund).toBe(34400);
    const outRefundNo = refunds[0]!.out_refund_no;
    expect(await page.locator('#xd-admin-refund-started').getAttribute('data-out-refund-no')).toBe(outRefundNo);
    // The out_refund_no has no spaces to break at: it wraps inside its card, and the page never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);

    // WeChat settles it; the page, watching the refund, shows REFUNDED by itself.
    await stack.world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    await page.locator('#xd-admin-order-status[data-status="REFUNDED"]').waitFor({ timeout: 15_000 });
    await page.locator(`.xd-admin-refund[data-out-refund-no="${outRefundNo}"][data-status="SUCCESS"]`).waitFor();
    expect(await page.locator('#xd-admin-order-refunded').innerText()).toBe('¥344.00');
    expect(await page.locator('#xd-admin-refund-open').count()).toBe(0);
    await page.locator('.xd-admin-notification[data-kind="refund"][data-outcome="APPLIED"]').waitFor();
    await page.locator('.xd-admin-audit-entry[data-action="order.refund"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await stack.screenshot(page, 'admin-order-refunded', { fullPage: true });
    expect((await orderDetail(order.id)).status).toBe('REFUNDED');
    expect(errorsOf(page)).toEqual([]);
  });

  it('refunds part of an order: partially refunded, back to PAID, and the rest still refundable', async () => {
    const order = await paidOrder('admin-buyer-2', [{ product: products.cups, quantity: 1 }]);
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await openOrder(page, order);
    await page.click('#xd-admin-refund-open');
    await page.locator('#xd-admin-refund-amount input').fill('88.01');
    await page.locator('#xd-admin-refund-reason input').fill('少发一只');
    await page.click('#xd-admin-refund-submit');
    expect(await page.locator('#xd-admin-refund-form .xd-admin-field-error').innerText()).toBe('不能超过 ¥88.00');
    await page.locator('#xd-admin-refund-amount input').fill('44');
    await page.click('#xd-admin-refund-submit');
    await page.click('#xd-admin-refund-confirm');
    await page.locator('#xd-admin-refund-started').waitFor();
    const outRefundNo = (await page.locator('#xd-admin-refund-started').getAttribute('data-out-refund-no'))!;
    await stack.world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');
    await page.locator('#xd-admin-order-status[data-status="PAID"]').waitFor({ timeout: 15_000 });
    await page.locator('#xd-admin-partially-refunded').waitFor();
    expect(await page.locator('#xd-admin-order-refunded').innerText()).toBe('¥44.00');
    expect(await page.locator('#xd-admin-order-refundable').innerText()).toBe('¥44.00');
    expect(await orderDetail(order.id)).toMatchObject({ status: 'PAID', refundedFen: 4400, refundableFen: 4400 });
  });

  it('marks a paid order shipped with tracking number, company and logistics type, and shows the upload status', async () => {
    const order = await paidOrder('admin-buyer-3', [{ product: products.tea, quantity: 2 }]);
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await openOrder(page, order);
    await page.click('#xd-admin-ship-submit');
    await page.locator('#xd-admin-ship-form .xd-admin-field-error').first().waitFor();
    await page.click('.xd-admin-logistics[data-type="1"]');
    await page.locator('#xd-admin-ship-company input').fill('顺丰速运');
    await page.locator('#xd-admin-ship-tracking input').fill('SF1234567890');
    await page.click('#xd-admin-ship-submit');
    // A confirmation first: the parcel and the recipient; nothing is sent until it is confirmed.
    expect(await page.locator('#xd-admin-ship-confirm-parcel').innerText()).toBe('快递 · 顺丰速运 SF1234567890');
    expect(await page.locator('#xd-admin-ship-confirm').innerText()).toContain(ADDRESS.phone);
    await page.click('#xd-admin-ship-cancel');
    expect((await orderDetail(order.id)).status).toBe('PAID');
    await page.click('#xd-admin-ship-submit');
    await page.locator('#xd-admin-ship-confirm-parcel').waitFor();
    await stack.screenshot(page, 'admin-ship-confirm');
    await page.click('#xd-admin-ship-confirm-submit');
    await page.locator('#xd-admin-order-status[data-status="SHIPPED"]').waitFor();
    await page.locator('#xd-admin-shipping-upload[data-status]').waitFor();
    expect(await page.locator('#xd-admin-shipping').innerText()).toContain('SF1234567890');
    expect(await page.locator('.xd-admin-event[data-status="SHIPPED"]').count()).toBe(1);
    await toast(page).waitFor({ state: 'hidden' });
    await stack.screenshot(page, 'admin-order-shipped', { fullPage: true });
    expect(await orderDetail(order.id)).toMatchObject({ status: 'SHIPPED', shipping: { trackingNo: 'SF1234567890', expressCompany: '顺丰速运' } });
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('batch shipping', () => {
  it('ships three orders in one batch: picked or pasted, an unknown order flagged in the preview, each result in Chinese', async () => {
    const orders = [
      await paidOrder('admin-batch-1', [{ product: products.tea, quantity: 1 }]),
      await paidOrder('admin-batch-2', [{ product: products.cups, quantity: 1 }]),
      await paidOrder('admin-batch-3', [{ product: products.tea, quantity: 1 }]),
    ];
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await stack.open(page, '/pages/admin/orders');
    await page.locator('.xd-admin-order-tab[data-tab="TO_SHIP"] .tab-count').waitFor();
    await page.click('#xd-admin-batch-ship');
    await page.click(`.xd-admin-batch-pick[data-order-no="${orders[0]!.orderNo}"]`);
    // The picked order becomes a line of the text (the textarea shows the store's value on its next render).
    await eventually(async () => (await page.locator('#xd-admin-batch-text textarea').inputValue()).includes(orders[0]!.orderNo!));
    const lines = orders.map((o, i) => `${o.orderNo}\t顺丰速运\tSF900${i}`);
    await page.locator('#xd-admin-batch-text textarea').fill([...lines, '2099010100001 顺丰速运 SF9999'].join('\n'));
    await page.click('#xd-admin-batch-preview');
    await page.locator('.xd-admin-batch-row').nth(3).waitFor();
    expect(await page.locator('.xd-admin-batch-row.bad').innerText()).toContain('不是待发货的订单');
    await page.click('#xd-admin-batch-apply');
    await eventually(async () => (await page.locator('.xd-admin-batch-outcome', { hasText: '已发货' }).count()) === 3);
    await stack.screenshot(page, 'admin-batch-ship');
    for (const [i, o] of orders.entries()) {
      expect(await orderDetail(o.id)).toMatchObject({ status: 'SHIPPED', shipping: { trackingNo: `SF900${i}`, expressCompany: '顺丰速运' } });
    }

    // 导入 Excel, through the browser's file dialog: a file that is not an .xlsx is refused in Chinese; the day's
    // own export reads back into lines, and the three just shipped are flagged, not sent twice.
    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await page.locator('#xd-admin-batch-text textarea').fill('');
    const refused = page.waitForEvent('filechooser');
    await page.click('#xd-admin-batch-import');
    await (await refused).setFiles({ name: 'parcels.xlsx', mimeType: XLSX, buffer: Buffer.from('订单号,快递公司,快递单号\n') });
    await page.locator('#xd-admin-batch-import-error').waitFor();
    expect(await page.locator('#xd-admin-batch-import-error').innerText()).toBe('只能导入 .xlsx 格式的 Excel 表格');
    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const exported = await fetch(`${stack.world.api.url}/api/admin/orders/export?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${owner}` } });
    expect(exported.status).toBe(200);
    const chooser = page.waitForEvent('filechooser');
    await page.click('#xd-admin-batch-import');
    await (await chooser).setFiles({ name: `orders-${day}.xlsx`, mimeType: XLSX, buffer: Buffer.from(await exported.arrayBuffer()) });
    await page.locator('#xd-admin-batch-import-note').waitFor();
    expect(await page.locator('#xd-admin-batch-import-note').innerText()).toMatch(/^已从表格读入 \d+ 单/);
    for (const o of orders) {
      expect(await page.locator(`.xd-admin-batch-row[data-order-no="${o.orderNo}"]`).innerText()).toContain('不是待发货的订单');
    }
    // The note and the preview render at once, but uni-h5's textarea takes the store's new text only after a 100 ms
    // debounce (its useValueSync), so the imported lines are read once they have reached the field.
    await expect.poll(() => page.locator('#xd-admin-batch-text textarea').inputValue()).toContain(`${orders[0]!.orderNo} 顺丰速运 SF9000`);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('staff', () => {
  it('the owner adds a staff account; staff sign in, see no refund or staff actions, and the API refuses a refund', async () => {
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-staff');
    await page.locator('#xd-admin-staff-form').waitFor();
    await page.locator('#xd-admin-staff-username input').fill('clerk');
    await page.locator('#xd-admin-staff-password input').fill('short');
    await page.click('#xd-admin-staff-submit');
    expect(await page.locator('#xd-admin-staff-form .xd-admin-field-error').innerText()).toBe('密码至少 10 位');
    await page.locator('#xd-admin-staff-password input').fill('1234567890');
    await page.click('#xd-admin-staff-submit');
    await expect.poll(() => page.locator('#xd-admin-staff-form .xd-admin-field-error').innerText()).toBe('这个密码太常见，请换一个');
    await page.locator('#xd-admin-staff-password input').fill('clerk-password');
    await page.click('#xd-admin-staff-submit');
    await page.locator('#xd-admin-staff-created').waitFor();
    await page.locator('.xd-admin-staff[data-username="clerk"][data-role="staff"]').waitFor();
    await expect.poll(() => page.locator('#xd-admin-staff-password input').inputValue()).toBe('');
    await stack.screenshot(page, 'admin-staff');

    const order = await paidOrder('admin-buyer-4', [{ product: products.cups, quantity: 1 }]);
    const clerk = await newAdminPage();
    await login(clerk, 'clerk', 'clerk-password');
    expect(await clerk.locator('#xd-admin-role').innerText()).toBe('店员');
    expect(await clerk.locator('#xd-admin-nav-staff').count()).toBe(0);
    await openOrder(clerk, order);
    await clerk.locator('#xd-admin-refund-owner-only').waitFor();
    expect(await clerk.locator('#xd-admin-refund-open').count()).toBe(0);
    expect(await clerk.locator('#xd-admin-ship-form').count()).toBe(1);
    await stack.screenshot(clerk, 'admin-order-staff');

    // The API refuses anyway; the staff page, opened by its address, says 无权限 and shows nothing else.
    const clerkToken = await call(stack.world.api.url, 'POST', '/api/admin/login', { body: { username: 'clerk', password: 'clerk-password' } });
    const refused = await call(stack.world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, {
      token: clerkToken.body.token,
      body: { amountFen: 100, reason: 'x' },
    });
    expect(refused.status).toBe(403);
    await stack.open(clerk, '/pages/admin/staff');
    await clerk.locator('.xd-page-admin-staff .xd-state-forbidden').waitFor();
    expect(await clerk.locator('.xd-state-forbidden').innerText()).toContain('无权限');
    expect(await clerk.locator('#xd-admin-staff-form').count()).toBe(0);
    expect(await clerk.locator('.xd-admin-staff, .xd-state-error').count()).toBe(0);
    expect(await clerk.locator('#xd-admin-nav-staff').count()).toBe(0);
    await stack.screenshot(clerk, 'admin-staff-forbidden');
    expect((await orderDetail(order.id)).refunds).toEqual([]);
  });

  it('the owner disables a staff account: signed out, it cannot sign in (该账号已停用) until enabled again; its password is reset', async () => {
    const made = await call(stack.world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'seasonal', password: 'seasonal-password' } });
    expect(made.status).toBe(201);
    const worker = await newAdminPage();
    await login(worker, 'seasonal', 'seasonal-password');

    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-staff');
    const row = page.locator('.xd-admin-staff[data-username="seasonal"]');
    await row.waitFor();
    expect(await page.locator('.xd-admin-staff[data-role="owner"] .xd-admin-staff-disable, .xd-admin-staff[data-role="owner"] .xd-admin-staff-reset').count()).toBe(0);
    await row.locator('.xd-admin-staff-disable').click();
    // uni.showModal asks first.
    await page.locator('.uni-modal__btn_primary').click();
    await page.locator('.xd-admin-staff[data-username="seasonal"][data-disabled="true"] .xd-admin-staff-disabled').waitFor();
    expect(await row.locator('.xd-admin-staff-disabled').innerText()).toBe('已停用');
    await toast(page).waitFor({ state: 'hidden' });
    await stack.screenshot(page, 'admin-staff-disabled');

    // Their open session is over: the next call sends them to the login page; the right password says disabled.
    await stack.open(worker, '/pages/admin/orders');
    await worker.locator('.xd-page-admin-login').waitFor();
    await worker.locator('#xd-admin-username input').fill('seasonal');
    await worker.locator('#xd-admin-password input').fill('seasonal-password');
    await worker.click('#xd-admin-submit');
    await worker.locator('#xd-admin-error[data-code="ACCOUNT_DISABLED"]').waitFor();
    expect(await worker.locator('#xd-admin-error').innerText()).toBe('该账号已停用');
    await stack.screenshot(worker, 'admin-login-disabled');

    // Enabled again, and given a new password (checked with the shared rule first).
    await row.locator('.xd-admin-staff-enable').click();
    await page.locator('.xd-admin-staff[data-username="seasonal"][data-disabled="false"]').waitFor();
    await row.locator('.xd-admin-staff-reset').click();
    await page.locator('#xd-admin-reset-form').waitFor();
    await page.locator('#xd-admin-reset-password input').fill('short');
    await page.click('#xd-admin-reset-save');
    await page.locator('#xd-admin-reset-form .xd-admin-field-error').waitFor();
    expect(await page.locator('#xd-admin-reset-form .xd-admin-field-error').innerText()).toBe('密码至少 10 位');
    await toast(page).waitFor({ state: 'hidden' });
    await stack.screenshot(page, 'admin-staff-reset');
    await page.locator('#xd-admin-reset-password input').fill('a-new-season-2026');
    await page.click('#xd-admin-reset-save');
    await page.locator('#xd-admin-reset-form').waitFor({ state: 'detached' });

    await worker.locator('#xd-admin-password input').fill('seasonal-password');
    await worker.click('#xd-admin-submit');
    await worker.locator('#xd-admin-error[data-code="UNAUTHORIZED"]').waitFor();
    await worker.locator('#xd-admin-password input').fill('a-new-season-2026');
    await worker.click('#xd-admin-submit');
    // Back to the page their session ended on.
    await worker.locator('.xd-page-admin-orders').waitFor();
    expect(errorsOf(page)).toEqual([]);
  });

  it('any admin changes their own password from the top bar, and signs in again with it', async () => {
    const made = await call(stack.world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'cashier', password: 'cashier-password' } });
    expect(made.status).toBe(201);
    const page = await newAdminPage();
    await login(page, 'cashier', 'cashier-password');
    await page.click('#xd-admin-change-password');
    await page.locator('#xd-admin-password-form').waitFor();
    await page.locator('#xd-admin-password-current input').fill('not-my-password');
    await page.locator('#xd-admin-password-next input').fill('cashier-2026-spring');
    await page.locator('#xd-admin-password-confirm input').fill('cashier-2026-spring');
    await page.click('#xd-admin-password-save');
    await page.locator('#xd-admin-password-form .xd-admin-field-error').waitFor();
    expect(await page.locator('#xd-admin-password-form .xd-admin-field-error').innerText()).toBe('当前密码不正确');
    await stack.screenshot(page, 'admin-change-password');
    await page.locator('#xd-admin-password-current input').fill('cashier-password');
    await page.click('#xd-admin-password-save');
    await page.locator('.xd-page-admin-login #xd-admin-expired').waitFor();
    expect(await page.locator('#xd-admin-expired').innerText()).toBe('密码已修改，请用新密码重新登录');
    await page.locator('#xd-admin-username input').fill('cashier');
    await page.locator('#xd-admin-password input').fill('cashier-2026-spring');
    await page.click('#xd-admin-submit');
    await page.locator('.xd-page-admin-dashboard').waitFor();
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('anomalies', () => {
  it('shows an ABNORMAL refund for action, and the API says why it cannot be closed yet', async () => {
    const order = await paidOrder('admin-buyer-5', [{ product: products.tea, quantity: 1 }]);
    const started = await call(stack.world.api.url, 'POST', `/api/admin/orders/${order.id}/refunds`, {
      token: owner,
      headers: { 'Idempotency-Key': 'abnormal-1' },
      body: { amountFen: 16800, reason: '买家取消' },
    });
    expect(started.status).toBe(201);
    await stack.world.sandbox.control.settleRefund(started.body.outRefundNo, 'ABNORMAL');
    await eventually(async () => (await orderDetail(order.id)).anomalies.length > 0, 10_000);

    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.locator('#xd-admin-open-anomalies').waitFor();
    await page.click('#xd-admin-open-anomalies');
    const anomaly = page.locator('.xd-admin-anomaly[data-kind="REFUND_ABNORMAL"][data-status="OPEN"]');
    await anomaly.waitFor();
    await anomaly.locator('.xd-admin-anomaly-resolve').click();
    await anomaly.locator('.xd-admin-anomaly-note input').fill('已在商户平台发起退款至余额');
    await anomaly.locator('.xd-admin-anomaly-resolve-submit').click();
    await anomaly.locator('.xd-admin-anomaly-error').waitFor();
    expect(await anomaly.locator('.xd-admin-anomaly-error').innerText()).toMatch(/ABNORMAL/);
    await stack.screenshot(page, 'admin-anomalies');

    await openOrder(page, order);
    await page.locator('.xd-admin-refund[data-status="ABNORMAL"]').waitFor();
    await page.locator('.xd-admin-order-anomaly[data-kind="REFUND_ABNORMAL"]').waitFor();
  });
});

describe('reconciliation', () => {
  it("runs today's reconciliation and shows the order whose notifications were all dropped as healed", async () => {
    const lost = await paidOrder('admin-lost-buyer', [{ product: products.cups, quantity: 1 }], { dropNotifications: true });
    await eventually(async () => (await stack.world.sandbox.control.notifications({ outTradeNo: lost.outTradeNo })).length > 0);
    expect((await orderDetail(lost.id)).status).toBe('PENDING_PAYMENT');

    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-reconciliation');
    await page.locator('.xd-page-admin-reconciliation #xd-admin-recon-run').waitFor();
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(await page.locator('#xd-admin-recon-date input').inputValue()).toBe(today);
    await page.click('#xd-admin-recon-run');
    const healed = page.locator(`.xd-admin-discrepancy[data-out-trade-no="${lost.outTradeNo}"]`);
    await healed.waitFor({ timeout: 30_000 });
    expect(await healed.getAttribute('data-kind')).toBe('MISSING_LOCALLY');
    expect(await healed.getAttribute('data-action')).toBe('HEALED');
    expect(await healed.locator('.xd-admin-discrepancy-action').innerText()).toBe('已自动修复');
    expect(await page.locator('#xd-admin-recon-report').getAttribute('data-date')).toBe(today);
    await page.locator(`.xd-admin-recon-history[data-date="${today}"]`).waitFor();
    await stack.screenshot(page, 'admin-reconciliation', { fullPage: true });
    expect((await orderDetail(lost.id)).status).toBe('PAID');
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('dashboard', () => {
  it("shows today's paid amount, orders and refunds, and the daily chart as a picture", async () => {
    const res = await call(stack.world.api.url, 'GET', '/api/admin/dashboard', { token: owner });
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    const today = page.locator('#xd-admin-sales-today');
    expect(await today.getAttribute('data-paid-fen')).toBe(String(res.body.today.paidFen));
    // Every order this file paid today: five paid with a notification, the batch-shipping test's three, and one
    // healed by reconciliation.
    expect(res.body.today.orders).toBe(9);
    expect(await today.getAttribute('data-orders')).toBe('9');
    expect(await today.locator('.paid').innerText()).toBe(`¥${(res.body.today.paidFen / 100).toFixed(2)}`);
    expect(Number(await today.getAttribute('data-refunded-fen'))).toBeGreaterThan(0);
    // A picture: an SVG with bars, not a table.
    await page.locator('#xd-admin-chart svg[role="img"] .bar-paid').first().waitFor();
    expect(await page.locator('#xd-admin-chart table').count()).toBe(0);
    expect(await page.locator('#xd-admin-chart .xd-admin-chart-day').count()).toBe(30);
    await stack.screenshot(page, 'admin-dashboard');

    // Every order of the day in the list, newest first: those nine, and the one the products test placed and cancelled.
    await page.click('#xd-admin-nav-orders');
    await page.locator('.xd-admin-order').nth(6).waitFor();
    expect(await page.locator('#xd-admin-page-info').getAttribute('data-total')).toBe('10');
    await stack.screenshot(page, 'admin-orders');

    // And on a phone.
    const phone = await newAdminPage({ width: 390, height: 844 });
    await login(phone, 'owner', 'owner-password');
    await phone.locator('#xd-admin-chart svg').waitFor();
    await stack.screenshot(phone, 'admin-dashboard-phone', { fullPage: true });
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('sessions', () => {
  it('slows down repeated wrong passwords and shows the API message', async () => {
    await call(stack.world.api.url, 'POST', '/api/admin/staff', { token: owner, body: { username: 'forgetful', password: 'forgetful-password' } });
    const page = await newAdminPage();
    await stack.open(page, '/pages/admin/login');
    await page.locator('#xd-admin-username input').fill('forgetful');
    for (let i = 1; i <= 6; i++) {
      await page.locator('#xd-admin-password input').fill(`wrong-${i}`);
      await page.click('#xd-admin-submit');
      await page.locator(`#xd-admin-error[data-code="${i <= 5 ? 'UNAUTHORIZED' : 'TOO_MANY_ATTEMPTS'}"]`).waitFor();
    }
    expect(await page.locator('#xd-admin-error').innerText()).toMatch(/^密码错误次数过多，请 \d+ (秒|分钟)后再试$/);
  });

  it('an expired session (ended elsewhere) sends the console back to the login page with a message, then back to the page', async () => {
    const page = await newAdminPage();
    await login(page, 'clerk', 'clerk-password');
    await page.click('#xd-admin-nav-orders');
    await page.locator('.xd-page-admin-orders .xd-admin-order').first().waitFor();
    // Logging out anywhere ends every session of that admin.
    const other = await call(stack.world.api.url, 'POST', '/api/admin/login', { body: { username: 'clerk', password: 'clerk-password' } });
    expect((await call(stack.world.api.url, 'POST', '/api/admin/logout', { token: other.body.token })).status).toBe(204);

    await page.click('.xd-admin-status-filter[data-status="PAID"]');
    await page.locator('.xd-page-admin-login #xd-admin-expired').waitFor();
    expect(await page.locator('#xd-admin-expired').innerText()).toBe('登录已过期或已在别处退出，请重新登录');
    expect(await page.evaluate(() => localStorage.getItem('xd.admin'))).toBeNull();
    expect(await page.locator('#xd-admin-username input').inputValue()).toBe('clerk');
    await stack.screenshot(page, 'admin-session-expired');

    await page.locator('#xd-admin-password input').fill('clerk-password');
    await page.click('#xd-admin-submit');
    // Back where the session ended.
    await page.locator('.xd-page-admin-orders .xd-admin-order').first().waitFor();

    // Logout from the console.
    await page.click('#xd-admin-logout');
    await page.locator('.xd-page-admin-login #xd-admin-submit').waitFor();
    expect(await toast(page).count()).toBe(0);
  });
});

describe('shipping templates', () => {
  it('the owner makes a 按重量 template in yuan and kg, sets it as the default, cannot delete it while a product uses it, empties 满额包邮 and 取消默认', async () => {
    const page = await newAdminPage();
    await login(page, 'owner', 'owner-password');
    await page.click('#xd-admin-nav-shipping-templates');
    await page.locator('.xd-page-admin-shipping-templates').waitFor();
    await page.click('#xd-admin-template-new');
    await page.locator('#xd-admin-template-name input').fill('按重量');
    await page.click('#xd-admin-template-mode .xd-admin-chip[data-value="WEIGHT"]');
    const other = page.locator('.xd-admin-template-rule[data-index="other"]');
    await other.locator('.xd-admin-rule-first input').fill('1');
    await other.locator('.xd-admin-rule-first-fee input').fill('10');
    await other.locator('.xd-admin-rule-next input').fill('0.5');
    await other.locator('.xd-admin-rule-next-fee input').fill('5');
    await page.click('#xd-admin-template-add-rule');
    const far = page.locator('.xd-admin-template-rule[data-index="0"]');
    await far.locator('.xd-admin-province[data-value="新疆维吾尔自治区"]').click();
    await far.locator('.xd-admin-rule-first-fee input').fill('20');
    await page.locator('#xd-admin-template-free-above input').fill('99');
    await page.waitForTimeout(150);
    await page.click('#xd-admin-template-save');
    const row = page.locator('.xd-admin-template[data-name="按重量"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('新疆：首重 1kg ¥20.00');
    const [stored] = (await call(stack.world.api.url, 'GET', '/api/admin/shipping-templates', { token: owner })).body as { id: string }[];
    expect(stored).toMatchObject({
      name: '按重量',
      mode: 'WEIGHT',
      isDefault: false,
      rules: [
        { provinces: ['新疆维吾尔自治区'], firstFen: 2000, first: 1000 },
        { provinces: [], firstFen: 1000, first: 1000, nextFen: 500, next: 500 },
      ],
      freeAboveFen: 9900,
    });

    await row.locator('.xd-admin-template-make-default').click();
    await page.locator('.xd-admin-template[data-name="按重量"][data-default="true"]').waitFor();
    const tea = `/api/admin/products/${products.tea.id}`;
    expect((await call(stack.world.api.url, 'PATCH', tea, { token: owner, body: { shippingTemplateId: stored!.id } })).status).toBe(200);
    await row.locator('.xd-admin-template-delete').click();
    await confirmModal(page);
    await expect.poll(() => page.locator('#xd-admin-template-action-error').textContent()).toBe('还有商品在使用这个运费模板，请先为它们换一个模板');
    await stack.screenshot(page, 'admin-shipping-templates');

    // 满额包邮 emptied in the form is removed (not kept); 取消默认, confirmed, leaves the store without a default.
    await row.locator('.xd-admin-template-edit').click();
    await page.locator('#xd-admin-template-free-above input').fill('');
    await page.waitForTimeout(150);
    await page.click('#xd-admin-template-save');
    await expect.poll(() => page.locator('#xd-admin-template-notice').textContent()).toBe('模板已保存');
    expect(await row.textContent()).not.toContain('满 ¥');
    const listed = (await call(stack.world.api.url, 'GET', '/api/admin/shipping-templates', { token: owner })).body as { isDefault: boolean }[];
    expect(listed[0]).not.toHaveProperty('freeAboveFen');
    await row.locator('.xd-admin-template-unset-default').click();
    await confirmModal(page);
    await page.locator('.xd-admin-template[data-name="按重量"][data-default="false"]').waitFor();
    expect(await page.locator('#xd-admin-template-notice').textContent()).toBe('「按重量」已不是默认模板，未指定模板的商品现在包邮');
    const unset = (await call(stack.world.api.url, 'GET', '/api/admin/shipping-templates', { token: owner })).body as { isDefault: boolean }[];
    expect(unset.filter((t) => t.isDefault)).toEqual([]);
    expect(errorsOf(page)).toEqual([]);

    // The other tests' orders ship free: the product goes back to the default, and the template goes.
    expect((await call(stack.world.api.url, 'PATCH', tea, { token: owner, body: { shippingTemplateId: null } })).status).toBe(200);
    await row.locator('.xd-admin-template-delete').click();
    await confirmModal(page);
    await row.waitFor({ state: 'detached' });
    expect((await call(stack.world.api.url, 'GET', '/api/admin/shipping-templates', { token: owner })).body).toEqual([]);
  });
});
