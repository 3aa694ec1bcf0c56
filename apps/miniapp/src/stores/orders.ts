import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CreateOrderInput, Order } from '@xiaodian/shared';
import * as ordersApi from '@/api/orders';
import { isApiError } from '@/api/request';
import { platform, type ClientPayResult } from '@/platform';

/** The API refused an order over the catalog (sold out, or off the shelf): the cart must catch up with it. */
export function isStockRefusal(err: unknown): boolean {
  return isApiError(err) && (err.code === 'OUT_OF_STOCK' || err.code === 'PRODUCT_UNAVAILABLE');
}

/** The API refused an order over a product's 每单限购 (`maxPerOrder`). */
export function isLimitRefusal(err: unknown): boolean {
  return isApiError(err) && err.code === 'LIMIT_PER_ORDER_EXCEEDED';
}

/** The shopper's orders as the API last reported them. The API is the only authority on their status. */
export const useOrdersStore = defineStore('orders', () => {
  /** Ids of the shopper's orders, newest first, as `GET /api/orders` last listed them. */
  const listIds = ref<string[]>([]);
  /** Every order seen, by id (list, detail, result page). */
  const byId = ref<Record<string, Order>>({});

  function upsert(order: Order): Order {
    byId.value[order.id] = order;
    return order;
  }

  function list(): Order[] {
    return listIds.value.map((id) => byId.value[id]).filter((o): o is Order => o !== undefined);
  }

  async function loadList(): Promise<Order[]> {
    const items = await ordersApi.listOrders(false);
    items.forEach(upsert);
    listIds.value = items.map((o) => o.id);
    return items;
  }

  /** `GET /api/orders/:id` (`sync` asks the API to check WeChat first). */
  async function load(id: string, opts: { sync?: boolean; toast?: boolean } = {}): Promise<Order> {
    return upsert(await ordersApi.getOrder(id, { sync: opts.sync, toast: opts.toast ?? false }));
  }

  async function create(input: CreateOrderInput): Promise<Order> {
    const order = upsert(await ordersApi.createOrder(input));
    listIds.value = [order.id, ...listIds.value.filter((id) => id !== order.id)];
    return order;
  }

  async function cancel(id: string): Promise<Order> {
    return upsert(await ordersApi.cancelOrder(id));
  }

  /**
   * Asks the API for payment parameters and opens the cashier. What the cashier answers is only a hint for
   * the result page, which asks the API. (On H5 the browser leaves for the sandbox cashier.)
   */
  async function startPayment(id: string): Promise<ClientPayResult> {
    const params = await ordersApi.payOrder(id);
    return platform.pay(id, params);
  }

  return { listIds, byId, list, loadList, load, create, cancel, startPayment, upsert };
});
