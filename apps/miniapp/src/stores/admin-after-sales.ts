// The console's after-sale queue: requests by status, the 新售后 count of the navigation, one request with
// its order, and the shop's acts on it (approve, reject with a note, goods received). An act in flight is sent
// once however often its button is pressed; whatever the answer, the request is read again.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AdminOrderDetail } from '@xiaodian/shared';
import { getAdminOrder } from '@/api/admin';
import {
  AFTER_SALES_PAGE_SIZE,
  approveAfterSale,
  countRequestedAfterSales,
  getAfterSale,
  listAfterSales,
  receiveAfterSale,
  rejectAfterSale,
  type AfterSale,
  type AfterSaleStatus,
} from '@/api/admin-after-sale';
import { errorMessage } from '@/composables/useLoad';

export type AfterSaleAct = 'approve' | 'reject' | 'receive';
export type ActResult = { ok: true; afterSale: AfterSale } | { ok: false; error: string };

export const useAdminAfterSalesStore = defineStore('admin-after-sales', () => {
  /** The tab shown: a status, or '' for every request. */
  const status = ref<AfterSaleStatus | ''>('REQUESTED');
  /** The page shown, from 1. */
  const page = ref(1);
  /** The requests of that page, newest first. */
  const items = ref<AfterSale[]>([]);
  /** Requests of the tab on all pages. */
  const total = ref(0);
  /** Requests waiting for the shop (REQUESTED): the navigation's 新售后 count; undefined until known. */
  const requestedCount = ref<number | undefined>();
  /** Requests by id, as last read (the detail page). */
  const details = ref<Record<string, AfterSale>>({});
  /** The orders of the requests, by order id (order numbers of the list, items of the detail). */
  const orders = ref<Record<string, AdminOrderDetail>>({});

  let seq = 0;

  /** `GET /api/admin/after-sales?status=&page=`; an answer overtaken by a newer tab's is dropped. Rejects on error. */
  async function load(): Promise<void> {
    const mine = ++seq;
    const res = await listAfterSales({ status: status.value || undefined, page: page.value });
    if (mine !== seq) return;
    items.value = res.items;
    total.value = res.total;
    if (status.value === 'REQUESTED') requestedCount.value = res.total;
    // Order numbers the list does not carry: from the orders themselves (few: one page).
    void Promise.all(res.items.filter((a) => !a.orderNo && !orders.value[a.orderId]).map((a) => loadOrder(a.orderId).catch(() => undefined)));
  }

  function pick(next: AfterSaleStatus | ''): Promise<void> {
    status.value = next;
    page.value = 1;
    return load();
  }

  function pageCount(): number {
    return Math.max(1, Math.ceil(total.value / AFTER_SALES_PAGE_SIZE));
  }

  function goToPage(n: number): Promise<void> {
    page.value = Math.max(1, Math.min(n, pageCount()));
    return load();
  }

  /** The 新售后 count; a failure keeps the last one (the navigation is no place for an error). */
  async function refreshCount(): Promise<void> {
    try {
      requestedCount.value = await countRequestedAfterSales();
    } catch {
      // kept as it was
    }
  }

  async function loadOrder(orderId: string): Promise<AdminOrderDetail> {
    const order = await getAdminOrder(orderId);
    orders.value = { ...orders.value, [orderId]: order };
    return order;
  }

  /** One request and its order. Rejects when either cannot be read; a request that does not exist → NOT_FOUND. */
  async function loadDetail(id: string): Promise<AfterSale> {
    const found = await getAfterSale(id);
    if (!found) throw new Error('售后申请不存在');
    remember(found);
    await loadOrder(found.orderId);
    return found;
  }

  function remember(a: AfterSale): void {
    details.value = { ...details.value, [a.id]: a };
    items.value = items.value.map((x) => (x.id === a.id ? a : x));
  }

  const inFlight = new Map<string, Promise<ActResult>>();

  /** Approves, rejects (a note is required) or marks the returned goods received; a second press shares the first. */
  function act(id: string, what: AfterSaleAct, note = ''): Promise<ActResult> {
    const running = inFlight.get(id);
    if (running) return running;
    const text = note.trim();
    if (what === 'reject' && !text) return Promise.resolve({ ok: false, error: '请填写拒绝理由（买家可见）' });
    const run = (async (): Promise<ActResult> => {
      try {
        const a =
          what === 'approve' ? await approveAfterSale(id, text || undefined) : what === 'reject' ? await rejectAfterSale(id, text) : await receiveAfterSale(id);
        remember(a);
        return { ok: true, afterSale: a };
      } catch (err) {
        return { ok: false, error: errorMessage(err) };
      } finally {
        inFlight.delete(id);
        // Whatever happened (another admin may have acted first), show the request as the API has it now.
        await loadDetail(id).catch(() => undefined);
        void refreshCount();
      }
    })();
    inFlight.set(id, run);
    return run;
  }

  return { status, page, items, total, requestedCount, details, orders, load, pick, pageCount, goToPage, refreshCount, loadOrder, loadDetail, act };
});
