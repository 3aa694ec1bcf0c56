// What the shipping upload remembers besides the orders: WeChat's answer to is_trade_managed, shared by every
// instance for a few hours (it changes only when the mini program joins or leaves shipping management).
import { Schema, type Connection } from 'mongoose';

const tradeManagedSchema = new Schema({
  /** The appid asked about. */
  _id: { type: String },
  managed: { type: Boolean, required: true },
  checkedAt: { type: Date, required: true },
  /** Ask WeChat again after this. */
  until: { type: Date, required: true },
});

export function shippingModels(db: Connection) {
  return { TradeManaged: db.model('TradeManaged', tradeManagedSchema) };
}
