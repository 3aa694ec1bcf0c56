// Shoppers: one account per openid, created at their first login.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const userSchema = new Schema({
  openid: { type: String, required: true, unique: true },
  // WeChat's session_key stays on the server: never selected unless asked for, never serialised.
  sessionKey: { type: String, select: false },
  createdAt: { type: Date, required: true },
  lastLoginAt: { type: Date, required: true },
  /**
   * Tokens carry the version they were issued under; logout increments it, ending every session of this shopper
   * on every instance. Chosen over a revocation list of token ids: a shopper token is checked on every request,
   * and this is one findById on the _id index that also notices a deleted user, where a revocation list would
   * need that lookup plus its own. The price: logout ends the shopper's other devices too (a mini program
   * shopper rarely has two).
   */
  tokenVersion: { type: Number, default: 0 },
});

export function shopperModels(db: Connection) {
  return { User: db.model('User', userSchema) };
}

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
