// The mini program's access token, cached for every instance (see access-token.ts).
import { Schema, type Connection } from 'mongoose';

const tokenSchema = new Schema({
  /** The appid the token belongs to. */
  _id: { type: String },
  token: { type: String, required: true },
  expiresAt: { type: Date, required: true },
  /** When to fetch again: 5 minutes before expiry, or soon when WeChat handed out a token about to end. */
  refreshAfter: { type: Date, required: true },
  fetchedAt: { type: Date, required: true },
  /** How many times a token was fetched from WeChat for this appid (operations: should stay low). */
  fetches: { type: Number, default: 0 },
});

export function wechatModels(db: Connection) {
  return { WechatToken: db.model('WechatToken', tokenSchema) };
}
