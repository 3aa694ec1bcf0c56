import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CreateOrderInput, Product } from '@xiaodian/shared';
import { clampQuantity, maxQuantity, MAX_LINES } from '@/utils/cart';
import { readJson, writeJson, STORAGE_KEYS } from '@/utils/storage';

/** One product in the cart, with what the catalog last said about it. */
export interface CartLine {
  productId: string;
  name: string;
  priceFen: number;
  imageUrl?: string;
  /** Stock when the catalog was last read; bounds the quantity. 0 = sold out (kept, shown, not ordered). */
  stock: number;
  quantity: number;
}

export type AddOutcome =
  /** Added as asked. */
  | { ok: true; quantity: number; capped: false }
  /** Added, but fewer than asked: the stock (or the per-line limit) is reached. */
  | { ok: true; quantity: number; capped: true }
  | { ok: false; reason: 'sold_out' | 'too_many_lines' | 'at_limit' };

function sanitize(raw: unknown): CartLine[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((l): CartLine[] => {
    if (!l || typeof l !== 'object') return [];
    const line = l as Partial<CartLine>;
    if (typeof line.productId !== 'string' || typeof line.name !== 'string') return [];
    if (!Number.isSafeInteger(line.priceFen) || !Number.isSafeInteger(line.stock) || !Number.isSafeInteger(line.quantity)) return [];
    return [{ ...(line as CartLine), quantity: clampQuantity(line.quantity!, line.stock!) || line.quantity! }];
  });
}

/** The cart: several products, each quantity within its stock, persisted on the device. */
export const useCartStore = defineStore('cart', () => {
  /** The lines, in the order they were added. */
  const lines = ref<CartLine[]>(sanitize(readJson<unknown>(STORAGE_KEYS.cart)));

  /** Lines that can be ordered now (in stock). */
  const orderable = computed<CartLine[]>(() => lines.value.filter((l) => l.stock > 0 && l.quantity > 0));
  /** Number of pieces, for the badge. */
  const count = computed<number>(() => lines.value.reduce((n, l) => n + l.quantity, 0));
  /** Sum of the orderable lines, in fen (the API recomputes it; this is for display). */
  const totalFen = computed<number>(() => orderable.value.reduce((sum, l) => sum + l.priceFen * l.quantity, 0));
  /** The body of `POST /api/orders` without the address. */
  const orderItems = computed<CreateOrderInput['items']>(() =>
    orderable.value.map((l) => ({ productId: l.productId, quantity: Math.min(l.quantity, maxQuantity(l.stock)) })),
  );

  function persist(): void {
    writeJson(STORAGE_KEYS.cart, lines.value);
  }

  function find(productId: string): CartLine | undefined {
    return lines.value.find((l) => l.productId === productId);
  }

  /** Adds `quantity` of a product, never beyond its stock. */
  function add(product: Product, quantity = 1): AddOutcome {
    const max = maxQuantity(product.stock);
    if (max === 0) return { ok: false, reason: 'sold_out' };
    const line = find(product.id);
    if (!line && lines.value.length >= MAX_LINES) return { ok: false, reason: 'too_many_lines' };
    const current = line?.quantity ?? 0;
    if (current >= max) {
      if (line) {
        line.stock = product.stock;
        persist();
      }
      return { ok: false, reason: 'at_limit' };
    }
    const next = Math.min(current + Math.max(1, Math.floor(quantity)), max);
    const fields = { name: product.name, priceFen: product.priceFen, stock: product.stock };
    if (line) Object.assign(line, fields, { quantity: next });
    else
      lines.value.push({
        productId: product.id,
        ...fields,
        ...(product.imageUrl ? { imageUrl: product.imageUrl } : {}),
        quantity: next,
      });
    persist();
    const added = next - current;
    return added < quantity ? { ok: true, quantity: next, capped: true } : { ok: true, quantity: next, capped: false };
  }

  /** Sets a line's quantity, brought within [1, stock]; returns the quantity kept. */
  function setQuantity(productId: string, quantity: number): number {
    const line = find(productId);
    if (!line) return 0;
    line.quantity = clampQuantity(quantity, line.stock) || line.quantity;
    persist();
    return line.quantity;
  }

  function remove(productId: string): void {
    lines.value = lines.value.filter((l) => l.productId !== productId);
    persist();
  }

  /** Removes what an order now holds (after `POST /api/orders` succeeded). */
  function removeOrdered(items: { productId: string }[]): void {
    const ordered = new Set(items.map((i) => i.productId));
    lines.value = lines.value.filter((l) => !ordered.has(l.productId));
    persist();
  }

  function clear(): void {
    lines.value = [];
    persist();
  }

  /**
   * Brings the lines up to date with the catalog: names, prices and stock; quantities cut to the stock.
   * A product no longer listed counts as sold out. Returns the ids whose quantity had to shrink.
   */
  function syncWithCatalog(products: Product[]): string[] {
    const byId = new Map(products.map((p) => [p.id, p]));
    const shrunk: string[] = [];
    for (const line of lines.value) {
      const p = byId.get(line.productId);
      if (!p) {
        line.stock = 0;
        continue;
      }
      line.name = p.name;
      line.priceFen = p.priceFen;
      line.stock = p.stock;
      if (p.imageUrl) line.imageUrl = p.imageUrl;
      const max = maxQuantity(p.stock);
      if (max > 0 && line.quantity > max) {
        line.quantity = max;
        shrunk.push(line.productId);
      }
    }
    persist();
    return shrunk;
  }

  return { lines, orderable, count, totalFen, orderItems, add, setQuantity, remove, removeOrdered, clear, syncWithCatalog, find };
});
