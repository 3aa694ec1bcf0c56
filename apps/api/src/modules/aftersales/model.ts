// After-sale requests: one document per request, its status moved only by move-after-sale.ts. The order points at
// its one open request (`openAfterSaleId`), which is what makes "one open request per order" atomic.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { AFTER_SALE_REASONS, AFTER_SALE_STATUSES, AFTER_SALE_TYPES } from '@xiaodian/shared';

const afterSaleSchema = new Schema({
  orderId: { type: Schema.Types.ObjectId, required: true },
  /** The shopper who asked: their requests only are theirs to see and act on. */
  userId: { type: Schema.Types.ObjectId, required: true },
  type: { type: String, enum: AFTER_SALE_TYPES, required: true },
  status: { type: String, enum: AFTER_SALE_STATUSES, required: true },
  amountFen: { type: Number, required: true },
  reason: { type: String, enum: AFTER_SALE_REASONS, required: true },
  description: { type: String },
  /** Ids of the shopper's uploaded photos (attached as 'after-sale', so the orphan job keeps them). */
  images: { type: [String], default: [] },
  adminNote: { type: String },
  returnShipment: { type: new Schema({ expressCompany: String, trackingNo: String, at: Date }, { _id: false }) },
  /** The refund now carrying this request's money (a re-issue replaces it). */
  outRefundNo: { type: String },
  /** WeChat's word on that refund when it did not succeed (CLOSED, ABNORMAL): the request waits for a re-issue. */
  refundProblem: { type: String },
  /** The admin who approved or received (the refund's actor, also when a job finishes starting it). */
  decidedBy: { type: String },
  /** Every step, so the shopper sees each with its time. */
  history: { type: [{ _id: false, at: Date, status: String, note: String }], default: [] },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
});
afterSaleSchema.index({ orderId: 1, createdAt: -1 });
// The console's queue (by status, newest first) and its unfiltered list.
afterSaleSchema.index({ status: 1, createdAt: -1 });
afterSaleSchema.index({ createdAt: -1 });

export function afterSaleModels(db: Connection) {
  return { AfterSale: db.model('AfterSale', afterSaleSchema) };
}

export type AfterSaleDoc = InferSchemaType<typeof afterSaleSchema> & { _id: Types.ObjectId };
