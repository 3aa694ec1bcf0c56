import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Category, Product } from '@xiaodian/shared';
import { getProduct, listCategories, listProducts } from '@/api/products';
import { isApiError } from '@/api/request';

/** Products per page of the home list. */
export const PAGE_SIZE = 20;
/** Product pages read at once when the cart is brought up to date. */
const CART_READS_AT_ONCE = 5;

/** What the home list shows: one category (none = 全部) and/or the names containing a search text. */
export interface ListFilter {
  categoryId?: string;
  q: string;
}

/** The shop's catalog as the shopper sees it (on the shelf only): categories, the paged list, each product's page. */
export const useProductsStore = defineStore('products', () => {
  /** The categories, in the owner's order (`GET /api/categories`). */
  const categories = ref<Category[]>([]);
  /** What the list is filtered by now. */
  const filter = ref<ListFilter>({ q: '' });
  /** The list's products, pages 1…`page` in order. */
  const items = ref<Product[]>([]);
  /** How many products the filter matches (the API's `total`). */
  const total = ref(0);
  /** The last page loaded (0: none yet). */
  const page = ref(0);
  /** A next page is on its way. */
  const loadingMore = ref(false);
  /** Every product seen, by id (list and detail). */
  const byId = ref<Record<string, Product>>({});
  /** Whether the filter matches more than the list holds. */
  const hasMore = computed(() => items.value.length < total.value);
  // Answers for an older filter (the shopper switched tabs meanwhile) are dropped.
  let generation = 0;

  function remember(products: Product[]): void {
    for (const p of products) byId.value[p.id] = p;
  }

  /** `GET /api/categories`, no toast. */
  async function loadCategories(): Promise<Category[]> {
    categories.value = await listCategories(false);
    return categories.value;
  }

  /** The first page of a filter (the current one when none is given), replacing the list; no toast. */
  async function loadFirst(next: ListFilter = filter.value): Promise<Product[]> {
    const mine = ++generation;
    filter.value = { ...next, q: next.q.trim() };
    loadingMore.value = false;
    const res = await listProducts({ ...filter.value, page: 1, pageSize: PAGE_SIZE }, false);
    if (mine !== generation) return items.value;
    remember(res.items);
    items.value = res.items;
    total.value = res.total;
    page.value = 1;
    return items.value;
  }

  /** The next page of the same filter, appended (once at a time, and only while there is more). */
  async function loadMore(): Promise<void> {
    if (loadingMore.value || !hasMore.value || page.value === 0) return;
    const mine = generation;
    loadingMore.value = true;
    try {
      const res = await listProducts({ ...filter.value, page: page.value + 1, pageSize: PAGE_SIZE }, false);
      if (mine !== generation) return;
      remember(res.items);
      // A product added meanwhile shifts the pages: skip what the list already shows.
      const shown = new Set(items.value.map((p) => p.id));
      items.value = [...items.value, ...res.items.filter((p) => !shown.has(p.id))];
      total.value = res.total;
      page.value += 1;
    } finally {
      if (mine === generation) loadingMore.value = false;
    }
  }

  /** `GET /api/products/:id`, no toast. */
  async function load(id: string): Promise<Product> {
    const product = await getProduct(id, false);
    byId.value[product.id] = product;
    return product;
  }

  /**
   * Today's state of the products a cart holds, each read by its id (a few requests at a time: WeChat runs at
   * most 10 at once), so that the cost follows the cart, not the size of the shop. A product the API no longer
   * sells (404: gone or off the shelf) is left out, and the cart shows it sold out.
   */
  async function loadForCart(ids: readonly string[]): Promise<Product[]> {
    const unique = [...new Set(ids)];
    const found: Product[] = [];
    for (let i = 0; i < unique.length; i += CART_READS_AT_ONCE) {
      const batch = await Promise.all(
        unique.slice(i, i + CART_READS_AT_ONCE).map((id) =>
          getProduct(id, false).catch((err: unknown) => {
            if (isApiError(err) && err.status === 404) return undefined;
            throw err;
          }),
        ),
      );
      for (const p of batch) if (p) found.push(p);
    }
    remember(found);
    return found;
  }

  return { categories, filter, items, total, page, loadingMore, hasMore, byId, loadCategories, loadFirst, loadMore, load, loadForCart };
});
