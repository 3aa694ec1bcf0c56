// Day-to-day selling (issue 15), in a browser: the owner's shipping template decides the fee at checkout by the
// province typed in (and refuses a province it does not deliver to), the shopper leaves a 买家留言 and pays the
// fee with the items; the owner finds the order by the recipient's phone, whole or its last 4 digits, reads the
// note and the fee on it, ships it in a batch of three (its parcel read from an imported workbook) and exports the
// day, whose .xlsx holds the order's row. The real H5 build in Chromium (the shop and the search at phone size),
// against the real API, database and WeChat sandbox.
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { Order, Product, ShippingTemplate } from '@xiaodian/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  adminToken,
  answerSubscribe,
  call,
  createProducts,
  eventually,
  openConsole,
  shopperToken,
  startStack,
  uploadPictures,
  type ConsolePage,
  type Stack,
} from './support';

const PHONE_SIZE = { width: 390, height: 844 };
const SHOPPER = 'selling-shopper';
/** The shopper's address; the province is changed at checkout. Its phone ends in digits no order number holds. */
const TO = { name: '李四', phone: '13957718866', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号' };
const NOTE = '请周末送货，放门卫处';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let stack: Stack;
let owner: string;
let beans: Product;

beforeAll(async () => {
  stack = await startStack();
  owner = await adminToken(stack.world);
  const [tin] = await uploadPictures(stack.browser, stack.world, [{ shape: 'tin', color: '#8a5a2b', backdrop: '#f6efe6' }]);
  ({ beans } = await createProducts(stack.world, {
    beans: { name: '云南小粒咖啡豆', description: '250g 中度烘焙', priceFen: 4990, stock: 20, images: [tin!] },
  }));
  // The store's default template: by piece, 江浙沪 ¥6, everywhere else ¥12, 新疆 not delivered to.
  const template = await call<ShippingTemplate>(stack.world.api.url, 'POST', '/api/admin/shipping-templates', {
    token: owner,
    body: {
      name: '全国快递',
      isDefault: true,
      mode: 'PIECE',
      rules: [
        { provinces: ['江苏省', '浙江省', '上海市'], firstFen: 600, first: 1 },
        { provinces: [], firstFen: 1200, first: 1 },
      ],
      undeliverable: ['新疆维吾尔自治区'],
    },
  });
  expect(template.status).toBe(201);
  expect(template.body.isDefault).toBe(true);
});

afterAll(async () => {
  await stack?.stop();
});

/** An order of one bag of beans to ADDRESS (not TO's phone), placed and paid through the API as `user`. */
async function paidOrder(user: string): Promise<Order> {
  const token = await shopperToken(stack.world, user);
  const placed = await call<Order>(stack.world.api.url, 'POST', '/api/orders', {
    token,
    body: { items: [{ productId: beans.id, quantity: 1 }], address: ADDRESS },
  });
  expect(placed.status).toBe(201);
  const pay = await call(stack.world.api.url, 'POST', `/api/orders/${placed.body.id}/pay`, { token });
  await stack.world.sandbox.control.pay(String(pay.body.package).replace('prepay_id=', ''), 'SUCCESS');
  let paid = placed.body;
  await eventually(async () => {
    paid = (await call<Order>(stack.world.api.url, 'GET', `/api/orders/${placed.body.id}`, { token })).body;
    return paid.status === 'PAID';
  });
  return paid;
}

/** Types a province into the H5 address form; the fee the quote then answers must become `feeText`. */
async function typeProvince(page: Page, province: string, feeText: string): Promise<void> {
  await page.fill('#xd-addr-province input', province);
  await expect.poll(() => page.locator('#xd-checkout-fee').innerText()).toBe(feeText);
}

describe('a shipping fee by province, a buyer note, and the owner finding the order by phone', () => {
  let order: Order;

  it('shows the product picture with no gap under it', async () => {
    const page = await stack.newPage({ user: SHOPPER });
    await stack.open(page, `/pages/product/detail?id=${beans.id}`);
    const image = page.locator('.xd-page-product .xd-gallery-image');
    await image.waitFor();
    await expect.poll(() => image.evaluate((el) => (el.querySelector('img') as HTMLImageElement | null)?.naturalWidth ?? 0)).toBeGreaterThan(0);
    const gallery = await page.locator('.xd-page-product .xd-gallery').boundingBox();
    const picture = await image.boundingBox();
    // The picture fills the gallery: 750rpx square at 390 px, and no baseline strip below it.
    expect(picture!.width).toBeCloseTo(390, 0);
    expect(picture!.height).toBeCloseTo(390, 0);
    expect(gallery!.height - picture!.height).toBeLessThan(0.5);
    await stack.screenshot(page, 'selling-product');
    expect(stack.errors(page)).toEqual([]);
  });

  it('prices the fee by province at checkout, refuses 新疆, and charges the fee with the note', async () => {
    const page = await stack.newPage({ user: SHOPPER });
    await stack.open(page, '/');
    await page.locator(`.xd-product[data-id="${beans.id}"] .xd-add-to-cart`).click();
    // The tab bar draws its icons (local PNGs, as WeChat's tabBar requires).
    const icons = page.locator('.uni-tabbar .uni-tabbar__icon img');
    await expect.poll(() => icons.count()).toBe(3);
    for (const icon of await icons.all()) {
      expect(await icon.getAttribute('src')).toMatch(/static\/tabbar\/[a-z-]+\.png$/);
      await expect.poll(() => icon.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(81);
    }
    await stack.screenshot(page, 'selling-home');

    await stack.open(page, '/pages/cart/index');
    await page.locator(`.xd-cart-line[data-id="${beans.id}"]`).waitFor();
    await page.click('#xd-go-checkout');
    await page.locator('.xd-page-checkout #xd-submit-order').waitFor();
    for (const [field, value] of Object.entries(TO)) await page.fill(`#xd-addr-${field} input`, value);

    // 江浙沪: ¥6.
    await typeProvince(page, '浙江省', '¥6.00');
    expect(await page.locator('#xd-checkout-items').innerText()).toBe('¥49.90');
    expect(await page.locator('#xd-checkout-total').innerText()).toBe('¥55.90');

    // Anywhere else: ¥12.
    await typeProvince(page, '广东省', '¥12.00');
    expect(await page.locator('#xd-checkout-total').innerText()).toBe('¥61.90');

    // 新疆: not delivered to, and 提交 cannot be pressed.
    await typeProvince(page, '新疆维吾尔自治区', '暂不配送');
    expect(await page.locator('#xd-not-deliverable').innerText()).toContain('该地区暂不配送');
    expect(await page.locator('#xd-submit-order').getAttribute('disabled')).not.toBeNull();
    await stack.screenshot(page, 'selling-checkout-not-deliverable');

    // Back to 浙江: ¥6 again, and a note for the owner.
    await typeProvince(page, '浙江省', '¥6.00');
    expect(await page.locator('#xd-not-deliverable').count()).toBe(0);
    expect(await page.locator('#xd-submit-order').getAttribute('disabled')).toBeNull();
    await page.fill('#xd-order-note textarea', NOTE);
    await expect.poll(() => page.locator('#xd-order-note-count').innerText()).toBe(`${[...NOTE].length}/200`);
    await stack.screenshot(page, 'selling-checkout');

    await page.click('#xd-submit-order');
    await answerSubscribe(page);
    await page.waitForURL(/\/__sandbox\/cashier\?/);
    // The cashier asks for the items and the fee.
    expect(await page.locator('.amount').innerText()).toBe('¥55.90');
    await page.click('button[value=SUCCESS]');
    await page.waitForURL(/\/pages\/pay\/result\?/);
    await page.locator('.xd-page-pay-result #xd-pay-paid').waitFor();

    // The API agrees: PAID, ¥49.90 + ¥6.00, the note, the address typed in.
    const token = await shopperToken(stack.world, SHOPPER);
    const mine = await call<{ items: Order[] }>(stack.world.api.url, 'GET', '/api/orders', { token });
    expect(mine.body.items).toHaveLength(1);
    order = mine.body.items[0]!;
    expect(order).toMatchObject({ status: 'PAID', itemsFen: 4990, shippingFeeFen: 600, totalFen: 5590, buyerNote: NOTE, address: TO });

    await page.click('#xd-view-order');
    await page.locator('#xd-order-status[data-status=PAID]').waitFor();
    expect(await page.locator('#xd-order-fee').innerText()).toBe('¥6.00');
    expect(await page.locator('#xd-order-note').innerText()).toBe(NOTE);
    await stack.screenshot(page, 'selling-order');
    // The one refusal the page handled: the quote for 新疆 (409 NOT_DELIVERABLE), which the browser logs.
    expect(stack.errors(page)).toEqual(['console.error: Failed to load resource: the server responded with a status of 409 (Conflict)']);
  });

  it("lets the owner find the order by the recipient's phone, whole or its last 4 digits, and read the note and fee", async () => {
    // Another paid order, to another phone: the searches must leave it out.
    const other = await paidOrder('selling-other');

    const phone: ConsolePage = await openConsole(stack, { viewport: PHONE_SIZE });
    const { page } = phone;
    await page.click('#xd-admin-nav-orders');
    await page.locator(`.xd-admin-order[data-id="${other.id}"]`).waitFor();
    const rows = page.locator('.xd-admin-order');
    const row = page.locator(`.xd-admin-order[data-id="${order.id}"]`);

    for (const q of [TO.phone, TO.phone.slice(-4)]) {
      // From the whole list (both orders), so that one row left is this search's answer.
      await page.click('#xd-admin-order-reset');
      await expect.poll(() => rows.count()).toBe(2);
      await page.locator('#xd-admin-order-search input').fill(q);
      await page.click('#xd-admin-order-search-submit');
      await expect.poll(() => rows.count()).toBe(1);
      await row.waitFor();
      expect(await row.locator('.xd-admin-order-recipient').innerText()).toBe(TO.name);
      expect(await row.innerText()).toContain(TO.phone);
    }
    await stack.screenshot(page, 'selling-admin-search-phone', { fullPage: true });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, screen: window.innerWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.screen);

    await row.click();
    await page.locator(`.detail[data-id="${order.id}"][data-status="PAID"]`).waitFor();
    expect(await page.locator('#xd-admin-order-note').innerText()).toBe(NOTE);
    expect(await page.locator('#xd-admin-order-fee').innerText()).toBe('¥6.00');
    expect(await page.locator('#xd-admin-order-items-fen').innerText()).toBe('¥49.90');
    expect(await page.locator('#xd-admin-order-paid').innerText()).toBe('¥55.90');
    expect(await page.locator('#xd-admin-order-total').innerText()).toBe('¥55.90');
    await stack.screenshot(page, 'selling-admin-order-phone', { fullPage: true });
    // The same card on a laptop: the amounts under the table, right-aligned.
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.locator('#xd-admin-order-note').scrollIntoViewIfNeeded();
    await stack.screenshot(page, 'selling-admin-order');
    expect(phone.errors()).toEqual([]);
  });

  it("ships the order in a batch of three, one of them read from an imported workbook, and exports the day with the order's row", async () => {
    // Two more paid orders, so that the batch is three parcels; the shopper's order comes in through the workbook.
    const more = [await paidOrder('selling-batch-1'), await paidOrder('selling-batch-2')];
    const parcels = new Map([
      [more[0]!.orderNo!, { expressCompany: '顺丰速运', trackingNo: 'SF7001' }],
      [more[1]!.orderNo!, { expressCompany: '顺丰速运', trackingNo: 'SF7002' }],
      [order.orderNo!, { expressCompany: '中通快递', trackingNo: 'ZT7700112233' }],
    ]);
    const laptop = await openConsole(stack);
    const { page } = laptop;
    await page.click('#xd-admin-nav-orders');
    await page.locator(`.xd-admin-order[data-id="${order.id}"]`).waitFor();
    await page.click('#xd-admin-batch-ship');
    await page.locator(`.xd-admin-batch-pick[data-order-no="${order.orderNo}"]`).waitFor();
    await page
      .locator('#xd-admin-batch-text textarea')
      .fill(more.map((o) => `${o.orderNo} ${parcels.get(o.orderNo!)!.expressCompany} ${parcels.get(o.orderNo!)!.trackingNo}`).join('\n'));
    // A courier's sheet with the third parcel, chosen in the browser's file dialog.
    const sheet = new ExcelJS.Workbook();
    const rows = sheet.addWorksheet('发货');
    rows.addRow(['订单号', '快递公司', '快递单号']);
    rows.addRow([order.orderNo, '中通快递', 'ZT7700112233']);
    const chooser = page.waitForEvent('filechooser');
    await page.click('#xd-admin-batch-import');
    await (await chooser).setFiles({ name: '中通发货.xlsx', mimeType: XLSX, buffer: Buffer.from(await sheet.xlsx.writeBuffer()) });
    await page.locator('#xd-admin-batch-import-note').waitFor();
    expect(await page.locator('#xd-admin-batch-import-note').innerText()).toMatch(/^已从表格读入 1 单/);
    // The preview: the two lines typed and the row imported, none flagged.
    await expect.poll(() => page.locator('.xd-admin-batch-row').count()).toBe(3);
    expect(await page.locator('.xd-admin-batch-row.bad').count()).toBe(0);
    expect(await page.locator(`.xd-admin-batch-row[data-order-no="${order.orderNo}"]`).innerText()).toContain('ZT7700112233');
    await page.click('#xd-admin-batch-apply');
    await expect.poll(() => page.locator('.xd-admin-batch-outcome', { hasText: '已发货' }).count()).toBe(3);
    for (const o of [...more, order]) {
      const detail = await call<Order>(stack.world.api.url, 'GET', `/api/admin/orders/${o.id}`, { token: owner });
      expect(detail.body).toMatchObject({ status: 'SHIPPED', shipping: parcels.get(o.orderNo!) });
    }
    await page.click('.xd-admin-dialog-close');

    // 导出订单 for today, read back: the shopper's order is one row with its items, fee, note, phone and parcel.
    await page.click('.xd-admin-range[data-range="today"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#xd-admin-orders-export')]);
    const exported = new ExcelJS.Workbook();
    await exported.xlsx.read(createReadStream(await download.path()));
    const orders = exported.worksheets[0]!;
    const header = (orders.getRow(1).values as unknown[]).map(String);
    const column = (name: string) => header.indexOf(name);
    const found: ExcelJS.Row[] = [];
    orders.eachRow((row, n) => {
      if (n > 1 && row.getCell(column('订单号')).text === order.orderNo) found.push(row);
    });
    expect(found).toHaveLength(1);
    const cell = (name: string) => found[0]!.getCell(column(name)).value;
    expect(cell('商品')).toBe('云南小粒咖啡豆 ¥49.90×1');
    expect(cell('数量')).toBe(1);
    expect(cell('商品金额(元)')).toBe(49.9);
    expect(cell('运费(元)')).toBe(6);
    expect(cell('实付(元)')).toBe(55.9);
    expect(cell('买家留言')).toBe(NOTE);
    expect(cell('收件人')).toBe(TO.name);
    expect(cell('电话')).toBe(TO.phone);
    expect(cell('状态')).toBe('已发货');
    expect(cell('快递公司')).toBe('中通快递');
    expect(cell('快递单号')).toBe('ZT7700112233');
    // The day holds this file's four orders (its own stack): the shopper's, the other one found by phone, the batch's two.
    expect(orders.rowCount - 1).toBe(4);
    expect(laptop.errors()).toEqual([]);
  });
});
