import type { Category, Product, Sku } from '@xiaodian/shared';
import { imageUrl } from '../images/attach-images';
import type { CategoryDoc, ProductDoc, SkuDoc } from './model';

/** Units unpaid orders hold (the reservation entries of a SKU, or of a product from before SKUs). */
export function reservedOf(doc: { reservations?: { quantity?: number | null }[] | null }): number {
  return (doc.reservations ?? []).reduce((sum, r) => sum + (r.quantity ?? 0), 0);
}

export function toCategory(doc: CategoryDoc): Category {
  return { id: String(doc._id), name: doc.name, sort: doc.sort };
}

/** A SKU as shoppers see it; the console also sees what is reserved and on hand (read it with its reservations). */
export function toSku(doc: SkuDoc, options: { admin?: boolean } = {}): Sku {
  const reserved = options.admin ? reservedOf(doc) : 0;
  return {
    id: String(doc._id),
    specs: doc.specs ?? {},
    priceFen: doc.priceFen,
    stock: doc.stock,
    ...(doc.imageId ? { imageUrl: imageUrl(doc.imageId, 'medium') } : {}),
    ...(doc.weightGrams != null ? { weightGrams: doc.weightGrams } : {}),
    ...(options.admin ? { reservedStock: reserved, onHandStock: doc.stock + reserved } : {}),
  };
}

/** The thumbnail an order item keeps: the SKU's image, else the product's first (or its url from before uploads). */
export function itemImageOf(product: Pick<ProductDoc, 'images' | 'imageUrl'>, sku: Pick<SkuDoc, 'imageId'>): string | undefined {
  const id = sku.imageId ?? product.images?.[0];
  return id ? imageUrl(id, 'thumb') : (product.imageUrl ?? undefined);
}

/**
 * `stock` is what can still be ordered. `skus` are the product's, in matrix order; an admin view (which also
 * shows what is reserved and on hand) must read them with their reservations.
 */
export function toProduct(doc: ProductDoc, skus: SkuDoc[], options: { admin?: boolean } = {}): Product {
  const views = skus.map((s) => toSku(s, options));
  const images = doc.images ?? [];
  const first = images[0];
  // The price summary on the product is for lists; the SKUs read here are fresher when both are at hand. Stock
  // lives on the SKUs only (a product without SKUs is one from before them, not yet migrated).
  const priceFen = views.length > 0 ? Math.min(...views.map((s) => s.priceFen)) : doc.priceFen;
  const stock = views.length > 0 ? views.reduce((sum, s) => sum + s.stock, 0) : (doc.stock ?? 0);
  const reserved = views.reduce((sum, s) => sum + (s.reservedStock ?? 0), 0);
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    priceFen,
    stock,
    ...(first ? { imageUrl: imageUrl(first, 'medium') } : doc.imageUrl ? { imageUrl: doc.imageUrl } : {}),
    images: images.map((id) => imageUrl(id)),
    ...(doc.categoryId ? { categoryId: String(doc.categoryId) } : {}),
    specs: (doc.specs ?? []).map((d) => ({ name: d.name, values: [...d.values] })),
    skus: views,
    ...(doc.maxPerOrder ? { maxPerOrder: doc.maxPerOrder } : {}),
    ...(options.admin && doc.shippingTemplateId ? { shippingTemplateId: String(doc.shippingTemplateId) } : {}),
    ...(options.admin ? { onShelf: doc.onShelf ?? true, reservedStock: reserved, onHandStock: stock + reserved } : {}),
  };
}
