import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CreateOrderInput, Product, Sku, SkuSpecs } from '@xiaodian/shared';
import { clampQuantity, maxQuantity, MAX_LINES, type AddOutcome } from '@/utils/cart';
import { readJson, writeJson, STORAGE_KEYS } from '@/utils/storage';

export type { AddOutcome } from '@/utils/cart';

/** One SKU in the cart, with what the catalog last said about it. The same product in two sizes is two lines. */
export interface CartLine {
  productId: string;
  /**
   * The SKU. Absent only on a line stored before products had SKUs, until the catalog is read: then it becomes
   * the product's one SKU, or the line is dropped (with a notice) when the product now has several.
   */
  skuId?: string;
  name: string;
  /** The SKU's values (`{颜色: '红色', 尺寸: 'L'}`), `{}` for a product without specs. */
  specs: SkuSpecs;
  priceFen: number;
  /** The SKU's image, else the product's (a url the API answered; shown as a thumbnail). */
  imageUrl?: string;
  /** The SKU's stock when the catalog was last read; bounds the quantity. 0 = sold out (kept, shown, not ordered). */
  stock: number;
  /** 每单限购: at most this many of the product in one order, its SKUs together. */
  maxPerOrder?: number;
  quantity: number;
}

/** What identifies a line: the product and its SKU. */
export function lineKey(line: { productId: string; skuId?: string }): string {
  return `${line.productId}/${line.skuId ?? ''}`;
}

/** What `syncWithCatalog` had to change. */
export interface CartSync {
  /** Keys of the lines whose quantity had to shrink to the stock. */
  shrunk: string[];
  /** Names of the lines from before SKUs whose product now has several: the shopper must choose again. */
  dropped: string[];
}

function isCount(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

/** The stored lines, as far as they can be read; lines stored before SKUs (no skuId, no specs) are kept. */
function sanitize(raw: unknown): CartLine[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((l): CartLine[] => {
    if (!l || typeof l !== 'object') return [];
    const line = l as Partial<CartLine>;
    if (typeof line.productId !== 'string' || typeof line.name !== 'string') return [];
    if (!isCount(line.priceFen) || !isCount(line.stock) || !Number.isSafeInteger(line.quantity)) return [];
    const specs = line.specs && typeof line.specs === 'object' && !Array.isArray(line.specs) ? line.specs : {};
    return [
      {
        productId: line.productId,
        ...(typeof line.skuId === 'string' ? { skuId: line.skuId } : {}),
        name: line.name,
        specs,
        priceFen: line.priceFen,
        ...(typeof line.imageUrl === 'string' ? { imageUrl: line.imageUrl } : {}),
        stock: line.stock,
        ...(isCount(line.maxPerOrder) && line.maxPerOrder > 0 ? { maxPerOrder: line.maxPerOrder } : {}),
        quantity: clampQuantity(line.quantity!, line.stock) || line.quantity!,
      },
    ];
  });
}

/** The items of `POST /api/orders` for some lines. */
export function itemsOf(lines: readonly CartLine[]): CreateOrderInput['items'] {
  return lines.map((l) => ({
    productId: l.productId,
    ...(l.skuId ? { skuId: l.skuId } : {}),
    quantity: Math.min(l.quantity, maxQuantity(l.stock)),
  }));
}

/** A line for one SKU of a product, as the catalog describes it now. */
function lineOf(product: Product, sku: Sku, quantity: number): CartLine {
  const image = sku.imageUrl ?? product.imageUrl;
  return {
    productId: product.id,
    skuId: sku.id,
    name: product.name,
    specs: sku.specs,
    priceFen: sku.priceFen,
    ...(image ? { imageUrl: image } : {}),
    stock: sku.stock,
    ...(product.maxPerOrder !== undefined ? { maxPerOrder: product.maxPerOrder } : {}),
    quantity,
  };
}

/** The cart: several SKUs, each quantity within its stock and the product's 每单限购, persisted on the device. */
export const useCartStore = defineStore('cart', () => {
  /** The lines, in the order they were added. */
  const lines = ref<CartLine[]>(sanitize(readJson<unknown>(STORAGE_KEYS.cart)));

  /** Lines that can be ordered now (in stock). */
  const orderable = computed<CartLine[]>(() => lines.value.filter((l) => l.stock > 0 && l.quantity > 0));
  /** Number of pieces, for the badge. */
  const count = computed<number>(() => lines.value.reduce((n, l) => n + l.quantity, 0));
  /** Pieces 去结算 orders: counted like the badge (pieces, not lines), less the sold-out lines it leaves out. */
  const orderableCount = computed<number>(() => orderable.value.reduce((n, l) => n + l.quantity, 0));
  /** Sum of the orderable lines, in fen (the API recomputes it; this is for display). */
  const totalFen = computed<number>(() => orderable.value.reduce((sum, l) => sum + l.priceFen * l.quantity, 0));
  /** The body of `POST /api/orders` without the address: each SKU once (a line from before SKUs names none). */
  const orderItems = computed<CreateOrderInput['items']>(() => itemsOf(orderable.value));
  /** 立即购买: one SKU ordered on its own, outside the cart; kept for one checkout only (not persisted). */
  const buyNow = ref<CartLine>();

  function persist(): void {
    writeJson(STORAGE_KEYS.cart, lines.value);
  }

  function find(productId: string, skuId?: string): CartLine | undefined {
    const key = lineKey({ productId, skuId });
    return lines.value.find((l) => lineKey(l) === key);
  }

  /** Pieces of a product in the cart, all its SKUs together (what 每单限购 counts), except `exceptKey`'s line. */
  function productQuantity(productId: string, exceptKey?: string): number {
    return lines.value.filter((l) => l.productId === productId && lineKey(l) !== exceptKey).reduce((n, l) => n + l.quantity, 0);
  }

  /** The most a line may hold: its SKU's stock (and 99), and what 每单限购 leaves beside the product's other lines. */
  function lineMax(line: CartLine): number {
    const byStock = maxQuantity(line.stock);
    if (line.maxPerOrder === undefined) return byStock;
    return Math.max(0, Math.min(byStock, line.maxPerOrder - productQuantity(line.productId, lineKey(line))));
  }

  /** Adds `quantity` of one SKU of a product, never beyond its stock nor the product's 每单限购. */
  function add(product: Product, sku: Sku, quantity = 1): AddOutcome {
    if (maxQuantity(sku.stock) === 0) return { ok: false, reason: 'sold_out' };
    const line = find(product.id, sku.id);
    if (!line && lines.value.length >= MAX_LINES) return { ok: false, reason: 'too_many_lines' };
    const target: CartLine = line ?? lineOf(product, sku, 0);
    const { quantity: _held, ...fields } = lineOf(product, sku, 0);
    Object.assign(target, fields);
    const current = target.quantity;
    const max = lineMax(target);
    if (current >= max) {
      if (line) persist();
      const byLimit = product.maxPerOrder !== undefined && max < maxQuantity(sku.stock);
      return byLimit ? { ok: false, reason: 'order_limit', limit: product.maxPerOrder! } : { ok: false, reason: 'at_limit' };
    }
    const next = Math.min(current + Math.max(1, Math.floor(quantity)), max);
    target.quantity = next;
    if (!line) lines.value.push(target);
    persist();
    const added = next - current;
    return { ok: true, quantity: next, capped: added < quantity };
  }

  /** Sets a line's quantity, brought within [1, its maximum]; returns the quantity kept. */
  function setQuantity(key: string, quantity: number): number {
    const line = lines.value.find((l) => lineKey(l) === key);
    if (!line) return 0;
    const wanted = Number.isFinite(quantity) ? Math.max(Math.floor(quantity), 1) : 1;
    // A decrease is always taken; an increase only up to the line's maximum (never below what it holds).
    line.quantity = wanted <= line.quantity ? wanted : Math.max(line.quantity, Math.min(wanted, lineMax(line)));
    persist();
    return line.quantity;
  }

  function remove(key: string): void {
    lines.value = lines.value.filter((l) => lineKey(l) !== key);
    persist();
  }

  /** Removes what an order now holds (after `POST /api/orders` succeeded): its SKUs. */
  function removeOrdered(items: { productId: string; skuId?: string }[]): void {
    const ordered = new Set(items.map(lineKey));
    const products = new Set(items.map((i) => i.productId));
    // A line from before SKUs was ordered as the product's one SKU.
    lines.value = lines.value.filter((l) => !ordered.has(lineKey(l)) && !(l.skuId === undefined && products.has(l.productId)));
    persist();
  }

  /** Starts a 立即购买 checkout of `quantity` of one SKU (the caller bounds it: stock and 每单限购). */
  function setBuyNow(product: Product, sku: Sku, quantity: number): void {
    buyNow.value = lineOf(product, sku, quantity);
  }

  function clearBuyNow(): void {
    buyNow.value = undefined;
  }

  function clear(): void {
    lines.value = [];
    persist();
  }

  /**
   * Brings the lines up to date with the catalog: names, prices, images, specs and stock of each SKU;
   * quantities cut to the stock. A product or SKU no longer listed counts as sold out. A line from before SKUs
   * becomes its product's one SKU (merged with a line of that SKU), or is dropped when there are several.
   */
  function syncWithCatalog(products: Product[]): CartSync {
    const byId = new Map(products.map((p) => [p.id, p]));
    const result: CartSync = { shrunk: [], dropped: [] };
    const kept: CartLine[] = [];
    for (const line of lines.value) {
      const p = byId.get(line.productId);
      if (!p) {
        line.stock = 0;
        kept.push(line);
        continue;
      }
      if (line.skuId === undefined) {
        if (p.skus.length !== 1) {
          result.dropped.push(line.name);
          continue;
        }
        line.skuId = p.skus[0]!.id;
      }
      const sku = p.skus.find((s) => s.id === line.skuId);
      line.name = p.name;
      if (p.maxPerOrder !== undefined) line.maxPerOrder = p.maxPerOrder;
      else delete line.maxPerOrder;
      if (!sku) {
        line.stock = 0;
        kept.push(line);
        continue;
      }
      line.specs = sku.specs;
      line.priceFen = sku.priceFen;
      line.stock = sku.stock;
      const image = sku.imageUrl ?? p.imageUrl;
      if (image) line.imageUrl = image;
      kept.push(line);
    }
    // A line from before SKUs may now name a SKU the cart also holds: one line per SKU, quantities added.
    const byKey = new Map<string, CartLine>();
    for (const line of kept) {
      const same = byKey.get(lineKey(line));
      if (same) same.quantity += line.quantity;
      else byKey.set(lineKey(line), line);
    }
    lines.value = [...byKey.values()];
    // Cut to the stock only: over 每单限购 (set after the lines were added) the checkout names the product.
    for (const line of lines.value) {
      const max = maxQuantity(line.stock);
      if (max > 0 && line.quantity > max) {
        line.quantity = max;
        result.shrunk.push(lineKey(line));
      }
    }
    persist();
    return result;
  }

  return {
    lines,
    orderable,
    count,
    orderableCount,
    totalFen,
    orderItems,
    buyNow,
    add,
    setBuyNow,
    clearBuyNow,
    setQuantity,
    remove,
    removeOrdered,
    clear,
    syncWithCatalog,
    find,
    lineMax,
    productQuantity,
  };
});
