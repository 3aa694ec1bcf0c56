// Batch shipping (issue 15): the 待发货 orders to pick from, the pasted or picked lines, their preview with what
// would be refused flagged, and each row's result once applied.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AdminOrder } from '@xiaodian/shared';
import { listAdminOrders, shipBatch } from '@/api/admin';
import { errorMessage, type LoadStatus } from '@/composables/useLoad';
import { readShipRows, type BatchShipResult, type BatchShipRow } from '@/utils/batch-ship';

/** The 待发货 orders read for picking and checking: the API's largest page. */
const CANDIDATES_PAGE = 100;

export const useAdminBatchShipStore = defineStore('admin-batch-ship', () => {
  /** The lines `订单号 快递公司 单号`, as typed, pasted or picked. */
  const text = ref('');
  /** The 待发货 orders (newest first, at most CANDIDATES_PAGE). */
  const candidates = ref<AdminOrder[]>([]);
  const candidatesStatus = ref<LoadStatus>('loading');
  const candidatesError = ref('');
  /** The lines as last previewed; empty until then. */
  const rows = ref<BatchShipRow[]>([]);
  /** The API's answer to the last apply, one per row sent. */
  const results = ref<BatchShipResult[]>([]);
  const sending = ref(false);
  /** Why the last apply got no answer (the network, a 400), in Chinese. */
  const failure = ref('');

  async function start(): Promise<void> {
    text.value = '';
    rows.value = [];
    results.value = [];
    failure.value = '';
    candidatesStatus.value = 'loading';
    try {
      const res = await listAdminOrders({ tab: 'TO_SHIP', page: 1, pageSize: CANDIDATES_PAGE });
      candidates.value = res.items.filter((o) => o.orderNo);
      candidatesStatus.value = 'ready';
    } catch (err) {
      candidatesError.value = errorMessage(err);
      candidatesStatus.value = 'error';
    }
  }

  /** Adds a picked order as a line with the company of the line before (parcels of one batch share a courier). */
  function pick(order: AdminOrder): void {
    if (!order.orderNo) return;
    const lines = text.value.split('\n').filter((l) => l.trim());
    const lastCompany = lines.at(-1)?.trim().split(/[\s,，]+/)[1] ?? '';
    lines.push(`${order.orderNo} ${lastCompany} `.replace(/ +$/, ' '));
    text.value = lines.join('\n');
    rows.value = [];
  }

  function preview(): BatchShipRow[] {
    const shippable = new Set(candidates.value.map((o) => o.orderNo!));
    rows.value = readShipRows(text.value, shippable);
    results.value = [];
    failure.value = '';
    return rows.value;
  }

  /** Sends the previewed rows that have no problem; resolves with whether the API answered. */
  async function apply(): Promise<boolean> {
    const ready = rows.value.filter((r) => !r.problem);
    if (ready.length === 0 || sending.value) return false;
    sending.value = true;
    failure.value = '';
    try {
      const res = await shipBatch(ready.map(({ orderNo, expressCompany, trackingNo }) => ({ orderNo, expressCompany, trackingNo })));
      results.value = res.results;
      return true;
    } catch (err) {
      failure.value = errorMessage(err);
      return false;
    } finally {
      sending.value = false;
    }
  }

  return { text, candidates, candidatesStatus, candidatesError, rows, results, sending, failure, start, pick, preview, apply };
});
