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

export const useAdminProductsStore = defineStore('admin-products', () => {
  /** The search typed (name contains, case-insensitive), applied by `load`. */
  const q = ref('');
  /** The category filter ('' for every product), applied by `load`. */
  const categoryId = ref('');
  /** Products as last listed, newest first. */
  const items = ref<Product[]>([]);
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
      const found = await listAdminProducts(filter);
      if (mine !== seq) return;
      // The category is filtered here too, in case a list answers more than asked.
      items.value = filter.categoryId ? found.filter((p) => p.categoryId === filter.categoryId) : found;
      status.value = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      error.value = errorMessage(err);
      status.value = 'error';
    }
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

  return { q, categoryId, items, status, error, audit, load, put, adjustStock, loadAudit };
});
