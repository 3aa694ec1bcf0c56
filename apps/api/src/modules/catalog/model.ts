// The catalog: categories, products and their SKUs. A SKU holds the stock and the reservations unpaid orders
// hold on it; the product keeps a summary of its SKUs (the lowest price) for lists and sorting.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

/**
 * Stock held by unpaid orders, one entry per order: the `$inc` of stock and the entry change in one atomic
 * update, so a reservation is taken, released or committed exactly once whatever crashes in between.
 */
const reservationsField = {
  type: [{ _id: false, orderId: { type: Schema.Types.ObjectId, required: true }, quantity: Number, at: Date }],
  default: [],
};

const categorySchema = new Schema({
  name: { type: String, required: true },
  sort: { type: Number, required: true, default: 0 },
  /**
   * Products filed under it, moved by a guarded `$inc` before a product is written with it (and after one leaves
   * it): a delete is `deleteOne({products: 0})`, so no product can land in a category being deleted. A crash
   * between the count and the product write leaves it too high, never too low.
   */
  products: { type: Number, required: true, default: 0 },
  createdAt: { type: Date, required: true },
});
categorySchema.index({ sort: 1, name: 1 });

const productSchema = new Schema({
  name: { type: String, required: true },
  description: { type: String, default: '' },
  /** The lowest SKU price: a summary of the SKUs, for lists and sorting (the SKU's own price is what sells). */
  priceFen: { type: Number, required: true },
  /**
   * The stock of a product from before SKUs, which migrate-skus.ts moves onto its one SKU. Products since keep
   * stock on their SKUs only: every view sums the SKUs it reads.
   */
  stock: { type: Number, min: 0 },
  /**
   * The summary's ticket: taken before the SKUs are read, and a summary is written only over an older one, so a
   * slow refresh never overwrites a newer one.
   */
  summarySeq: { type: Number, default: 0 },
  summaryTicket: { type: Number, default: 0 },
  /** An image url given before uploads existed (https: or /api/images/…); `images` replaces it. */
  imageUrl: { type: String },
  /** The gallery, in order: uploaded images' ids. */
  images: { type: [String], default: [] },
  categoryId: { type: Schema.Types.ObjectId },
  /** The spec dimensions, in order; empty for a product sold as one SKU. */
  specs: { type: [{ _id: false, name: { type: String, required: true }, values: { type: [String], default: [] } }], default: [] },
  onShelf: { type: Boolean, default: true },
  /** At most this many in one order, its SKUs together (absent: no limit). */
  maxPerOrder: { type: Number, min: 1 },
  /** The shipping template it ships under (absent: the store's default; the freight room owns templates). */
  shippingTemplateId: { type: Schema.Types.ObjectId },
  /** Reservations from before SKUs: moved onto the product's one SKU at start-up (migrate-skus.ts). */
  reservations: reservationsField,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
// The lists sort newest first with the id breaking ties ({createdAt: -1, _id: -1}): the shop's list (on shelf), a
// category's page, and the console's list (every product). The embedded database walks the last one in sort order
// and stops after a page of matches; MongoDB uses the one that starts with the list's equalities.
productSchema.index({ onShelf: 1, createdAt: -1, _id: -1 });
productSchema.index({ categoryId: 1, onShelf: 1, createdAt: -1, _id: -1 });
productSchema.index({ createdAt: -1, _id: -1 });

const skuSchema = new Schema({
  productId: { type: Schema.Types.ObjectId, required: true },
  /** `{颜色: '红', 尺寸: 'M'}`; `{}` (stored as absent) for the one SKU of a product without specs. */
  specs: { type: Schema.Types.Mixed },
  /** Where it stands in the product's matrix (the order of the dimensions' values). */
  position: { type: Number, required: true, default: 0 },
  priceFen: { type: Number, required: true },
  /** Available: on hand minus what unpaid orders hold. */
  stock: { type: Number, required: true, min: 0 },
  /** The SKU's own image (an uploaded image's id). */
  imageId: { type: String },
  /** Grams per unit, for WEIGHT shipping templates (absent: weighs nothing). */
  weightGrams: { type: Number, min: 0 },
  /**
   * A copy of the product's onShelf, so that a reservation refuses a product taken off the shelf in the same atomic
   * update that takes the stock (absent on SKUs from before: on the shelf).
   */
  onShelf: { type: Boolean },
  reservations: reservationsField,
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
skuSchema.index({ productId: 1, position: 1 });
// The reservation sweeper's search for reservations whose order is gone.
skuSchema.index({ 'reservations.at': 1 });

export function catalogModels(db: Connection) {
  return {
    Category: db.model('Category', categorySchema),
    Product: db.model('Product', productSchema),
    Sku: db.model('Sku', skuSchema),
  };
}

export type CategoryDoc = InferSchemaType<typeof categorySchema> & { _id: Types.ObjectId };
export type ProductDoc = InferSchemaType<typeof productSchema> & { _id: Types.ObjectId };
export type SkuDoc = Omit<InferSchemaType<typeof skuSchema>, 'specs'> & { _id: Types.ObjectId; specs?: Record<string, string> | null };
