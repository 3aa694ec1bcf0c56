// The console's accounts (owner and staff) and the audit trail of what they did.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const adminSchema = new Schema({
  username: { type: String, required: true, unique: true },
  passwordHash: { type: String, required: true },
  role: { type: String, enum: ['owner', 'staff'], required: true },
  createdAt: { type: Date, required: true },
  // Wrong passwords are counted per name and address in AttemptCounter (login-attempts.ts), not here: a count on
  // the account would let anyone lock its owner out, and would only exist for names that exist.
  /**
   * Sessions carry the version they were issued under; logging out, a password change or reset, and disabling
   * the account increment it, ending them on every instance.
   */
  tokenVersion: { type: Number, default: 0 },
  createdBy: { type: String },
  /** Set while the owner has disabled the account: it cannot sign in. */
  disabledAt: { type: Date },
  disabledBy: { type: String },
  passwordChangedAt: { type: Date },
  /** The WeChat (openid in this mini program) bound through a one-time code: the owner's messages go there. */
  wechatOpenid: { type: String },
  wechatBoundAt: { type: Date },
  /** Whether the owner's messages go to this account once bound; unset: yes for the owner, no for staff. */
  notify: { type: Boolean },
});

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
  /** The facts of `detail` as fields (AuditEntry.data), so the console need not parse the sentence. */
  data: { type: Schema.Types.Mixed },
});

export function staffModels(db: Connection) {
  return { Admin: db.model('Admin', adminSchema), AuditLog: db.model('AuditLog', auditLogSchema) };
}

export type AdminDoc = InferSchemaType<typeof adminSchema> & { _id: Types.ObjectId };
export type AuditLogDoc = InferSchemaType<typeof auditLogSchema> & { _id: Types.ObjectId };
