import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CreateOrderInput, OrderGroup, OrderQuote, QuoteOrderInput } from '@xiaodian/shared';
import * as ordersApi from '@/api/orders';
import type { ShopperOrder } from '@/api/orders';
import { isApiError } from '@/api/request';
import { platform, type ClientPayResult } from '@/platform';

/** After WeChat's confirm UI: read the order after these pauses (≈ 30 s) until WeChat's push completed it. */
export const CONFIRM_POLL_MS = [500, 1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000];

/** Orders per page of the orders tabs (more come with 加载更多 / reaching the bottom). */
export const LIST_PAGE_SIZE = 20;

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
  /** Ids of the orders of the tab on show, newest first, as `GET /api/orders?group=` paged them. */
  const listIds = ref<string[]>([]);
  /** The tab listIds hold (undefined: every order). */
  const listGroup = ref<OrderGroup | undefined>();
  /** How many orders the tab has, as the API last counted them. */
  const listTotal = ref(0);
  /** The last page read into listIds (0: none). */
  const listPage = ref(0);
  /** Only the newest list read counts: a tab's late answer must not replace the tab picked after it. */
  let listSeq = 0;
  /** Every order seen, by id (list, detail, result page). */
  const byId = ref<Record<string, ShopperOrder>>({});

  function upsert(order: ShopperOrder): ShopperOrder {
    byId.value[order.id] = order;
    return order;
  }

  function list(): ShopperOrder[] {
    return listIds.value.map((id) => byId.value[id]).filter((o): o is ShopperOrder => o !== undefined);
  }

  /** The first page of a tab's orders (`group` undefined: every order), replacing the list. */
  async function loadList(group?: OrderGroup): Promise<ShopperOrder[]> {
    const seq = ++listSeq;
    const res = await ordersApi.listOrders({ group, page: 1, pageSize: LIST_PAGE_SIZE }, false);
    res.items.forEach(upsert);
    if (seq !== listSeq) return res.items;
    listGroup.value = group;
    listIds.value = res.items.map((o) => o.id);
    listTotal.value = res.total;
    listPage.value = 1;
    return res.items;
  }

  /** Whether the tab has orders not read yet. */
  function hasMore(): boolean {
    return listPage.value > 0 && listIds.value.length < listTotal.value;
  }

  /** The next page of the tab on show, added below (an order that moved up a page is not listed twice). */
  async function loadMore(): Promise<void> {
    if (!hasMore()) return;
    const seq = listSeq;
    const page = listPage.value + 1;
    const res = await ordersApi.listOrders({ group: listGroup.value, page, pageSize: LIST_PAGE_SIZE }, false);
    res.items.forEach(upsert);
    if (seq !== listSeq || page !== listPage.value + 1) return;
    const known = new Set(listIds.value);
    listIds.value = [...listIds.value, ...res.items.filter((o) => !known.has(o.id)).map((o) => o.id)];
    // A short page is the last: orders placed meanwhile sit above the list (shown on a reload), so the count the API
    // gives now would only offer 加载更多 for empty pages.
    listTotal.value = res.items.length < LIST_PAGE_SIZE ? listIds.value.length : res.total;
    listPage.value = page;
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

  return { listIds, listGroup, listTotal, byId, list, loadList, hasMore, loadMore, load, create, quote, cancel, startPayment, confirmReceipt, upsert };
});
