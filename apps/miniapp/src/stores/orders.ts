import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CreateOrderInput, OrderQuote, QuoteOrderInput } from '@xiaodian/shared';
import * as ordersApi from '@/api/orders';
import type { ShopperOrder } from '@/api/orders';
import { isApiError } from '@/api/request';
import { platform, type ClientPayResult } from '@/platform';

/** After WeChat's confirm UI: read the order after these pauses (≈ 30 s) until WeChat's push completed it. */
export const CONFIRM_POLL_MS = [500, 1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The API refused an order over the catalog (sold out, or off the shelf): the cart must catch up with it. */
export function isStockRefusal(err: unknown): boolean {
  return isApiError(err) && (err.code === 'OUT_OF_STOCK' || err.code === 'PRODUCT_UNAVAILABLE');
}

/** The API refused an order over a product's 每单限购 (`maxPerOrder`). */
export function isLimitRefusal(err: unknown): boolean {
  return isApiError(err) && err.code === 'LIMIT_PER_ORDER_EXCEEDED';
}

/** The API does not deliver to the address's province (`details.province`, or undefined for another error). */
export function undeliverableProvince(err: unknown): string | undefined {
  if (!isApiError(err) || err.code !== 'NOT_DELIVERABLE') return undefined;
  const province = err.details?.province;
  return typeof province === 'string' ? province : '';
}

/** The shopper's orders as the API last reported them. The API is the only authority on their status. */
export const useOrdersStore = defineStore('orders', () => {
  /** Ids of the shopper's orders, newest first, as `GET /api/orders` last listed them. */
  const listIds = ref<string[]>([]);
  /** Every order seen, by id (list, detail, result page). */
  const byId = ref<Record<string, ShopperOrder>>({});

  function upsert(order: ShopperOrder): ShopperOrder {
    byId.value[order.id] = order;
    return order;
  }

  function list(): ShopperOrder[] {
    return listIds.value.map((id) => byId.value[id]).filter((o): o is ShopperOrder => o !== undefined);
  }

  async function loadList(): Promise<ShopperOrder[]> {
    const items = await ordersApi.listOrders(false);
    items.forEach(upsert);
    listIds.value = items.map((o) => o.id);
    return items;
  }

  /** `GET /api/orders/:id` (`sync` asks the API to check WeChat first). */
  async function load(id: string, opts: { sync?: boolean; toast?: boolean } = {}): Promise<ShopperOrder> {
    return upsert(await ordersApi.getOrder(id, { sync: opts.sync, toast: opts.toast ?? false }));
  }

  async function create(input: CreateOrderInput): Promise<ShopperOrder> {
    const order = upsert(await ordersApi.createOrder(input));
    listIds.value = [order.id, ...listIds.value.filter((id) => id !== order.id)];
    return order;
  }

  /** What the order would cost (items, the shop's shipping fee, total): the fee is always the API's. */
  function quote(input: QuoteOrderInput): Promise<OrderQuote> {
    return ordersApi.quoteOrder(input);
  }

  async function cancel(id: string): Promise<ShopperOrder> {
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

  /**
   * 确认收货 of a SHIPPED order. Where the shop uses WeChat's trade management (`confirmInWechat`), WeChat's own
   * confirm UI opens: its answer is only a hint, and the order is read again until the API says COMPLETED
   * (learnt from WeChat's push), or left as it is after a while, quietly. Otherwise the API confirms it.
   */
  async function confirmReceipt(id: string, wait: (ms: number) => Promise<void> = sleep): Promise<ShopperOrder> {
    const order = byId.value[id];
    if (order?.confirmInWechat && order.transactionId && platform.openConfirmReceipt) {
      const hint = await platform.openConfirmReceipt(order.transactionId);
      const delays = hint === 'confirmed' ? CONFIRM_POLL_MS : [0];
      let latest: ShopperOrder = order;
      for (const ms of delays) {
        await wait(ms);
        try {
          latest = await load(id);
        } catch {
          // A network blip while polling: the next read (or the page's refresh) tells.
          continue;
        }
        if (latest.status !== 'SHIPPED') break;
      }
      return latest;
    }
    return upsert(await ordersApi.confirmReceipt(id));
  }

  return { listIds, byId, list, loadList, load, create, quote, cancel, startPayment, confirmReceipt, upsert };
});
