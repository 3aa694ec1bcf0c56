// The shopper's side of issue 5, proven in a browser: the real H5 build in Chromium, against the real API,
// database and WeChat sandbox. Paid means the API says PAID — the cashier's word is never enough.
import type { Page } from 'playwright-core';
import type { Order, Product } from '@xiaodian/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerSubscribe, call, createProducts, eventually, shopperToken, startStack, toast, type Stack } from './support';

let stack: Stack;
let products: { beans: Product; coldBrew: Product; mug: Product; dripper: Product };

const ADDRESS = { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园科苑路 15 号' };

beforeAll(async () => {
  stack = await startStack();
  products = await createProducts(stack.world, {
    beans: { name: '云南小粒咖啡豆', description: '250g 中度烘焙，坚果与焦糖风味', priceFen: 4990, stock: 20 },
    coldBrew: { name: '冷萃咖啡液', description: '6 瓶装，无糖', priceFen: 3600, stock: 20 },
    mug: { name: '限量马克杯', description: '2026 春季限定', priceFen: 5900, stock: 0 },
    dripper: { name: '陶瓷手冲滤杯', description: 'V60 同款锥形，1–2 人份', priceFen: 12900, stock: 5 },
  });
});

afterAll(async () => {
  await stack?.stop();
});

afterEach(async () => {
  await stack.world.sandbox.control.clearFaults();
});

// ---- steps a shopper takes ----

async function openShop(page: Page): Promise<void> {
  await stack.open(page, '/');
  await page.locator('.xd-page-products .xd-product').first().waitFor();
}

async function addFromList(page: Page, product: Product, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.locator(`.xd-product[data-id="${product.id}"] .xd-add-to-cart`).click();
}

async function openCart(page: Page): Promise<void> {
  await stack.open(page, '/pages/cart/index');
  await page.locator('.xd-page-cart').waitFor();
}

/** From the cart: checkout, the H5 address form, submit → the sandbox cashier. Returns the cashier's prepay id. */
async function checkoutToCashier(page: Page, options: { screenshot?: boolean } = {}): Promise<string> {
  await page.click('#xd-go-checkout');
  await page.locator('.xd-page-checkout #xd-submit-order').waitFor();
  for (const [field, value] of Object.entries(ADDRESS)) await page.fill(`#xd-addr-${field} input`, value);
  if (options.screenshot) await stack.screenshot(page, 'checkout');
  await page.click('#xd-submit-order');
  // The shop's subscribe messages (issue 13): refused here, the payment goes on all the same.
  await answerSubscribe(page);
  await page.waitForURL(/\/__sandbox\/cashier\?/);
  await page.locator('button[value=SUCCESS]').waitFor();
  return new URL(page.url()).searchParams.get('prepay_id') ?? '';
}

async function outTradeNoOf(prepayId: string): Promise<string> {
  const trade = (await stack.world.sandbox.control.trades()).find((t) => t.prepay_id === prepayId);
  if (!trade) throw new Error(`no sandbox trade for prepay ${prepayId}`);
  return trade.out_trade_no;
}

/** The shopper's orders as the API has them (what the browser shows must agree). */
async function ordersOf(user: string): Promise<Order[]> {
  const token = await shopperToken(stack.world, user);
  const res = await call<{ items: Order[] }>(stack.world.api.url, 'GET', '/api/orders', { token });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function stockOf(product: Product): Promise<number> {
  const res = await call<Product>(stack.world.api.url, 'GET', `/api/products/${product.id}`);
  return res.body.stock;
}

function resultPanel(page: Page, state: 'paid' | 'not-paid' | 'confirming') {
  return page.locator(`.xd-page-pay-result #xd-pay-${state}`);
}

// ---- the tests ----

describe('the shop window', () => {
  it('lists prices in yuan and a sold-out product that cannot be added; an untouched cart is empty', async () => {
    const page = await stack.newPage({ user: 'window-shopper' });
    await openShop(page);
    await page.locator('.xd-product').nth(3).waitFor();
    expect(await page.locator('.xd-product').count()).toBe(4);

    const price = (p: Product) => page.locator(`.xd-product[data-id="${p.id}"] .xd-product-price`).innerText();
    expect(await price(products.beans)).toBe('¥49.90');
    expect(await price(products.coldBrew)).toBe('¥36.00');
    expect(await price(products.mug)).toBe('¥59.00');
    expect(await price(products.dripper)).toBe('¥129.00');

    const mug = page.locator(`.xd-product[data-id="${products.mug.id}"]`);
    expect(await mug.getAttribute('class')).toContain('is-sold-out');
    expect(await mug.locator('.xd-sold-out').innerText()).toBe('已售罄');
    expect(await page.locator('.xd-product.is-sold-out').count()).toBe(1);
    await stack.screenshot(page, 'products');

    // The product page, from the list.
    await page.locator(`.xd-product[data-id="${products.dripper.id}"] .xd-product-name`).click();
    await page.locator('.xd-page-product .xd-product-name').waitFor();
    expect(await page.locator('.xd-page-product .xd-product-price').innerText()).toBe('¥129.00');
    expect(await page.locator('.xd-page-product .xd-product-name').innerText()).toBe('陶瓷手冲滤杯');
    await stack.screenshot(page, 'product-detail');

    // Tapping the sold-out card's button says so and adds nothing.
    await openShop(page);
    await addFromList(page, products.mug);
    await toast(page).filter({ hasText: '已售罄' }).waitFor();

    await openCart(page);
    await page.locator('.xd-page-cart .xd-state-empty').waitFor();
    expect(await page.locator('.xd-cart-line').count()).toBe(0);
    expect(await page.locator('#xd-go-checkout').count()).toBe(0);
    await stack.screenshot(page, 'cart-empty');

    expect(stack.errors(page)).toEqual([]);
  });
});

describe('paying for an order', () => {
  it('logs in with a sandbox login code, buys two products, pays in the cashier and sees PAID with the address', async () => {
    // No ?user=: the H5 build's default sandbox user, alice.
    const page = await stack.newPage();
    const beansBefore = await stockOf(products.beans);
    await openShop(page);
    await addFromList(page, products.beans, 2);
    await addFromList(page, products.coldBrew);

    await openCart(page);
    await page.locator('.xd-cart-line').nth(1).waitFor();
    expect(await page.locator('.xd-cart-line').count()).toBe(2);
    expect(await page.locator(`.xd-cart-line[data-id="${products.beans.id}"] .xd-qty-value`).innerText()).toBe('2');
    expect(await page.locator('#xd-cart-total').innerText()).toBe('¥135.80');
    await stack.screenshot(page, 'cart');

    const prepayId = await checkoutToCashier(page, { screenshot: true });
    expect(await page.locator('.amount').innerText()).toBe('¥135.80');
    expect(await page.locator('.error').count()).toBe(0); // paySign verified, payable
    await stack.screenshot(page, 'cashier');

    await page.click('button[value=SUCCESS]');
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await resultPanel(page, 'paid').waitFor();
    expect(await resultPanel(page, 'paid').innerText()).toContain('¥135.80');
    await stack.screenshot(page, 'pay-paid');

    // The API agrees, for alice: one PAID order of ¥135.80 to the address typed in, stock taken.
    const [order, ...others] = await ordersOf('alice');
    expect(others).toEqual([]);
    expect(order).toMatchObject({ status: 'PAID', totalFen: 13580, outTradeNo: await outTradeNoOf(prepayId), address: ADDRESS });
    expect(await stockOf(products.beans)).toBe(beansBefore - 2);

    await page.click('#xd-view-order');
    await page.waitForURL(/\/pages\/orders\/detail\?/);
    await page.locator('#xd-order-status[data-status=PAID]').waitFor();
    const address = await page.locator('.xd-page-order .xd-address').innerText();
    for (const part of Object.values(ADDRESS)) expect(address).toContain(part);
    expect(await page.locator('#xd-pay-order').count()).toBe(0);
    await stack.screenshot(page, 'order-detail');

    await stack.open(page, '/pages/orders/index');
    await page.locator(`.xd-order[data-id="${order!.id}"][data-status=PAID]`).waitFor();
    expect(await page.locator('.xd-order').count()).toBe(1);
    await stack.screenshot(page, 'orders');

    expect(stack.errors(page)).toEqual([]);
  });

  it('after a cancel in the cashier shows "not paid", and the order can be paid again', async () => {
    const page = await stack.newPage({ user: 'bob' });
    await openShop(page);
    await addFromList(page, products.dripper);
    await openCart(page);
    await page.locator('.xd-cart-line').first().waitFor();
    await checkoutToCashier(page);

    await page.click('button[value=CANCEL]');
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await resultPanel(page, 'not-paid').waitFor();
    expect(await resultPanel(page, 'not-paid').getAttribute('data-state')).toBe('not_paid');
    await stack.screenshot(page, 'pay-not-paid');
    const [pending] = await ordersOf('bob');
    expect(pending).toMatchObject({ status: 'PENDING_PAYMENT', totalFen: 12900 });

    await page.click('#xd-pay-again');
    await page.waitForURL(/\/__sandbox\/cashier\?/);
    await page.locator('button[value=SUCCESS]').click();
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await resultPanel(page, 'paid').waitFor();

    const orders = await ordersOf('bob');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: pending!.id, status: 'PAID', totalFen: 12900 });
    expect(stack.errors(page)).toEqual([]);
  });

  it('reaches PAID through ?sync=1 polling when WeChat never delivers the notification', async () => {
    const page = await stack.newPage({ user: 'carol' });
    const { control } = stack.world.sandbox;
    await openShop(page);
    await addFromList(page, products.coldBrew);
    await openCart(page);
    await page.locator('.xd-cart-line').first().waitFor();
    const outTradeNo = await outTradeNoOf(await checkoutToCashier(page));

    // The notification for this trade is dropped (every retry), and WeChat's query answers 500 for now, so
    // the result page has nothing to go on and must keep saying "confirming".
    await control.setFault({ kind: 'drop', outTradeNo });
    const queryDown = await control.setFault({ kind: 'http_5xx', outTradeNo, endpoints: ['query'] });

    await page.click('button[value=SUCCESS]');
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await eventually(async () => stack.world.wechatPayCalls(`/out-trade-no/${outTradeNo}`, 'GET') > 0, 10_000);
    await resultPanel(page, 'confirming').waitFor();
    expect((await ordersOf('carol'))[0]?.status).toBe('PENDING_PAYMENT');
    await stack.screenshot(page, 'pay-confirming');

    // WeChat answers again: the next ?sync=1 poll finds the payment.
    await control.removeFault(queryDown.id);
    await resultPanel(page, 'paid').waitFor({ timeout: 30_000 });

    expect(await control.notifications({ outTradeNo, status: 'delivered' })).toEqual([]);
    const [order] = await ordersOf('carol');
    expect(order).toMatchObject({ status: 'PAID', totalFen: 3600, outTradeNo });
    expect(order?.transactionId).toBeTruthy();
    expect(stack.errors(page)).toEqual([]);
  });
});

describe('closed orders and refused orders', () => {
  const place = async (token: string, product: Product) =>
    call<Order>(stack.world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], address: ADDRESS } });

  it('a cancelled order says 已取消 in the list and on its page', async () => {
    const token = await shopperToken(stack.world, 'erin');
    const placed = await place(token, products.coldBrew);
    expect(placed.status).toBe(201);
    expect((await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/cancel`, { token })).status).toBe(200);

    const page = await stack.newPage({ user: 'erin' });
    await stack.open(page, '/pages/orders/index');
    const tag = page.locator(`.xd-order[data-id="${placed.body.id}"] .xd-order-status[data-closed-reason=CANCELLED]`);
    await tag.waitFor();
    expect(await tag.innerText()).toBe('已取消');
    await stack.open(page, `/pages/orders/detail?id=${placed.body.id}`);
    await page.locator('#xd-order-status[data-status=CLOSED][data-closed-reason=CANCELLED]').waitFor();
    expect(await page.locator('#xd-order-status').innerText()).toBe('已取消');
    expect(await page.locator('#xd-order-closed-reason').innerText()).toBe('你已取消这笔订单');
    await stack.screenshot(page, 'order-closed');
    expect(stack.errors(page)).toEqual([]);
  });

  it('too many unpaid orders: the checkout says so in Chinese, from the code, and asks for a mobile or a landline', async () => {
    const token = await shopperToken(stack.world, 'frank');
    for (let i = 0; i < 5; i++) expect((await place(token, products.coldBrew)).status).toBe(201);

    const page = await stack.newPage({ user: 'frank' });
    await openShop(page);
    await addFromList(page, products.beans);
    await openCart(page);
    await page.click('#xd-go-checkout');
    await page.locator('.xd-page-checkout #xd-submit-order').waitFor();
    expect(await page.locator('#xd-addr-phone .uni-input-placeholder').innerText()).toBe('手机号或带区号的座机');
    for (const [field, value] of Object.entries({ ...ADDRESS, phone: '010-12345678' })) await page.fill(`#xd-addr-${field} input`, value);
    await page.click('#xd-submit-order');
    await answerSubscribe(page);
    await toast(page).filter({ hasText: '您有太多待付款订单，请先支付或取消' }).waitFor();
    expect(await page.locator('.xd-checkout-error').innerText()).toBe('您有太多待付款订单，请先支付或取消');
    await stack.screenshot(page, 'checkout-refused');
    const unpaid = await call<{ items: Order[] }>(stack.world.api.url, 'GET', '/api/orders', { token });
    expect(unpaid.body.items.filter((o) => o.status === 'PENDING_PAYMENT')).toHaveLength(5);
    // The page handled the 409; the browser's own line for it is not an error of ours.
    expect(stack.errors(page).filter((e) => !/status of 409/.test(e))).toEqual([]);
  });
});
