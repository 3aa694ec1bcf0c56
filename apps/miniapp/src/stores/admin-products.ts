// The admin console's products: every product (on the shelf or not) with search and a category filter, stock
// adjustments of a product without specs with a reason, and each product's audit log. Creating and editing a
// product is the editor's (admin-product-editor.ts), which puts what it saved back into this list.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditEntry, Product } from '@xiaodian/shared';
import { listAdminProducts, listAudit, updateProduct } from '@/api/admin';
import { isApiError } from '@/api/request';
import { errorMessage, type LoadStatus } from '@/composables/useLoad';
import { parseStockChange, type FormErrors } from '@/utils/admin-forms';
import { stockFiguresOf } from '@/utils/admin-view';

export type SaveResult<K extends string> = { ok: true; product: Product } | { ok: false; error: string; errors?: FormErrors<K> };

function belowReserved(reserved: number): string {
  return `未支付订单已预留 ${reserved} 件，现货不能少于 ${reserved}`;
}

/** Products per page of the console's list. */
export const PRODUCTS_PAGE_SIZE = 50;
const PAGE_SIZE = PRODUCTS_PAGE_SIZE;

export const useAdminProductsStore = defineStore('admin-products', () => {
  /** The search typed (name contains, case-insensitive), applied by `load`. */
  const q = ref('');
  /** The category filter ('' for every product), applied by `load`. */
  const categoryId = ref('');
  /** The page shown, from 1. */
  const page = ref(1);
  /** The products of that page as last listed, newest first. */
  const items = ref<Product[]>([]);
  /** Products matching the filters, on all pages. */
  const total = ref(0);
  const status = ref<LoadStatus>('loading');
  const error = ref('');
  /** Audit entries by product id, newest first. */
  const audit = ref<Record<string, AuditEntry[]>>({});

  let seq = 0;

  async function load(): Promise<void> {
    const mine = ++seq;
    status.value = 'loading';
    try {
      const filter = { q: q.value.trim() || undefined, categoryId: categoryId.value || undefined };
      const found = await listAdminProducts({ ...filter, page: page.value, pageSize: PAGE_SIZE });
      if (mine !== seq) return;
      // The category is filtered here too, in case a list answers more than asked.
      items.value = filter.categoryId ? found.items.filter((p) => p.categoryId === filter.categoryId) : found.items;
      total.value = found.total;
      status.value = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      error.value = errorMessage(err);
      status.value = 'error';
    }
  }

  /** Applies the filters (search, category) from the first page. */
  async function search(): Promise<void> {
    page.value = 1;
    await load();
  }

  async function goToPage(n: number): Promise<void> {
    page.value = Math.max(1, Math.min(n, pageCount()));
    await load();
  }

  function pageCount(): number {
    return Math.max(1, Math.ceil(total.value / PAGE_SIZE));
  }

  /** A product as the API answered a change: replaces the listed one, or comes first. */
  function put(product: Product): void {
    const i = items.value.findIndex((p) => p.id === product.id);
    items.value = i >= 0 ? items.value.map((p, j) => (j === i ? product : p)) : [product, ...items.value];
  }

  /**
   * Sets the ON-HAND stock (what a count finds on the shelf, reserved units included) from a typed change
   * ("+20", "-3" or "17") with a reason; the API keeps available = on hand − reserved and writes who, when and
   * before → after to the audit log. Below what unpaid orders hold is refused here, and by the API (409
   * STOCK_BELOW_RESERVED) when more got reserved meanwhile: the list is then read again for the new figures.
   */
  async function adjustStock(product: Product, change: string, reason: string): Promise<SaveResult<'change' | 'reason'>> {
    const errors: FormErrors<'change' | 'reason'> = {};
    const { onHand, reserved } = stockFiguresOf(product);
    const parsed = parseStockChange(change, onHand);
    if (!parsed.ok) errors.change = parsed.error;
    else if (parsed.value.stock < reserved) errors.change = belowReserved(reserved);
    const why = reason.trim();
    if (!why) errors.reason = '请填写调整原因（写入操作记录）';
    else if (why.length > 200) errors.reason = '原因最多 200 个字';
    if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, error: Object.values(errors)[0]!, errors };
    try {
      const saved = await updateProduct(product.id, { stock: parsed.value.stock, stockReason: why });
      put(saved);
      await loadAudit(product.id).catch(() => undefined);
      return { ok: true, product: saved };
    } catch (err) {
      if (isApiError(err) && err.code === 'STOCK_BELOW_RESERVED') {
        await load();
        const now = items.value.find((p) => p.id === product.id);
        const message = now ? belowReserved(stockFiguresOf(now).reserved) : errorMessage(err);
        return { ok: false, error: message, errors: { change: message } };
      }
      return { ok: false, error: errorMessage(err) };
    }
  }

  async function loadAudit(productId: string): Promise<AuditEntry[]> {
    const res = await listAudit({ productId, pageSize: 50 });
    audit.value = { ...audit.value, [productId]: res.items };
    return res.items;
  }

  return { q, categoryId, page, items, total, status, error, audit, load, search, goToPage, pageCount, put, adjustStock, loadAudit };
});
