// Issue 13 proven in a browser: after the payment. A shopper pays (allowing the shop's subscribe messages in the
// H5 shim's dialog), the owner ships in the console, the shopper confirms receipt and asks for part of the money
// back with the goods returned and a photo; the owner approves in the after-sale queue, the shopper sends the
// return's tracking number, the owner marks the goods received, the sandbox settles the refund and the shopper
// sees 已退款. The shopper's three messages (paid, shipped, refunded) arrive at the sandbox and show on its
// dashboard. The real H5 build in Chromium, the real API, database and WeChat sandbox.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Order, Product } from '@xiaodian/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  answerSubscribe,
  call,
  confirmModal,
  createProducts,
  drawPicture,
  eventually,
  openConsole,
  runJob,
  shopperToken,
  startStack,
  toast,
  type ConsolePage,
  type Stack,
} from './support';
import { e2eRoot } from './support/paths';

let stack: Stack;
let products: { tea: Product; cups: Product };
let lastPage: Page | undefined;
let owner: ConsolePage | undefined;

const ADDRESS = { name: '李四', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };
const SHOPPER = 'after-sale-shopper';

beforeAll(async () => {
  stack = await startStack();
  products = await createProducts(stack.world, {
    tea: { name: '西湖龙井 明前', description: '100g 罐装', priceFen: 16800, stock: 20 },
    cups: { name: '青瓷品茗杯', description: '两只装', priceFen: 8800, stock: 20 },
  });
});

afterAll(async () => {
  await owner?.context.close().catch(() => undefined);
  await stack?.stop();
});

afterEach(async (ctx) => {
  // A failing test leaves a picture of where it stood (git-ignored, unlike e2e/screenshots).
  if (ctx.task.result?.state === 'fail' && lastPage && !lastPage.isClosed()) {
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await lastPage.screenshot({ path: join(e2eRoot, 'dist/failures', `after-sale-${name}.png`), fullPage: true }).catch(() => undefined);
  }
});

async function apiOrder(id: string): Promise<Order & { orderNo?: string }> {
  const token = await shopperToken(stack.world, SHOPPER);
  const res = await call<Order & { orderNo?: string }>(stack.world.api.url, 'GET', `/api/orders/${id}`, { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** Reloads a page until `selector` shows (a page that does not poll the API by itself). */
async function reloadUntil(page: Page, selector: string): Promise<void> {
  await eventually(async () => {
    await page.reload();
    await page.locator(selector).waitFor({ timeout: 4000 }).catch(() => undefined);
    return (await page.locator(selector).count()) > 0;
  });
}

describe('after the payment', () => {
  it('pays, ships, confirms receipt, returns part of the order for a refund, and the shopper sees 已退款', async () => {
    // ---- the shopper pays, allowing the shop's messages in the subscribe dialog ----
    const shopper = await stack.newPage({ user: SHOPPER });
    lastPage = shopper;
    await stack.open(shopper, '/');
    await shopper.locator('.xd-page-products .xd-product').first().waitFor();
    await shopper.locator(`.xd-product[data-id="${products.tea.id}"] .xd-add-to-cart`).click();
    await shopper.locator(`.xd-product[data-id="${products.cups.id}"] .xd-add-to-cart`).click();
    await stack.open(shopper, '/pages/cart/index');
    await shopper.locator('.xd-cart-line').nth(1).waitFor();
    await shopper.click('#xd-go-checkout');
    await shopper.locator('.xd-page-checkout #xd-submit-order').waitFor();
    for (const [field, value] of Object.entries(ADDRESS)) await shopper.fill(`#xd-addr-${field} input`, value);
    await shopper.click('#xd-submit-order');
    // WeChat's subscribe dialog, played by the H5 shim: 允许 grants one message per template at the sandbox.
    expect(await answerSubscribe(shopper, true)).toBe(true);
    await shopper.waitForURL(/\/__sandbox\/cashier\?/);
    await shopper.click('button[value=SUCCESS]');
    await shopper.waitForURL(/\/pages\/pay\/result\?/);
    await shopper.locator('.xd-page-pay-result #xd-pay-paid').waitFor();
    const orderId = new URL(shopper.url()).searchParams.get('id') ?? new URL(shopper.url()).searchParams.get('orderId') ?? '';
    const paid = await apiOrder(orderId);
    expect(paid).toMatchObject({ status: 'PAID', totalFen: 25600 });
    expect(paid.orderNo).toMatch(/^\d{10,20}$/);

    // ---- the owner finds it by its short number and ships it ----
    owner = await openConsole(stack);
    const admin = owner.page;
    await admin.click('#xd-admin-nav-orders');
    await admin.locator('#xd-admin-order-search input').fill(paid.orderNo!);
    await admin.click('#xd-admin-order-search-submit');
    await admin.locator(`.xd-admin-order[data-id="${orderId}"]`).waitFor();
    expect(await admin.locator(`.xd-admin-order[data-id="${orderId}"] .xd-admin-order-no`).innerText()).toBe(paid.orderNo);
    await admin.locator(`.xd-admin-order[data-id="${orderId}"]`).click();
    await admin.locator(`.detail[data-id="${orderId}"][data-status="PAID"]`).waitFor();
    expect(await admin.locator('#xd-admin-order-no').innerText()).toBe(paid.orderNo);
    await admin.locator('#xd-admin-ship-company input').fill('顺丰速运');
    await admin.locator('#xd-admin-ship-tracking input').fill('SF1300000013');
    await admin.waitForTimeout(150); // uni-h5's input throttle (see the console's INPUT_SETTLE_MS)
    await admin.click('#xd-admin-ship-submit');
    await admin.click('#xd-admin-ship-confirm-submit');
    await admin.locator(`.detail[data-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    lastPage = admin;

    // ---- the shopper sees the parcel, confirms receipt, and asks for ¥88.00 back with the cups returned ----
    lastPage = shopper;
    await stack.open(shopper, `/pages/orders/detail?id=${orderId}`);
    await shopper.locator('#xd-order-status[data-status="SHIPPED"]').waitFor();
    expect(await shopper.locator('#xd-shipment').innerText()).toContain('SF1300000013');
    await shopper.click('#xd-confirm-receipt');
    await confirmModal(shopper);
    await shopper.locator('#xd-order-status[data-status="COMPLETED"]').waitFor();
    expect((await apiOrder(orderId)).status).toBe('COMPLETED');

    await shopper.click('#xd-apply-after-sale');
    await shopper.locator('.xd-page-after-sale-apply #xd-after-sale-form').waitFor();
    await shopper.click('.xd-after-sale-type[data-type="RETURN_REFUND"]');
    await shopper.locator('#xd-after-sale-amount input').fill('88.00');
    await shopper.click('.xd-after-sale-reason[data-reason="DAMAGED"]');
    await shopper.locator('#xd-after-sale-description textarea').fill('一只杯子收到时杯口有裂纹，退回这套杯子');
    const photo = await drawPicture(shopper, { shape: 'cup', color: '#7fb8a4', backdrop: '#eef4f1' });
    const chooser = shopper.waitForEvent('filechooser');
    await shopper.click('#xd-after-sale-add-photo');
    await (await chooser).setFiles({ name: 'crack.png', mimeType: 'image/png', buffer: photo });
    await shopper.locator('.xd-after-sale-photo').first().waitFor();
    await expect.poll(() => shopper.locator('#xd-after-sale-submit').isDisabled()).toBe(false);
    await stack.screenshot(shopper, 'after-sale-form', { fullPage: true });
    await shopper.waitForTimeout(150);
    await shopper.click('#xd-after-sale-submit');
    await shopper.waitForURL(/\/pages\/after-sale\/progress\?/);
    await shopper.locator('#xd-after-sale[data-status="REQUESTED"]').waitFor();
    const afterSaleId = (await shopper.locator('#xd-after-sale').getAttribute('data-id'))!;

    // ---- the owner: 新售后 in the navigation, the queue, the request with its photo; approves ----
    lastPage = admin;
    await admin.click('#xd-admin-nav-after-sales');
    const row = admin.locator(`.xd-admin-after-sale[data-id="${afterSaleId}"]`);
    await row.waitFor();
    await admin.locator('#xd-admin-nav-after-sales-count[data-count="1"]').waitFor();
    expect(await row.getAttribute('data-status')).toBe('REQUESTED');
    expect(await row.getAttribute('data-amount-fen')).toBe('8800');
    const rowText = await row.innerText();
    for (const part of [paid.orderNo!, '退货退款', '¥88.00', '商品破损']) expect(rowText).toContain(part);
    await stack.screenshot(admin, 'admin-after-sales');

    await row.click();
    await admin.locator(`.xd-admin-after-sale-detail[data-id="${afterSaleId}"][data-status="REQUESTED"]`).waitFor();
    await admin.locator('.xd-admin-after-sale-photo').first().waitFor();
    expect(await admin.locator('.xd-admin-after-sale-photo').count()).toBe(1);
    expect(await admin.locator('.xd-admin-order-item').count()).toBe(2);
    await stack.screenshot(admin, 'admin-after-sale', { fullPage: true });
    // A tap enlarges the photo: uni's full-screen preview of the original (not the thumbnail).
    await admin.locator('.xd-admin-after-sale-photo').first().click();
    const enlarged = admin.locator('#u-a-p img').first();
    await enlarged.waitFor({ state: 'attached' });
    await expect.poll(() => enlarged.getAttribute('src')).toMatch(/\/api\/images\/[A-Za-z0-9_-]+$/);
    await admin.locator('#u-a-p uni-swiper').click();
    await admin.locator('#u-a-p uni-swiper').waitFor({ state: 'detached' });
    // Rejecting needs a note; approving asks first.
    await admin.click('#xd-admin-after-sale-reject');
    await admin.locator('#xd-admin-after-sale-actions .xd-admin-field-error').waitFor();
    await admin.click('#xd-admin-after-sale-approve');
    await confirmModal(admin);
    await admin.locator(`.xd-admin-after-sale-detail[data-status="APPROVED"]`).waitFor();
    await admin.locator('#xd-admin-after-sale-waiting').waitFor();

    // ---- the shopper sends the return's tracking number ----
    lastPage = shopper;
    await reloadUntil(shopper, '#xd-return-form');
    await shopper.locator('#xd-return-company input').fill('中通快递');
    await shopper.locator('#xd-return-tracking input').fill('ZT7700000013');
    await shopper.waitForTimeout(150);
    await shopper.click('#xd-return-submit');
    await shopper.locator('#xd-after-sale[data-status="RETURNING"]').waitFor();

    // ---- the owner marks the goods received: the refund starts ----
    lastPage = admin;
    await admin.click('#xd-admin-after-sale-refresh');
    await admin.locator('.xd-admin-after-sale-detail[data-status="RETURNING"]').waitFor();
    expect(await admin.locator('#xd-admin-after-sale-return').innerText()).toContain('ZT7700000013');
    await admin.click('#xd-admin-after-sale-receive');
    await confirmModal(admin);
    await admin.locator('.xd-admin-after-sale-detail[data-status="REFUNDING"]').waitFor();

    // ---- the sandbox settles the refund, as WeChat does; the shopper sees 已退款 ----
    const refunding = await call<{ outRefundNo?: string; status: string }>(stack.world.api.url, 'GET', `/api/admin/after-sales/${afterSaleId}`, {
      token: await adminToken(stack.world),
    });
    const outRefundNo = refunding.body.outRefundNo!;
    expect(outRefundNo).toBeTruthy();
    await stack.world.sandbox.control.settleRefund(outRefundNo, 'SUCCESS');

    lastPage = shopper;
    await reloadUntil(shopper, '#xd-after-sale[data-status="REFUNDED"]');
    expect(await shopper.locator('#xd-after-sale-status').innerText()).toContain('已退款');
    await stack.screenshot(shopper, 'after-sale-progress', { fullPage: true });
    const refunded = await apiOrder(orderId);
    expect(refunded).toMatchObject({ status: 'COMPLETED', refundedFen: 8800 });

    // The owner's request page follows it to 已退款 by itself.
    lastPage = admin;
    await admin.locator('.xd-admin-after-sale-detail[data-status="REFUNDED"]').waitFor({ timeout: 20_000 });

    // ---- the three messages: PAID, SHIPPED, REFUNDED reach the shopper's WeChat (the sandbox) ----
    const openid = await stack.world.sandbox.control.openid(SHOPPER);
    const received = await eventually(async () => {
      await runJob(stack.world, 'messages');
      const messages = await stack.world.sandbox.control.messages(openid);
      return messages.length >= 3 && messages;
    });
    expect(received).toHaveLength(3);
    const dashboard = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await dashboard.goto(`${stack.h5Url}/__sandbox/`);
    const section = dashboard.locator('section', { hasText: 'Subscribe messages' });
    await section.waitFor();
    expect(await section.locator('tr', { hasText: openid }).count()).toBe(3);
    await dashboard.close();

    // The console's order lists them with their outcome, and the timeline reads in Chinese.
    await stack.open(admin, `/pages/admin/order?id=${orderId}`);
    await admin.locator('.xd-admin-message[data-status="SENT"]').nth(2).waitFor();
    expect(await admin.locator('.xd-admin-message[data-status="SENT"]').count()).toBeGreaterThanOrEqual(3);
    const timeline = await admin.locator('.xd-admin-event').allInnerTexts();
    // No English words (long refund numbers aside: hex can hold a run of letters).
    expect(timeline.join('\n').replace(/[0-9A-Za-z]{16,}/g, '#')).not.toMatch(/[A-Za-z]{4,}/);
    await stack.screenshot(admin, 'admin-order-after-sale', { fullPage: true });

    expect(stack.errors(shopper)).toEqual([]);
    expect(owner.errors()).toEqual([]);
  });
});

describe('the owner in the console', () => {
  it('binds their WeChat with a one-time code entered in the mini program, then turns the notifications off', async () => {
    owner ??= await openConsole(stack);
    const admin = owner.page;
    lastPage = admin;
    await stack.open(admin, '/pages/admin/dashboard');
    await admin.click('#xd-admin-wechat-binding-open');
    await admin.locator('#xd-admin-wechat-binding[data-bound="false"]').waitFor();
    await admin.click('#xd-admin-wechat-bind');
    await admin.locator('#xd-admin-wechat-code').waitFor();
    const code = await admin.locator('#xd-admin-wechat-code').innerText();
    expect(code).toMatch(/^\d{6}$/);
    expect(await admin.locator('#xd-admin-wechat-code-box').innerText()).toContain('店主通知绑定');
    await stack.screenshot(admin, 'admin-wechat-binding');

    // The owner, logged in to the mini program as a shopper, enters the code there.
    const ownerAsShopper = await shopperToken(stack.world, 'shop-owner-phone');
    const bound = await call(stack.world.api.url, 'POST', '/api/wechat-binding', { token: ownerAsShopper, body: { code } });
    expect(bound.status).toBe(200);

    await admin.click('#xd-admin-wechat-check');
    await admin.locator('#xd-admin-wechat-bound').waitFor();
    // The owner is notified by default once bound; the switch turns it off at the API.
    const token = await adminToken(stack.world);
    const me = async () => (await call<{ wechatBound: boolean; notify: boolean }>(stack.world.api.url, 'GET', '/api/admin/me', { token })).body;
    expect(await me()).toMatchObject({ wechatBound: true, notify: true });
    await admin.click('#xd-admin-wechat-notify');
    await expect.poll(async () => (await me()).notify).toBe(false);
    expect(owner.errors()).toEqual([]);
  });

  it('issues a refund that WeChat closed again, with a new out_refund_no, once', async () => {
    owner ??= await openConsole(stack);
    const admin = owner.page;
    lastPage = admin;
    const token = await shopperToken(stack.world, 'reissue-shopper');
    const placed = await call<Order>(stack.world.api.url, 'POST', '/api/orders', {
      token,
      body: { items: [{ productId: products.tea.id, quantity: 1 }], address: ADDRESS },
    });
    expect(placed.status).toBe(201);
    const pay = await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
    await stack.world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
    await eventually(async () => (await call<Order>(stack.world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token })).body.status === 'PAID');
    const ownerToken = await adminToken(stack.world);
    const started = await call<{ outRefundNo: string }>(stack.world.api.url, 'POST', `/api/admin/orders/${placed.body.id}/refunds`, {
      token: ownerToken,
      body: { amountFen: 5000, reason: '缺货' },
      headers: { 'Idempotency-Key': 'reissue-e2e-1' },
    });
    expect(started.status).toBe(201);
    await stack.world.sandbox.control.settleRefund(started.body.outRefundNo, 'CLOSED');

    await stack.open(admin, `/pages/admin/order?id=${placed.body.id}`);
    const failed = admin.locator(`.xd-admin-refund[data-out-refund-no="${started.body.outRefundNo}"][data-status="CLOSED"]`);
    await failed.waitFor({ timeout: 20_000 });
    await failed.locator('.xd-admin-refund-reissue').click();
    await confirmModal(admin);
    await admin.locator('.xd-admin-refund').nth(1).waitFor();
    const rows = await admin.locator('.xd-admin-refund').evaluateAll((els) => els.map((e) => [e.getAttribute('data-out-refund-no'), e.getAttribute('data-status'), e.getAttribute('data-amount-fen')]));
    const fresh = rows.filter(([no]) => no !== started.body.outRefundNo);
    expect(fresh).toEqual([[expect.any(String), expect.stringMatching(/PROCESSING|PENDING|SUCCESS/), '5000']]);
    await failed.locator('.xd-admin-refund-reissued').waitFor();
    expect(await failed.locator('.xd-admin-refund-reissue').count()).toBe(0);
    await toast(admin).waitFor({ state: 'hidden' });
    // From the top: a full-page picture taken scrolled down shows the sticky top bar mid-page.
    await admin.evaluate(() => window.scrollTo(0, 0));
    await stack.screenshot(admin, 'admin-order-reissued', { fullPage: true });
    expect(owner.errors()).toEqual([]);
  });

  it('flags an order whose shopper asked WeChat to hurry the shipping (催发货), in the list and on the order', async () => {
    owner ??= await openConsole(stack);
    const admin = owner.page;
    lastPage = admin;
    const token = await shopperToken(stack.world, 'impatient-shopper');
    const placed = await call<Order>(stack.world.api.url, 'POST', '/api/orders', {
      token,
      body: { items: [{ productId: products.cups.id, quantity: 1 }], address: ADDRESS },
    });
    const pay = await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
    await stack.world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
    const paidOrder = await eventually(async () => {
      const res = await call<Order>(stack.world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token });
      return res.body.status === 'PAID' && res.body;
    });
    // WeChat's trade_manage_remind_shipping push, from the sandbox to this world's API, in safe mode.
    await stack.world.sandbox.control.setPushUrl(`${stack.world.api.url}/api/wechat/push`);
    await stack.world.sandbox.control.remindShipping(paidOrder.transactionId!);

    await stack.open(admin, '/pages/admin/orders');
    const row = admin.locator(`.xd-admin-order[data-id="${placed.body.id}"]`);
    await reloadUntil(admin, `.xd-admin-order[data-id="${placed.body.id}"] .xd-admin-order-reminded`);
    expect(await row.locator('.xd-admin-order-reminded').innerText()).toBe('催发货');
    await row.click();
    await admin.locator('#xd-admin-order-reminded').waitFor();
    expect(await admin.locator('#xd-admin-order-reminded').innerText()).toContain('买家催发货');
    // The console never scrolls sideways at 1280 px, on the new pages too.
    for (const path of ['/pages/admin/after-sales?status=', `/pages/admin/order?id=${placed.body.id}`]) {
      await stack.open(admin, path);
      await admin.locator('.xd-admin-main .xd-admin-card').first().waitFor();
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    }
    expect(owner.errors()).toEqual([]);
  });
});
