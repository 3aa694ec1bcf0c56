// Batch shipping (issue 15): the 待发货 orders to pick from (a page at a time), the pasted, picked or imported
// lines, their preview with what would be refused flagged, and each row's result once applied.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AdminOrderRow } from '@xiaodian/shared';
import { importShipRows, listAdminOrders, shipBatch } from '@/api/admin';
import { isApiError } from '@/api/request';
import { errorMessage, type LoadStatus } from '@/composables/useLoad';
import { importErrorText, importedLines, importSummary, NOT_TO_SHIP, readShipRows, type BatchShipResult, type BatchShipRow } from '@/utils/batch-ship';

/** The 待发货 orders read per page for picking and checking: the API's largest page. */
const CANDIDATES_PAGE = 100;
/** Pages read at most to check a preview's order numbers (1,000 待发货 orders is more than a small shop has). */
const MAX_CANDIDATE_PAGES = 10;

export const useAdminBatchShipStore = defineStore('admin-batch-ship', () => {
  /** The lines `订单号 快递公司 单号`, as typed, pasted, picked or imported. */
  const text = ref('');
  /** The 待发货 orders read so far (newest first), a page of CANDIDATES_PAGE at a time. */
  const candidates = ref<AdminOrderRow[]>([]);
  /** How many 待发货 orders there are, as the last page read said. */
  const candidatesTotal = ref(0);
  /** The last page of candidates read (0: none yet). */
  const candidatesPage = ref(0);
  const candidatesStatus = ref<LoadStatus>('loading');
  const candidatesError = ref('');
  /** A further page of candidates is being read (加载更多, or checking a preview). */
  const loadingMore = ref(false);
  /** The lines as last previewed; empty until then. */
  const rows = ref<BatchShipRow[]>([]);
  /** The API's answer to the last apply, one per row sent. */
  const results = ref<BatchShipResult[]>([]);
  const sending = ref(false);
  /** Why the last apply got no answer (the network, a 400), in Chinese. */
  const failure = ref('');
  /** An .xlsx is being read by the API. */
  const importing = ref(false);
  /** What the last import read (and which sheet lines it left out), in Chinese. */
  const importNote = ref('');
  /** Why the last import read nothing, in Chinese. */
  const importError = ref('');

  const hasMoreCandidates = computed(() => candidatesPage.value > 0 && candidates.value.length < candidatesTotal.value);

  async function start(): Promise<void> {
    text.value = '';
    rows.value = [];
    results.value = [];
    failure.value = '';
    importNote.value = '';
    importError.value = '';
    candidates.value = [];
    candidatesTotal.value = 0;
    candidatesPage.value = 0;
    candidatesStatus.value = 'loading';
    try {
      await readCandidates(1);
      candidatesStatus.value = 'ready';
    } catch (err) {
      candidatesError.value = errorMessage(err);
      candidatesStatus.value = 'error';
    }
  }

  /** Reads one page of 待发货 orders and adds those not read yet (a page may shift when orders come and go). */
  async function readCandidates(page: number): Promise<void> {
    const res = await listAdminOrders({ tab: 'TO_SHIP', page, pageSize: CANDIDATES_PAGE });
    const known = new Set(candidates.value.map((o) => o.id));
    candidates.value = [...candidates.value, ...res.items.filter((o) => o.orderNo && !known.has(o.id))];
    candidatesTotal.value = res.total;
    candidatesPage.value = page;
  }

  /** 加载更多: the next page of 待发货 orders to pick from. */
  async function loadMore(): Promise<void> {
    if (!hasMoreCandidates.value || loadingMore.value) return;
    loadingMore.value = true;
    candidatesError.value = '';
    try {
      await readCandidates(candidatesPage.value + 1);
    } catch (err) {
      candidatesError.value = errorMessage(err);
    } finally {
      loadingMore.value = false;
    }
  }

  /** Adds a picked order as a line with the company of the line before (parcels of one batch share a courier). */
  function pick(order: AdminOrderRow): void {
    if (!order.orderNo) return;
    const lines = text.value.split('\n').filter((l) => l.trim());
    const lastCompany = lines.at(-1)?.trim().split(/[\s,，]+/)[1] ?? '';
    lines.push(`${order.orderNo} ${lastCompany} `.replace(/ +$/, ' '));
    text.value = lines.join('\n');
    rows.value = [];
  }

  /**
   * Reads the lines and flags what would be refused. An order number not among the 待发货 orders read so far
   * may be on a page not read yet: those pages are read first (up to MAX_CANDIDATE_PAGES), so an imported sheet
   * of older orders is judged on every 待发货 order, not only the newest page.
   */
  async function preview(): Promise<BatchShipRow[]> {
    const read = () => readShipRows(text.value, new Set(candidates.value.map((o) => o.orderNo!)));
    let next = read();
    results.value = [];
    failure.value = '';
    if (next.some((r) => r.problem === NOT_TO_SHIP) && hasMoreCandidates.value) {
      loadingMore.value = true;
      try {
        while (hasMoreCandidates.value && candidatesPage.value < MAX_CANDIDATE_PAGES) await readCandidates(candidatesPage.value + 1);
        next = read();
      } catch (err) {
        failure.value = `没能读取全部待发货订单：${errorMessage(err)}`;
      } finally {
        loadingMore.value = false;
      }
    }
    rows.value = next;
    return next;
  }

  /**
   * 导入 Excel: the API reads the sheet (nothing changes); its parcels join the lines as pasted ones, and the
   * preview runs. Resolves with whether the sheet was read.
   */
  async function importFile(filePath: string): Promise<boolean> {
    if (importing.value) return false;
    importing.value = true;
    importNote.value = '';
    importError.value = '';
    try {
      const res = await importShipRows(filePath);
      text.value = [...text.value.split('\n').filter((l) => l.trim()), ...importedLines(res.rows)].join('\n');
      importNote.value = importSummary(res.rows.length, res.problems.map((p) => p.line));
      await preview();
      return true;
    } catch (err) {
      importError.value = isApiError(err) ? importErrorText(err) : errorMessage(err);
      return false;
    } finally {
      importing.value = false;
    }
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
      // Shipped orders are no longer 待发货: a later preview (more lines, an imported sheet) must flag them.
      const shipped = new Set(res.results.filter((r) => r.ok).map((r) => r.orderNo));
      candidates.value = candidates.value.filter((o) => !shipped.has(o.orderNo!));
      candidatesTotal.value = Math.max(0, candidatesTotal.value - shipped.size);
      return true;
    } catch (err) {
      failure.value = errorMessage(err);
      return false;
    } finally {
      sending.value = false;
    }
  }

  return {
    text,
    candidates,
    candidatesTotal,
    candidatesStatus,
    candidatesError,
    loadingMore,
    hasMoreCandidates,
    rows,
    results,
    sending,
    failure,
    importing,
    importNote,
    importError,
    start,
    loadMore,
    pick,
    preview,
    importFile,
    apply,
  };
});
