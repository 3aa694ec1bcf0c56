// The catalog: products, their stock and the reservations unpaid orders hold on it.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const productSchema = new Schema({
  name: { type: String, required: true },
  description: { type: String, default: '' },
  priceFen: { type: Number, required: true },
  stock: { type: Number, required: true, min: 0 },
  imageUrl: { type: String },
  onShelf: { type: Boolean, default: true },
  /** At most this many in one order (absent: no limit). */
  maxPerOrder: { type: Number, min: 1 },
  /**
   * Stock held by unpaid orders, one entry per order: the `$inc` of stock and the entry change in one atomic
   * update, so a reservation is taken, released or committed exactly once whatever crashes in between.
   */
  reservations: {
    type: [{ _id: false, orderId: { type: Schema.Types.ObjectId, required: true }, quantity: Number, at: Date }],
    default: [],
  },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});

// The reservation sweeper's search for reservations whose order is gone.
productSchema.index({ 'reservations.at': 1 });

export function catalogModels(db: Connection) {
  return { Product: db.model('Product', productSchema) };
}

export type ProductDoc = InferSchemaType<typeof productSchema> & { _id: Types.ObjectId };
