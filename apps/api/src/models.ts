// The collections, bound to one mongoose connection (not the global default) so that tests can run two
// API instances against one database, as two servers behind a load balancer would.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { ORDER_STATUSES } from '@xiaodian/shared';
import { reconciliationModels } from './modules/reconciliation/model';
import { shippingModels } from './modules/shipping/model';
import { accessTokenModels } from './modules/wechat/access-token';

const userSchema = new Schema({
  openid: { type: String, required: true, unique: true },
  // WeChat's session_key stays on the server: never selected unless asked for, never serialised.
  sessionKey: { type: String, select: false },
  createdAt: { type: Date, required: true },
  lastLoginAt: { type: Date, required: true },
});

const adminSchema = new Schema({
  username: { type: String, required: true, unique: true },
  passwordHash: { type: String, required: true },
  role: { type: String, enum: ['owner', 'staff'], required: true },
  createdAt: { type: Date, required: true },
  failedLogins: { type: Number, default: 0 },
  lockedUntil: { type: Date },
  /** Sessions carry the version they were issued under; logging out increments it, ending them on every instance. */
  tokenVersion: { type: Number, default: 0 },
  createdBy: { type: String },
});

const productSchema = new Schema({
  name: { type: String, required: true },
  description: { type: String, default: '' },
  priceFen: { type: Number, required: true },
  stock: { type: Number, required: true, min: 0 },
  imageUrl: { type: String },
  onShelf: { type: Boolean, default: true },
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

const addressSchema = new Schema(
  {
    name: String,
    phone: String,
    province: String,
    city: String,
    district: String,
    detail: String,
    postalCode: String,
  },
  { _id: false },
);

const orderSchema = new Schema({
  userId: { type: Schema.Types.ObjectId, required: true, index: true },
  openid: { type: String, required: true },
  items: [
    {
      _id: false,
      productId: { type: Schema.Types.ObjectId, required: true },
      name: String,
      priceFen: Number,
      quantity: Number,
    },
  ],
  totalFen: { type: Number, required: true },
  address: { type: addressSchema },
  status: { type: String, enum: ORDER_STATUSES, required: true, index: true },
  /**
   * RESERVING while stock is being taken (a crash here is cleaned up by the sweeper), PLACED once every item
   * is reserved. Orders still RESERVING are invisible to shoppers.
   */
  stage: { type: String, enum: ['RESERVING', 'PLACED'], required: true },
  /** Set once stock went back to the shelf (closed orders) or became a sale (paid orders). */
  stockSettled: { type: String, enum: ['RELEASED', 'COMMITTED'] },
  attemptSeq: { type: Number, default: 0 },
  /** The current payment attempt's out_trade_no. */
  outTradeNo: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  paidAt: { type: Date },
  transactionId: { type: String },
  paidFen: { type: Number, default: 0 },
  refundedFen: { type: Number, default: 0 },
  /** Amount of refunds started and not yet failed: what may still be refunded is paidFen - refundCommittedFen. */
  refundCommittedFen: { type: Number, default: 0 },
  /** Refunds sent and not yet settled; the order stays REFUNDING until this is back to 0. */
  refundsInFlight: { type: Number, default: 0 },
  /** Where a REFUNDING order returns to after a partial refund. */
  statusBeforeRefund: { type: String, enum: ORDER_STATUSES },
  /**
   * The out_refund_no of every admin refund whose amount is reserved in refundCommittedFen: pushed by the same
   * atomic update that reserves it, so one refund number can never reserve twice.
   */
  refundNos: { type: [String], default: [] },
  closedReason: { type: String },
  /** A claim by one instance on closing this order (expiry/cancel), so two instances never close it twice. */
  closingUntil: { type: Date },
  shipping: {
    type: new Schema(
      {
        trackingNo: String,
        expressCompany: String,
        shippedAt: Date,
        logisticsType: Number,
        upload: { status: String, attempts: Number, lastError: String, nextAttemptAt: Date, at: Date },
      },
      { _id: false },
    ),
  },
  events: [{ _id: false, at: Date, status: String, note: String }],
});
orderSchema.index({ status: 1, expiresAt: 1 });
orderSchema.index({ stage: 1, createdAt: 1 });
orderSchema.index({ userId: 1, createdAt: -1 });
// The shipping-upload job's queue.
orderSchema.index({ 'shipping.upload.status': 1, 'shipping.upload.nextAttemptAt': 1 });
// The admin console: newest first, searched by transaction id or openid, sales grouped by day paid.
orderSchema.index({ createdAt: -1 });
orderSchema.index({ transactionId: 1 }, { sparse: true });
orderSchema.index({ openid: 1, createdAt: -1 });
orderSchema.index({ paidAt: 1 });

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

const anomalySchema = new Schema({
  kind: {
    type: String,
    enum: ['AMOUNT_MISMATCH', 'PAID_AFTER_CLOSE', 'DOUBLE_PAYMENT', 'UNKNOWN_TRADE', 'IDENTITY_MISMATCH', 'REFUND_ABNORMAL'],
    required: true,
  },
  /** One anomaly per trade and kind, however often WeChat tells us. */
  key: { type: String, required: true, unique: true },
  orderId: { type: Schema.Types.ObjectId, index: true },
  outTradeNo: { type: String },
  transactionId: { type: String },
  amountFen: { type: Number },
  detail: { type: String, required: true },
  /** OPEN needs an admin; AUTO_REFUND is being refunded by the refund job; RESOLVED is done. */
  status: { type: String, enum: ['OPEN', 'AUTO_REFUND', 'RESOLVED'], required: true },
  resolution: { type: String },
  resolvedBy: { type: String },
  resolvedAt: { type: Date },
  createdAt: { type: Date, required: true },
});

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
});
refundSchema.index({ status: 1, nextSyncAt: 1 });
refundSchema.index({ status: 1, settledAt: 1 });

/** Who changed what in the shop, for the owner: stock adjustments carry before → after and a reason. */
const auditLogSchema = new Schema({
  at: { type: Date, required: true },
  actor: { type: String, required: true },
  action: { type: String, required: true },
  productId: { type: Schema.Types.ObjectId, index: true },
  orderId: { type: Schema.Types.ObjectId },
  detail: { type: String, required: true },
  stockBefore: { type: Number },
  stockAfter: { type: Number },
});

/** Short database leases: one instance at a time for a named piece of work (a job tick, a token refresh). */
const leaseSchema = new Schema({
  _id: { type: String },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
});

/** Per-key throttles shared by every instance (e.g. "?sync=1 at most once per 2 s per order"). */
const throttleSchema = new Schema({
  _id: { type: String },
  until: { type: Date, required: true },
});

export function defineModels(db: Connection) {
  return {
    User: db.model('User', userSchema),
    Admin: db.model('Admin', adminSchema),
    Product: db.model('Product', productSchema),
    Order: db.model('Order', orderSchema),
    PaymentAttempt: db.model('PaymentAttempt', paymentAttemptSchema),
    Notification: db.model('Notification', notificationSchema),
    Anomaly: db.model('Anomaly', anomalySchema),
    Refund: db.model('Refund', refundSchema),
    AuditLog: db.model('AuditLog', auditLogSchema),
    Lease: db.model('Lease', leaseSchema),
    Throttle: db.model('Throttle', throttleSchema),
    ...reconciliationModels(db),
    ...shippingModels(db),
    ...accessTokenModels(db),
  };
}

export type Models = ReturnType<typeof defineModels>;
export type OrderDoc = InferSchemaType<typeof orderSchema> & { _id: Types.ObjectId };
export type ProductDoc = InferSchemaType<typeof productSchema> & { _id: Types.ObjectId };
export type AttemptDoc = InferSchemaType<typeof paymentAttemptSchema> & { _id: Types.ObjectId };
export type RefundDoc = InferSchemaType<typeof refundSchema> & { _id: Types.ObjectId };
export type AdminDoc = InferSchemaType<typeof adminSchema> & { _id: Types.ObjectId };
export type AnomalyDoc = InferSchemaType<typeof anomalySchema> & { _id: Types.ObjectId };
export type NotificationDoc = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
export type AuditLogDoc = InferSchemaType<typeof auditLogSchema> & { _id: Types.ObjectId };
