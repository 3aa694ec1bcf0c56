// Subscribe messages the shop owes (one document per order, outbox key and recipient) and the one-time codes
// that bind a console account to its owner's WeChat.
import { MESSAGE_STATUSES } from '@xiaodian/shared';
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const messageSchema = new Schema({
  /**
   * `<orderId>:<outbox key>:<openid>`: fixed by what the message reports and to whom, so draining the same outbox
   * entry twice (a crash before its $pull, two instances at once) finds the message already there.
   */
  _id: { type: String },
  orderId: { type: Schema.Types.ObjectId, required: true },
  /** The outbox entry's key (`PAID`, `REFUNDED:<outRefundNo>`, …) and event. */
  key: { type: String, required: true },
  event: { type: String, required: true },
  openid: { type: String, required: true },
  /** The console account it goes to (owner messages); absent for the shopper's. */
  staffId: { type: Schema.Types.ObjectId },
  /** The template it is sent with; absent when that template is not configured (status SKIPPED). */
  templateId: { type: String },
  /** The mini program page the message opens (shopper messages). */
  page: { type: String },
  /** WeChat's `data: {key: {value}}`, built once when the message is created. */
  data: { type: Schema.Types.Mixed, required: true },
  status: { type: String, enum: MESSAGE_STATUSES, required: true },
  /** Send attempts begun (each claim counts one; it is also the claim's compare-and-set token). */
  attempts: { type: Number, default: 0 },
  /** When the sender may try (again); absent once the message is final. */
  nextAttemptAt: { type: Date },
  /** The lease of the sender that claimed it: another instance takes it over once this has passed. */
  claimedUntil: { type: Date },
  claimedBy: { type: String },
  errcode: { type: Number },
  lastError: { type: String },
  msgid: { type: String },
  sentAt: { type: Date },
  createdAt: { type: Date, required: true },
});
// The sender's queue, and the admin order detail's list.
messageSchema.index({ status: 1, nextAttemptAt: 1 });
messageSchema.index({ orderId: 1, createdAt: 1 });

const bindingCodeSchema = new Schema({
  /** The 6-digit code itself: unique among the codes kept, so a code names one account. */
  _id: { type: String },
  adminId: { type: Schema.Types.ObjectId, required: true, index: true },
  expiresAt: { type: Date, required: true },
  /** Set by the one redemption that consumed it (compare-and-set on its absence). */
  usedAt: { type: Date },
  usedBy: { type: String },
  createdAt: { type: Date, required: true },
});

export function messageModels(db: Connection) {
  return { Message: db.model('Message', messageSchema), BindingCode: db.model('BindingCode', bindingCodeSchema) };
}

export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: string };
export type BindingCodeDoc = InferSchemaType<typeof bindingCodeSchema> & { _id: string; adminId: Types.ObjectId };
