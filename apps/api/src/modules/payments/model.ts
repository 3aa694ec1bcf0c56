// Payment attempts (one out_trade_no each) and every notification WeChat sent, with what we made of it.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const paymentAttemptSchema = new Schema({
  orderId: { type: Schema.Types.ObjectId, required: true, index: true },
  outTradeNo: { type: String, required: true, unique: true },
  amountFen: { type: Number, required: true },
  openid: { type: String, required: true },
  description: { type: String, required: true },
  timeExpire: { type: String, required: true },
  /** CREATED → PREPAID → PAID | CLOSED */
  status: { type: String, enum: ['CREATED', 'PREPAID', 'PAID', 'CLOSED'], required: true },
  prepayId: { type: String },
  prepayExpiresAt: { type: Date },
  transactionId: { type: String, sparse: true },
  paidAt: { type: Date },
  /** When the payment-sync job should next ask WeChat about this attempt. */
  nextSyncAt: { type: Date },
  syncCount: { type: Number, default: 0 },
  createdAt: { type: Date, required: true },
});
paymentAttemptSchema.index({ status: 1, nextSyncAt: 1 });

const notificationSchema = new Schema({
  notificationId: { type: String },
  kind: { type: String, enum: ['payment', 'refund'], required: true },
  eventType: { type: String },
  serial: { type: String },
  outTradeNo: { type: String, index: true },
  outRefundNo: { type: String },
  orderId: { type: Schema.Types.ObjectId, index: true },
  /** APPLIED changed something; DUPLICATE changed nothing; REFUSED was answered with a failure; ANOMALY needs a person. */
  outcome: { type: String, enum: ['APPLIED', 'DUPLICATE', 'REFUSED', 'ANOMALY'], required: true },
  reason: { type: String },
  receivedAt: { type: Date, required: true },
});

export function paymentModels(db: Connection) {
  return { PaymentAttempt: db.model('PaymentAttempt', paymentAttemptSchema), Notification: db.model('Notification', notificationSchema) };
}

export type AttemptDoc = InferSchemaType<typeof paymentAttemptSchema> & { _id: Types.ObjectId };
export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
