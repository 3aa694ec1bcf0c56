// Refunds: one record per out_refund_no, written before WeChat is asked, so a retry can never refund twice.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const refundSchema = new Schema({
  outRefundNo: { type: String, required: true, unique: true },
  orderId: { type: Schema.Types.ObjectId, index: true },
  outTradeNo: { type: String, required: true },
  transactionId: { type: String },
  amountFen: { type: Number, required: true },
  totalFen: { type: Number, required: true },
  reason: { type: String, required: true },
  /** Whether this refund gives back an order's money (false: money WeChat took for a closed or doubly paid order). */
  affectsOrder: { type: Boolean, required: true },
  /** PENDING: not yet accepted by WeChat; then WeChat's own states. */
  status: { type: String, enum: ['PENDING', 'PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'], required: true },
  refundId: { type: String },
  requestedBy: { type: String },
  nextSyncAt: { type: Date },
  syncCount: { type: Number, default: 0 },
  lastError: { type: String },
  /**
   * Admin refunds only: set once the order's money is reserved for this refund. Before that the record is a
   * draft the refund job never sends (it has no nextSyncAt either).
   */
  reservedAt: { type: Date },
  createdAt: { type: Date, required: true },
  settledAt: { type: Date },
  /**
   * Set with the refund's end (SUCCESS or CLOSED) and unset once the order counted it: a crash in between leaves
   * it for the refund job to finish (apply-refund.ts `finishRefundEnd`).
   */
  countPending: { type: Boolean },
  /** The after-sale request this refund pays out (its room follows the refund through 'refund.changed'). */
  afterSaleId: { type: Schema.Types.ObjectId },
  /** A re-issue: the out_refund_no of the failed refund (CLOSED, or ABNORMAL then CLOSED at WeChat) it replaces. */
  reissueOf: { type: String },
  /** Set on a failed refund once it was issued again: the new out_refund_no (there is only ever one). */
  reissuedAs: { type: String },
});
refundSchema.index({ status: 1, nextSyncAt: 1 });
refundSchema.index({ status: 1, settledAt: 1 });
refundSchema.index({ afterSaleId: 1 }, { sparse: true });
refundSchema.index({ countPending: 1 }, { sparse: true });

export function refundModels(db: Connection) {
  return { Refund: db.model('Refund', refundSchema) };
}

export type RefundDoc = InferSchemaType<typeof refundSchema> & { _id: Types.ObjectId };
