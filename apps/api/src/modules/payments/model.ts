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

/** How long notifications (and the daily refusal counts) are kept. */
export const NOTIFICATION_RETENTION_DAYS = 180;

const notificationSchema = new Schema({
  notificationId: { type: String },
  kind: { type: String, enum: ['payment', 'refund'], required: true },
  eventType: { type: String },
  serial: { type: String },
  outTradeNo: { type: String, index: true },
  outRefundNo: { type: String },
  orderId: { type: Schema.Types.ObjectId, index: true },
  /**
   * APPLIED changed something; DUPLICATE changed nothing (already applied); IGNORED is an event or trade_state this
   * shop does not act on; REFUSED was answered with a failure; ANOMALY needs a person.
   */
  outcome: { type: String, enum: ['APPLIED', 'DUPLICATE', 'IGNORED', 'REFUSED', 'ANOMALY'], required: true },
  reason: { type: String },
  /** Kept NOTIFICATION_RETENTION_DAYS (TTL): long enough for an admin to look into any recent order. */
  receivedAt: { type: Date, required: true, expires: NOTIFICATION_RETENTION_DAYS * 24 * 3600 },
});

/**
 * Unauthenticated notification refusals (no valid signature), counted per kind and UTC day instead of stored
 * one by one: `_id` "payment:2026-05-20", `total`, and `reasons` by refusal reason. Expires like notifications.
 */
const notificationRefusalsSchema = new Schema({
  _id: { type: String },
  kind: { type: String, enum: ['payment', 'refund'], required: true },
  day: { type: Date, required: true, expires: NOTIFICATION_RETENTION_DAYS * 24 * 3600 },
  total: { type: Number, required: true, default: 0 },
  reasons: { type: Map, of: Number, default: {} },
  lastAt: { type: Date },
});

export function paymentModels(db: Connection) {
  return {
    PaymentAttempt: db.model('PaymentAttempt', paymentAttemptSchema),
    Notification: db.model('Notification', notificationSchema),
    NotificationRefusals: db.model('NotificationRefusals', notificationRefusalsSchema),
  };
}

export type AttemptDoc = InferSchemaType<typeof paymentAttemptSchema> & { _id: Types.ObjectId };
export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
