// The admin console's orders: the filtered, paginated list, order details, and the two actions on an order —
// refunds (owner; one Idempotency-Key per refund form, so a double click or a retry never refunds twice) and
// shipping.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { fenToYuan, type AdminOrderDetail, type AdminOrderRow, type AuditEntry, type OrderStatus, type RefundStarted } from '@xiaodian/shared';
import { correctShipment, getAdminOrder, getOrderTabCounts, listAdminOrders, listAudit, refundOrder, shipOrder, type OrderTab, type OrderTabCounts } from '@/api/admin';
import { listOrderMessages, reissueRefund, type OrderMessage } from '@/api/admin-after-sale';
import { isApiError } from '@/api/request';
import { errorMessage, type LoadStatus } from '@/composables/useLoad';
import { newIdempotencyKey, refundInputOf, shipInputOf, type FormErrors, type RefundForm, type ShipForm } from '@/utils/admin-forms';

export interface OrdersFilter {
  status: OrderStatus | '';
  /** A work tab (待发货 …), or '' for all orders. */
  tab: OrderTab | '';
  /** Exact ids (out_trade_no, transaction_id, openid, out_refund_no, order id), order-number digits, the
   *  recipient's phone or its last 4, part of the recipient's or an item's name. */
  q: string;
  /** Beijing days, YYYY-MM-DD, or ''. */
  from: string;
  to: string;
}

/** A refund form in progress: its fields and the Idempotency-Key that makes resubmitting it the same refund. */
export interface RefundDraft extends RefundForm {
  idempotencyKey: string;
  errors: FormErrors<keyof RefundForm>;
  /** The last failure, as the API (or the network) put it. */
  failure?: string;
  submitting: boolean;
}

export interface ShipDraft extends ShipForm {
  errors: FormErrors<keyof ShipForm>;
  failure?: string;
  submitting: boolean;
}

/**
 * Whether an answer means the refund this key names can never happen, so that the next attempt must be a new
 * refund with a new key: WeChat refused it for good (502 WECHAT_REJECTED: it is CLOSED and its amount is
 * refundable again), or the key already started a refund of another amount (IDEMPOTENCY_KEY_REUSED: that
 * refund exists and is now shown). Any other failure — no answer, a timeout, a 5xx — may have started the
 * refund, so the key is kept and the next submit is the same refund; a 4xx refusal created nothing, so
 * keeping the key is harmless.
 */
export function refundKeyIsSpent(err: unknown): boolean {
  return isApiError(err) && (err.code === 'WECHAT_REJECTED' || err.code === 'IDEMPOTENCY_KEY_REUSED');
}

export const PAGE_SIZE = 20;

export const useAdminOrdersStore = defineStore('admin-orders', () => {
  /** The list's filters, as the form shows them (applied by `search`). */
  const filter = ref<OrdersFilter>({ status: '', tab: '', q: '', from: '', to: '' });
  /** How many orders each tab holds, as last read (undefined until the first answer). */
  const tabCounts = ref<OrderTabCounts>();
  /** The page shown, from 1. */
  const page = ref(1);
  /** The orders of that page, newest first. */
  const items = ref<AdminOrderRow[]>([]);
  /** Orders matching the filters, on all pages. */
  const total = ref(0);
  /** The list's loading state and error message. */
  const listStatus = ref<LoadStatus>('loading');
  const listError = ref('');
  /** Order details by id, as last read. */
  const details = ref<Record<string, AdminOrderDetail>>({});
  /** The console's actions on each order (refunds, shipping …), by order id, newest first. */
  const audits = ref<Record<string, AuditEntry[]>>({});
  /** Refund forms by order id; kept until the refund is confirmed started, so reopening it resends the same key. */
  const refundDrafts = ref<Record<string, RefundDraft>>({});
  /** The refund this console last started on each order, until a new refund form is opened. */
  const startedRefunds = ref<Record<string, RefundStarted>>({});
  /** Ship forms by order id. */
  const shipDrafts = ref<Record<string, ShipDraft>>({});
  /** The subscribe messages of each order (to the shopper and to the shop's bound admins), by order id. */
  const messages = ref<Record<string, OrderMessage[]>>({});
  /** Re-issues in flight and their last failure, by the failed refund's out_refund_no. */
  const reissuing = ref<Record<string, boolean>>({});
  const reissueErrors = ref<Record<string, string>>({});

  let listSeq = 0;

  async function load(): Promise<void> {
    const seq = ++listSeq;
    listStatus.value = 'loading';
    // The tab counts are a hint beside the list: their failure never hides it.
    void loadTabCounts();
    try {
      const f = filter.value;
      const res = await listAdminOrders({
        status: f.status || undefined,
        tab: f.tab || undefined,
        q: f.q.trim() || undefined,
        from: f.from || undefined,
        to: f.to || undefined,
        page: page.value,
        pageSize: PAGE_SIZE,
      });
      if (seq !== listSeq) return; // a newer search answered first
      items.value = res.items;
      total.value = res.total;
      listStatus.value = 'ready';
    } catch (err) {
      if (seq !== listSeq) return;
      listError.value = errorMessage(err);
      listStatus.value = 'error';
    }
  }

  let countsSeq = 0;
  async function loadTabCounts(): Promise<void> {
    const seq = ++countsSeq;
    try {
      const counts = await getOrderTabCounts();
      if (seq === countsSeq) tabCounts.value = counts;
    } catch {
      // Keep the last counts: the list itself reports the connection's trouble.
    }
  }

  /** Applies the filters from the first page. */
  function search(next?: Partial<OrdersFilter>): Promise<void> {
    if (next) filter.value = { ...filter.value, ...next };
    page.value = 1;
    return load();
  }

  function goToPage(n: number): Promise<void> {
    page.value = Math.max(1, Math.min(n, pageCount()));
    return load();
  }

  function pageCount(): number {
    return Math.max(1, Math.ceil(total.value / PAGE_SIZE));
  }

  async function loadDetail(id: string): Promise<AdminOrderDetail> {
    const detail = await getAdminOrder(id);
    details.value = { ...details.value, [id]: detail };
    const i = items.value.findIndex((o) => o.id === id);
    if (i >= 0) items.value = items.value.map((o, j) => (j === i ? detail : o));
    return detail;
  }

  /** `GET /api/admin/audit?orderId=`: what admins did to the order. */
  async function loadAudit(orderId: string): Promise<AuditEntry[]> {
    const res = await listAudit({ orderId, pageSize: 50 });
    audits.value = { ...audits.value, [orderId]: res.items };
    return res.items;
  }

  /** `GET /api/admin/orders/:id/messages`. Rejects on error. */
  async function loadMessages(orderId: string): Promise<OrderMessage[]> {
    const items = await listOrderMessages(orderId);
    messages.value = { ...messages.value, [orderId]: items };
    return items;
  }

  /**
   * `POST /api/admin/refunds/:outRefundNo/reissue` (owner): a CLOSED or ABNORMAL refund again, with a new
   * out_refund_no. The API answers a repeat with the same new refund, and a press while one is in flight is
   * not sent: never two refunds.
   */
  async function reissue(orderId: string, outRefundNo: string): Promise<boolean> {
    if (reissuing.value[outRefundNo]) return false;
    reissuing.value = { ...reissuing.value, [outRefundNo]: true };
    const { [outRefundNo]: _old, ...otherErrors } = reissueErrors.value;
    reissueErrors.value = otherErrors;
    try {
      await reissueRefund(outRefundNo);
      return true;
    } catch (err) {
      reissueErrors.value = { ...reissueErrors.value, [outRefundNo]: errorMessage(err) };
      return false;
    } finally {
      reissuing.value = { ...reissuing.value, [outRefundNo]: false };
      await loadDetail(orderId).catch(() => undefined);
    }
  }

  /** The refund form of an order: the one in progress, or a new one for the full refundable amount. */
  function refundDraft(orderId: string, refundableFen: number): RefundDraft {
    const existing = refundDrafts.value[orderId];
    if (existing) return existing;
    const { [orderId]: _previous, ...others } = startedRefunds.value;
    startedRefunds.value = others;
    refundDrafts.value = {
      ...refundDrafts.value,
      [orderId]: { amountYuan: fenToYuan(refundableFen), reason: '', idempotencyKey: newIdempotencyKey(), errors: {}, submitting: false },
    };
    return refundDrafts.value[orderId]!;
  }

  /** Drops a form nobody submitted (or whose refund is known); a form with an uncertain outcome is kept. */
  function discardRefundDraft(orderId: string): void {
    const draft = refundDrafts.value[orderId];
    if (!draft || draft.submitting || draft.failure) return;
    const { [orderId]: _dropped, ...rest } = refundDrafts.value;
    refundDrafts.value = rest;
  }

  const refundsInFlight = new Map<string, Promise<RefundStarted | undefined>>();

  /**
   * Submits the order's refund form. A second submit while one is in flight gets the same promise (a double
   * click sends one request); a retry after a failure sends the same Idempotency-Key. Resolves with the refund
   * started, or undefined when the form or the API refused it (the draft then says why).
   */
  function submitRefund(orderId: string): Promise<RefundStarted | undefined> {
    const running = refundsInFlight.get(orderId);
    if (running) return running;
    const draft = refundDrafts.value[orderId];
    if (!draft) return Promise.resolve(undefined);
    const detail = details.value[orderId];
    // Without the order read, the API's own limits answer (409 REFUND_EXCEEDS_PAID/ITEMS, shown in Chinese).
    const limits = detail ?? { refundableFen: Number.MAX_SAFE_INTEGER, partialRefundMaxFen: Number.MAX_SAFE_INTEGER };
    const parsed = refundInputOf(draft, limits);
    draft.errors = parsed.errors ?? {};
    if (!parsed.ok) {
      draft.failure = undefined;
      return Promise.resolve(undefined);
    }
    draft.submitting = true;
    draft.failure = undefined;
    const key = draft.idempotencyKey;
    const run = (async () => {
      try {
        const started = await refundOrder(orderId, parsed.value, key);
        const { [orderId]: _done, ...rest } = refundDrafts.value;
        refundDrafts.value = rest;
        startedRefunds.value = { ...startedRefunds.value, [orderId]: started };
        return started;
      } catch (err) {
        const current = refundDrafts.value[orderId];
        if (current) {
          current.failure = errorMessage(err);
          if (refundKeyIsSpent(err)) current.idempotencyKey = newIdempotencyKey();
        }
        return undefined;
      } finally {
        const current = refundDrafts.value[orderId];
        if (current) current.submitting = false;
        refundsInFlight.delete(orderId);
        // Whatever happened, show the order as the API has it now (a refund that did start appears in it).
        await loadDetail(orderId).catch(() => undefined);
      }
    })();
    refundsInFlight.set(orderId, run);
    return run;
  }

  function shipDraft(orderId: string): ShipDraft {
    const existing = shipDrafts.value[orderId];
    if (existing) return existing;
    shipDrafts.value = {
      ...shipDrafts.value,
      [orderId]: { trackingNo: '', expressCompany: '', logisticsType: 1, errors: {}, submitting: false },
    };
    return shipDrafts.value[orderId]!;
  }

  const shipsInFlight = new Map<string, Promise<boolean>>();

  /** Checks the ship form before the confirmation is shown: its errors on the form, and whether it may go. */
  function checkShip(orderId: string): boolean {
    const draft = shipDrafts.value[orderId];
    if (!draft) return false;
    const parsed = shipInputOf(draft);
    draft.errors = parsed.errors ?? {};
    draft.failure = undefined;
    return parsed.ok;
  }

  /** Marks the order shipped (the API answers a repeat of the same parcel with success). */
  function submitShip(orderId: string): Promise<boolean> {
    const running = shipsInFlight.get(orderId);
    if (running) return running;
    const draft = shipDrafts.value[orderId];
    if (!draft) return Promise.resolve(false);
    const parsed = shipInputOf(draft);
    draft.errors = parsed.errors ?? {};
    draft.failure = undefined;
    if (!parsed.ok) return Promise.resolve(false);
    draft.submitting = true;
    const run = (async () => {
      try {
        await shipOrder(orderId, parsed.value);
        const { [orderId]: _done, ...rest } = shipDrafts.value;
        shipDrafts.value = rest;
        return true;
      } catch (err) {
        const current = shipDrafts.value[orderId];
        if (current) current.failure = errorMessage(err);
        return false;
      } finally {
        const current = shipDrafts.value[orderId];
        if (current) current.submitting = false;
        shipsInFlight.delete(orderId);
        await loadDetail(orderId).catch(() => undefined);
      }
    })();
    shipsInFlight.set(orderId, run);
    return run;
  }

  const correctionsInFlight = new Map<string, Promise<string | undefined>>();

  /**
   * Corrects a shipped order's company and tracking number (`PATCH …/shipment`). Resolves with undefined when
   * done, else with why not, in Chinese; a second press while one is in flight gets the same answer.
   */
  function correctTracking(orderId: string, form: { expressCompany: string; trackingNo: string }): Promise<string | undefined> {
    const running = correctionsInFlight.get(orderId);
    if (running) return running;
    const parsed = shipInputOf({ ...form, logisticsType: 1 });
    if (!parsed.ok) return Promise.resolve(parsed.error);
    const { expressCompany, trackingNo } = parsed.value;
    const run = (async () => {
      try {
        await correctShipment(orderId, { expressCompany, trackingNo });
        return undefined;
      } catch (err) {
        return errorMessage(err);
      } finally {
        correctionsInFlight.delete(orderId);
        // Right or wrong, show the numbers the API now has (a CONFLICT means someone else's are there).
        await loadDetail(orderId).catch(() => undefined);
      }
    })();
    correctionsInFlight.set(orderId, run);
    return run;
  }

  return {
    filter,
    tabCounts,
    loadTabCounts,
    page,
    items,
    total,
    listStatus,
    listError,
    details,
    audits,
    refundDrafts,
    startedRefunds,
    shipDrafts,
    messages,
    reissuing,
    reissueErrors,
    loadMessages,
    reissue,
    load,
    search,
    goToPage,
    pageCount,
    loadDetail,
    loadAudit,
    refundDraft,
    discardRefundDraft,
    submitRefund,
    shipDraft,
    checkShip,
    submitShip,
    correctTracking,
  };
});
