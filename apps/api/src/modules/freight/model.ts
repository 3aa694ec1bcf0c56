// Shipping templates (运费模板) and which one is the store's default.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { SHIPPING_MODES } from '@xiaodian/shared';

const shippingRuleSchema = new Schema(
  {
    /** Empty: everywhere the other rules do not name. */
    provinces: { type: [String], default: [] },
    firstFen: { type: Number, required: true, min: 0 },
    /** PIECE: pieces; WEIGHT: grams. */
    first: { type: Number },
    nextFen: { type: Number, min: 0 },
    next: { type: Number },
  },
  { _id: false },
);

const shippingTemplateSchema = new Schema({
  name: { type: String, required: true },
  mode: { type: String, required: true, enum: SHIPPING_MODES },
  rules: { type: [shippingRuleSchema], default: [] },
  freeAboveFen: { type: Number, min: 0 },
  undeliverable: { type: [String], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});

/**
 * The store's default template, as one field of one document (`_id: 'default'`) rather than a flag on each
 * template: making a template the default is a single write of that field, so two admins doing it at once leave
 * the last one's choice, and two defaults can never both stand.
 */
const shippingDefaultSchema = new Schema({
  _id: { type: String, required: true },
  templateId: { type: Schema.Types.ObjectId },
});

export function freightModels(db: Connection) {
  return {
    ShippingTemplate: db.model('ShippingTemplate', shippingTemplateSchema),
    ShippingDefault: db.model('ShippingDefault', shippingDefaultSchema),
  };
}

export type ShippingTemplateDoc = InferSchemaType<typeof shippingTemplateSchema> & { _id: Types.ObjectId };
