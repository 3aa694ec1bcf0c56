import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Product } from '@xiaodian/shared';
import { getProduct, listProducts } from '@/api/products';

/** The shop's catalog as the shopper sees it (on the shelf only): the list and each product's page. */
export const useProductsStore = defineStore('products', () => {
  /** Products as `GET /api/products` last listed them. */
  const items = ref<Product[]>([]);
  /** Every product seen, by id (list and detail). */
  const byId = ref<Record<string, Product>>({});

  /** `GET /api/products`, no toast: the page shows the error. */
  async function loadList(): Promise<Product[]> {
    const found = await listProducts(false);
    items.value = found;
    for (const p of found) byId.value[p.id] = p;
    return found;
  }

  /** `GET /api/products/:id`, no toast. */
  async function load(id: string): Promise<Product> {
    const product = await getProduct(id, false);
    byId.value[product.id] = product;
    return product;
  }

  return { items, byId, loadList, load };
});
