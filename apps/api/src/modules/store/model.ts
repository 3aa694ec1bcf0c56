// The store's own details, edited by the owner in the console: one document (`_id: 'store'`).
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Only what the owner has set is stored; a field never set reads as its default (store-info.ts), so a changed
 * default (AFTER_SALE_DAYS) reaches every store that never wrote its own policy.
 */
const storeSettingsSchema = new Schema({
  _id: { type: String, required: true },
  name: { type: String },
  servicePhone: { type: String },
  afterSalePolicy: { type: String },
  updatedAt: { type: Date },
  updatedBy: { type: String },
});

export function storeModels(db: Connection) {
  return { StoreSettings: db.model('StoreSettings', storeSettingsSchema) };
}

export type StoreSettingsDoc = InferSchemaType<typeof storeSettingsSchema>;
