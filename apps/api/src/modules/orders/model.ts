// Orders: what the shopper bought, where it goes, and every state it went through.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { ORDER_STATUSES } from '@xiaodian/shared';

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
      /** The SKU whose stock the item reserves; absent on orders from before SKUs (their SKU has the product's id). */
      skuId: { type: Schema.Types.ObjectId },
      name: String,
      /** The SKU's choice at ordering, `{颜色: '红'}` (absent: a product without specs). */
      specs: { type: Schema.Types.Mixed },
      priceFen: Number,
      quantity: Number,
      /** The thumbnail at ordering. */
      imageUrl: String,
    },
  ],
  /** What the shopper pays: itemsFen + shippingFeeFen. */
  totalFen: { type: Number, required: true },
  /** Snapshots taken when the order is placed (absent on older orders: their total is all items, no fee). */
  itemsFen: { type: Number },
  shippingFeeFen: { type: Number },
  /** 买家留言: the shopper's note to the store. */
  buyerNote: { type: String },
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
  /**
   * The out_refund_no of every refund whose end (success or failure) the order has counted, pushed by the update
   * that counts it: a refund's end is counted once however often the counting is repeated after a crash.
   */
  refundsCounted: { type: [String], default: [] },
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
  /**
   * The timeline: each entry has the status after it and an event code (ORDER_EVENT_CODES) with its data, which
   * the clients render in Chinese. Entries from before codes carry an English `note` only (clients show the status).
   */
  events: [{ _id: false, at: Date, status: String, code: String, data: Schema.Types.Mixed, note: String }],
  /** The readable order number (Beijing date YYMMDD + a per-day sequence), e.g. `2611300042`; absent on older orders. */
  orderNo: { type: String },
  completedAt: { type: Date },
  /**
   * The durable outbox of messages this order owes (subscribe messages to the shopper and the owner): an entry is
   * pushed in the same update as the state change it reports, so a crash never loses one; `key` is unique per
   * order and event (`PAID`, `SHIPPED`, `REFUNDED:<outRefundNo>`, …). The messages room drains it.
   */
  outbox: { type: [{ _id: false, key: String, event: String, data: Schema.Types.Mixed, at: Date }], default: [] },
  /** The one open after-sale request of this order (set by compare-and-set on its absence, unset when it ends). */
  openAfterSaleId: { type: Schema.Types.ObjectId },
  /** A refund-only after-sale approved before shipping: the order must not be shipped any more. */
  shipBlocked: { type: Boolean },
  /** WeChat reminded the shop to ship this order (trade_manage_remind_shipping). */
  shippingRemindedAt: { type: Date },
});
orderSchema.index({ status: 1, expiresAt: 1 });
// The reservation sweeper: orders stuck RESERVING (equality on stage, range on createdAt), and orders whose stock
// is not settled yet (stockSettled missing is the selective part: every settled order has it).
orderSchema.index({ stage: 1, createdAt: 1 });
orderSchema.index({ stockSettled: 1, stage: 1, status: 1 });
orderSchema.index({ userId: 1, createdAt: -1 });
// The auto-complete job: orders SHIPPED before a date.
orderSchema.index({ status: 1, 'shipping.shippedAt': 1 });
// The shipping-upload job's queue.
orderSchema.index({ 'shipping.upload.status': 1, 'shipping.upload.nextAttemptAt': 1 });
// The admin console: newest first, searched by transaction id or openid, sales grouped by day paid.
orderSchema.index({ createdAt: -1 });
orderSchema.index({ transactionId: 1 }, { sparse: true });
orderSchema.index({ openid: 1, createdAt: -1 });
orderSchema.index({ paidAt: 1 });
// Readable order numbers are unique; orders from before them have none.
orderSchema.index({ orderNo: 1 }, { unique: true, sparse: true });
// The messages room finds orders with outbox entries by their time.
orderSchema.index({ 'outbox.at': 1 });

/**
 * A shopper's unpaid orders, one entry per order (`_id` is the shopper's user id): the entry and the count change
 * in one guarded update, as stock reservations do, so a place is taken and given back exactly once, and twenty
 * concurrent orders cannot all see "fewer than five". Kept by the orders feature rather than on the shopper's own
 * document, which belongs to the feature below and is read on every request.
 */
const pendingOrderSlotsSchema = new Schema({
  _id: { type: Schema.Types.ObjectId },
  count: { type: Number, required: true, default: 0 },
  orders: { type: [{ _id: false, orderId: { type: Schema.Types.ObjectId, required: true }, at: Date }], default: [] },
  /** When the latest orders (ORDER_RATE_LIMIT of them) took their places, oldest first: the per-shopper rate limit. */
  placedAt: { type: [Date], default: undefined },
});
// The reservation sweeper looks for places held longer than an order takes to be written.
pendingOrderSlotsSchema.index({ 'orders.at': 1 });

/** The per-day sequence of readable order numbers (`_id` is the Beijing date `YYMMDD`): order-no.ts. */
const orderNoCounterSchema = new Schema({
  _id: { type: String },
  seq: { type: Number, required: true, default: 0 },
});

export function orderModels(db: Connection) {
  return {
    Order: db.model('Order', orderSchema),
    PendingOrderSlots: db.model('PendingOrderSlots', pendingOrderSlotsSchema),
    OrderNoCounter: db.model('OrderNoCounter', orderNoCounterSchema),
  };
}

export type OrderDoc = InferSchemaType<typeof orderSchema> & { _id: Types.ObjectId };
