// The shopper's stores after the payment: 确认收货 (API, or WeChat's confirm UI then polling), subscribe
// messages, after-sale requests and photo uploads — through the real wrapper and the mp-weixin platform module
// against the fake WeChat and the in-memory API model.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { FakeApi, PRODUCTS } from '../../test/fake-api';
import { fakeUni } from '../../test/fake-uni';
import { useAfterSalesStore } from './after-sales';
import { shopperTemplateIds, useMessagesStore } from './messages';
import { CONFIRM_POLL_MS, useOrdersStore } from './orders';
import { connectHttpSession, useSessionStore } from './session';

let api: FakeApi;
const wx = globalThis as { wx?: Record<string, unknown> };

beforeEach(() => {
  api = new FakeApi(PRODUCTS);
  fakeUni().responder = api.respond;
  setActivePinia(createPinia());
  connectHttpSession(useSessionStore());
});

afterEach(() => {
  delete wx.wx;
});

/** A shipped order of the shopper's (logged in as user-1). */
async function shippedOrder(extra: Record<string, unknown> = {}) {
  await useSessionStore().ensureLogin();
  const orders = useOrdersStore();
  const placed = await orders.create({ items: [{ productId: PRODUCTS[1]!.id, quantity: 1 }] });
  api.setStatus(placed.id, 'PAID');
  api.ship(placed.id, '顺丰速运', 'SF1');
  Object.assign(api.orders.get(placed.id)!, extra);
  return orders.load(placed.id);
}

const noWait = () => Promise.resolve();

describe('确认收货', () => {
  it('asks the API when the shop does not use WeChat’s trade management', async () => {
    const order = await shippedOrder();
    const done = await useOrdersStore().confirmReceipt(order.id, noWait);
    expect(done.status).toBe('COMPLETED');
    expect(fakeUni().requests.filter((r) => r.method === 'POST').at(-1)!.url).toBe(`http://127.0.0.1:3000/api/orders/${order.id}/confirm-receipt`);
    // Twice: the API's 409 ORDER_STATE, toasted in Chinese.
    await expect(useOrdersStore().confirmReceipt(order.id, noWait)).rejects.toMatchObject({ code: 'ORDER_STATE', message: '订单状态已变化，请刷新后重试' });
    expect(fakeUni().toasts).toEqual(['订单状态已变化，请刷新后重试']);
  });

  it('opens WeChat’s confirm UI, then reads the order until WeChat’s push completed it', async () => {
    const order = await shippedOrder({ transactionId: '4200001', confirmInWechat: true });
    const opened: unknown[] = [];
    wx.wx = {
      openBusinessView: (opts: { success(): void } & Record<string, unknown>) => {
        opened.push({ businessType: opts.businessType, extraData: opts.extraData });
        opts.success();
      },
    };
    let reads = 0;
    const wait = async () => {
      // WeChat's push reaches the API after the third read.
      if (++reads === 3) api.complete(order.id, 'WECHAT');
    };
    const done = await useOrdersStore().confirmReceipt(order.id, wait);
    expect(opened).toEqual([{ businessType: 'weappOrderConfirm', extraData: { transaction_id: '4200001' } }]);
    expect(done.status).toBe('COMPLETED');
    expect(reads).toBe(3);
    expect(fakeUni().requests.some((r) => r.url.endsWith('/confirm-receipt'))).toBe(false);
  });

  it('gives up quietly when WeChat never says so, and reads once after a cancel', async () => {
    const order = await shippedOrder({ transactionId: '4200002', confirmInWechat: true });
    let answer: 'ok' | 'cancel' = 'ok';
    wx.wx = {
      openBusinessView: (opts: { success(): void; fail(e: { errMsg: string }): void }) =>
        answer === 'ok' ? opts.success() : opts.fail({ errMsg: 'openBusinessView:fail cancel' }),
    };
    const before = fakeUni().requests.length;
    const still = await useOrdersStore().confirmReceipt(order.id, noWait);
    expect(still.status).toBe('SHIPPED');
    expect(fakeUni().requests.length - before).toBe(CONFIRM_POLL_MS.length);
    answer = 'cancel';
    const again = fakeUni().requests.length;
    await useOrdersStore().confirmReceipt(order.id, noWait);
    expect(fakeUni().requests.length - again).toBe(1);
  });
});

describe('subscribe messages', () => {
  it('asks for the shopper’s three templates, skipping unset ones, and never rejects', async () => {
    expect(shopperTemplateIds({ paid: 'P', shipped: '', refunded: 'R', ownerOrder: 'O' })).toEqual(['P', 'R']);
    expect(shopperTemplateIds(undefined)).toEqual([]);
    api.templates = { paid: 'P', shipped: 'S', ownerAfterSale: 'A' };
    const messages = useMessagesStore();
    await messages.loadTemplates();
    await expect(messages.askForOrderMessages()).resolves.toEqual(['P', 'S']);
    expect(fakeUni().subscribeAsks).toEqual([{ tmplIds: ['P', 'S'] }]);
    fakeUni().subscribeAnswer = 'reject';
    await expect(messages.askForOrderMessages()).resolves.toEqual([]);
    fakeUni().subscribeAnswer = 'fail';
    await expect(messages.askForOrderMessages()).resolves.toEqual([]);
  });

  it('asks nothing when the templates could not be read', async () => {
    fakeUni().responder = () => 'network-error';
    const messages = useMessagesStore();
    await messages.loadTemplates();
    await expect(messages.askForOrderMessages()).resolves.toEqual([]);
    expect(fakeUni().subscribeAsks).toEqual([]);
  });
});

describe('after-sale requests', () => {
  it('uploads a photo with the shopper’s token, logging in again once after a 401', async () => {
    await useSessionStore().ensureLogin();
    const seen: (string | undefined)[] = [];
    fakeUni().uploader = (path, authorization) => {
      seen.push(authorization);
      const answer = api.upload(path, authorization?.replace(/^Bearer /, ''));
      return answer === 'network-error' ? { status: 502, data: {} } : { status: answer.status, data: answer.data };
    };
    api.revokeTokens();
    const photo = await useAfterSalesStore().uploadOne('wxfile://tmp/a.jpg');
    expect(photo.url).toBe('/api/images/photo1');
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    await expect(useAfterSalesStore().uploadOne('wxfile://tmp/a.gif')).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE', message: '只支持完整的 JPEG、PNG 或 WebP 图片' });
  });

  it('submits a request, reads the order again (its open request), and cancels it', async () => {
    const order = await shippedOrder();
    const afterSales = useAfterSalesStore();
    const created = await afterSales.create(order.id, { type: 'RETURN_REFUND', amountFen: 3990, reason: 'DAMAGED', images: [] });
    expect(useOrdersStore().byId[order.id]!.openAfterSaleId).toBe(created.id);
    await expect(afterSales.create(order.id, { type: 'REFUND_ONLY', amountFen: 100, reason: 'OTHER', images: [] })).rejects.toMatchObject({
      code: 'AFTER_SALE_OPEN',
      message: '这个订单已有进行中的售后申请',
    });
    expect(fakeUni().toasts).toEqual([]);
    expect((await afterSales.loadForOrder(order.id)).map((a) => a.id)).toEqual([created.id]);
    expect((await afterSales.cancel(created.id)).status).toBe('CANCELLED');
    expect(afterSales.ofOrder(order.id)[0]!.status).toBe('CANCELLED');
  });
});
