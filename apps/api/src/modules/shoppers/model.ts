// Shoppers: one account per openid, created at their first login.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';

const userSchema = new Schema({
  openid: { type: String, required: true, unique: true },
  // WeChat's session_key stays on the server: never selected unless asked for, never serialised.
  sessionKey: { type: String, select: false },
  createdAt: { type: Date, required: true },
  lastLoginAt: { type: Date, required: true },
});

export function shopperModels(db: Connection) {
  return { User: db.model('User', userSchema) };
}

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
