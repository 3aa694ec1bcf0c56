import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { Address } from '@xiaodian/shared';
import { FakeApi, PRODUCTS, SHIRT } from '../../test/fake-api';
import { fakeUni } from '../../test/fake-uni';
import { createOrder } from '@/api/orders';
import { listProducts } from '@/api/products';
import { confirmPayment } from '@/utils/payment';
import { STORAGE_KEYS } from '@/utils/storage';
import { useAddressStore } from './address';
import { useCartStore } from './cart';
import { useProductsStore } from './products';
import { isLimitRefusal, LIST_PAGE_SIZE, undeliverableProvince, useOrdersStore } from './orders';
import { connectHttpSession, useSessionStore } from './session';

const ADDRESS: Address = {
  name: '张三',
  phone: '13800138000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园 1 号',
};

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi(PRODUCTS);
  fakeUni().responder = api.respond;
  setActivePinia(createPinia());
  connectHttpSession(useSessionStore());
});

async function orderTwoProducts() {
  const [coffee, dripper] = (await listProducts({}, false)).items;
  const cart = useCartStore();
  cart.add(coffee!, coffee!.skus[0]!, 2);
  cart.add(dripper!, dripper!.skus[0]!, 1);
  const orders = useOrdersStore();
  const order = await orders.create({ items: cart.orderItems, address: ADDRESS });
  cart.removeOrdered(order.items);
  return { orders, order, cart };
}

describe('orders store', () => {
  it('quotes the shipping fee from the API, and names the province the shop does not deliver to', async () => {
    api.shipping = { feeFen: 800, freeAboveFen: 20000, undeliverable: ['西藏自治区'] };
    const orders = useOrdersStore();
    const items = [{ productId: PRODUCTS[0]!.id, quantity: 2 }];
    expect(await orders.quote({ items, address: ADDRESS })).toEqual({ itemsFen: 9980, shippingFeeFen: 800, totalFen: 10780 });
    const far = await orders.quote({ items, address: { ...ADDRESS, province: '西藏自治区' } }).catch((err: unknown) => err);
    expect(undeliverableProvince(far)).toBe('西藏自治区');
    expect(undeliverableProvince(new Error('offline'))).toBeUndefined();
    expect(api.orders.size).toBe(0);
  });

  it('creates an order from the cart with the address, with the token, and lists it', async () => {
    const { orders, order, cart } = await orderTwoProducts();
    expect(order).toMatchObject({ status: 'PENDING_PAYMENT', totalFen: 2 * 4990 + 12900, address: ADDRESS });
    const create = fakeUni().requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/orders'))!;
    expect(create.data).toEqual({
      items: [
        { productId: PRODUCTS[0]!.id, skuId: PRODUCTS[0]!.skus[0]!.id, quantity: 2 },
        { productId: PRODUCTS[1]!.id, skuId: PRODUCTS[1]!.skus[0]!.id, quantity: 1 },
      ],
      address: ADDRESS,
    });
    expect(create.header.Authorization).toBe('Bearer token-1');
    expect(cart.lines).toHaveLength(0);

    await orders.loadList();
    expect(orders.list().map((o) => o.id)).toEqual([order.id]);
  });

  it('orders two sizes of one product as two SKUs; the order snapshots their specs and images', async () => {
    const shirt = (await useProductsStore().load(SHIRT.id))!;
    const [redL, blueL] = [shirt.skus[2]!, shirt.skus[5]!];
    const cart = useCartStore();
    cart.add(shirt, redL, 2);
    cart.add(shirt, blueL, 1);
    const order = await useOrdersStore().create({ items: cart.orderItems, address: ADDRESS });
    expect(fakeUni().requests.at(-1)!.data).toMatchObject({
      items: [
        { productId: SHIRT.id, skuId: redL.id, quantity: 2 },
        { productId: SHIRT.id, skuId: blueL.id, quantity: 1 },
      ],
    });
    expect(order.items).toEqual([
      { productId: SHIRT.id, skuId: redL.id, name: '纯棉 T 恤', specs: { 颜色: '红色', 尺寸: 'L' }, priceFen: 4500, quantity: 2, imageUrl: '/api/images/redshirt/thumb' },
      { productId: SHIRT.id, skuId: blueL.id, name: '纯棉 T 恤', specs: { 颜色: '蓝色', 尺寸: 'L' }, priceFen: 5900, quantity: 1, imageUrl: '/api/images/blueshirt/thumb' },
    ]);
    expect(order.totalFen).toBe(2 * 4500 + 5900);
    expect(api.products.get(SHIRT.id)!.skus.map((s) => s.stock)).toEqual([2, 0, 2, 0, 0, 2]);
    cart.removeOrdered(order.items);
    expect(cart.lines).toHaveLength(0);

    // Without a SKU, a product with several is refused.
    await expect(useOrdersStore().create({ items: [{ productId: SHIRT.id, quantity: 1 }], address: ADDRESS })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('pays with exactly the parameters the API signed and signType RSA', async () => {
    const { orders, order } = await orderTwoProducts();
    fakeUni().paymentOutcome = 'success';
    await expect(orders.startPayment(order.id)).resolves.toBe('success');
    expect(fakeUni().payments).toEqual([
      {
        provider: 'wxpay',
        timeStamp: '1700000000',
        nonceStr: `nonce${order.id}`,
        package: `prepay_id=wx${order.id}`,
        signType: 'RSA',
        paySign: `sig-${order.id}==`,
      },
    ]);
  });

  it("reports the cashier's cancel and failure, which the result page then checks with the API", async () => {
    const { orders, order } = await orderTwoProducts();
    fakeUni().paymentOutcome = 'cancel';
    await expect(orders.startPayment(order.id)).resolves.toBe('cancel');
    fakeUni().paymentOutcome = 'fail';
    await expect(orders.startPayment(order.id)).resolves.toBe('fail');

    const view = await confirmPayment({
      client: 'cancel',
      fetchOrder: () => orders.load(order.id, { sync: true }),
      onView: () => undefined,
      sleep: async () => undefined,
    });
    expect(view.kind).toBe('not_paid');
    const poll = fakeUni().requests.at(-1)!;
    expect(poll.url).toBe(`http://127.0.0.1:3000/api/orders/${order.id}?sync=1`);
  });

  it('shows paid only once the API says PAID', async () => {
    const { orders, order } = await orderTwoProducts();
    let polls = 0;
    const view = await confirmPayment({
      client: 'success',
      fetchOrder: async () => {
        if (++polls === 3) api.setStatus(order.id, 'PAID');
        return orders.load(order.id, { sync: true });
      },
      onView: () => undefined,
      sleep: async () => undefined,
    });
    expect(view.kind).toBe('paid');
    expect(polls).toBe(3);
    expect(orders.byId[order.id]!.status).toBe('PAID');
  });

  it('cancels a pending order (stock released by the API) and cannot pay it afterwards', async () => {
    const { orders, order } = await orderTwoProducts();
    expect(api.products.get(PRODUCTS[0]!.id)!.stock).toBe(1);
    await expect(orders.cancel(order.id)).resolves.toMatchObject({ status: 'CLOSED' });
    expect(orders.byId[order.id]!.status).toBe('CLOSED');
    expect(api.products.get(PRODUCTS[0]!.id)!.stock).toBe(3);

    await expect(orders.startPayment(order.id)).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
    expect(fakeUni().payments).toHaveLength(0);
    expect(fakeUni().toasts).toEqual(['订单当前不能支付']);
  });

  it('an order beyond the stock is refused with OUT_OF_STOCK and nothing is kept', async () => {
    const orders = useOrdersStore();
    await expect(
      orders.create({ items: [{ productId: PRODUCTS[0]!.id, quantity: 4 }], address: ADDRESS }),
    ).rejects.toMatchObject({ status: 409, code: 'OUT_OF_STOCK' });
    expect(Object.keys(orders.byId)).toHaveLength(0);
  });

  it('says in Chinese, from the code, why the API refused to place an order', async () => {
    const orders = useOrdersStore();
    const one = { items: [{ productId: PRODUCTS[1]!.id, quantity: 1 }], address: ADDRESS };

    api.maxPendingOrders = 1;
    await orders.create(one);
    const pending = await orders.create(one).catch((e: unknown) => e);
    expect(pending).toMatchObject({ status: 409, code: 'TOO_MANY_PENDING_ORDERS' });
    expect(isLimitRefusal(pending)).toBe(false);

    api.maxPendingOrders = Infinity;
    api.products.get(PRODUCTS[1]!.id)!.maxPerOrder = 2;
    const limited = await orders.create({ ...one, items: [{ productId: PRODUCTS[1]!.id, quantity: 3 }] }).catch((e: unknown) => e);
    expect(isLimitRefusal(limited)).toBe(true);

    api.orderRetryAfter = 30;
    await expect(orders.create(one)).rejects.toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 30 });

    expect(fakeUni().toasts).toEqual([
      '您有太多待付款订单，请先支付或取消',
      '超过了商品的每单限购数量，请减少购买数量',
      '操作太频繁，请 30 秒后再试',
    ]);
    expect(orders.listIds).toHaveLength(1);
  });

  it('pages a tab, skips an order a new one pushed down a page, and ends at the last page', async () => {
    const orders = useOrdersStore();
    api.products.get(PRODUCTS[1]!.id)!.skus[0]!.stock = 100;
    const one = { items: [{ productId: PRODUCTS[1]!.id, quantity: 1 }], address: ADDRESS };
    for (let n = 0; n < LIST_PAGE_SIZE + 1; n++) await orders.create(one);
    await orders.loadList('PENDING_PAYMENT');
    expect(orders.listIds).toHaveLength(LIST_PAGE_SIZE);
    expect(orders.hasMore()).toBe(true);
    // Placed meanwhile on another phone: the newest, on page 1, so page 2 now starts with the last order page 1 showed.
    await createOrder(one, false);
    await orders.loadMore();
    expect(orders.listIds).toHaveLength(LIST_PAGE_SIZE + 1);
    expect(new Set(orders.listIds).size).toBe(LIST_PAGE_SIZE + 1);
    // A short page is the last: no 加载更多 that would only read empty pages (the new order shows on a reload).
    expect(orders.hasMore()).toBe(false);
  });
});

describe('address store', () => {
  it('remembers the last address across launches', () => {
    useAddressStore().remember(ADDRESS);
    setActivePinia(createPinia());
    expect(useAddressStore().last).toEqual(ADDRESS);
  });
  it('ignores a malformed stored address', () => {
    fakeUni().setStorageSync(STORAGE_KEYS.address, JSON.stringify({ name: 'x' }));
    expect(useAddressStore().last).toBeUndefined();
  });
});
