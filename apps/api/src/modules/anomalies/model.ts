// Anomalies: money WeChat reports that the shop cannot simply take, kept for a person to decide.
import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { ANOMALY_KINDS } from '@xiaodian/shared';

const anomalySchema = new Schema({
  kind: {
    type: String,
    enum: ANOMALY_KINDS,
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

export function anomalyModels(db: Connection) {
  return { Anomaly: db.model('Anomaly', anomalySchema) };
}

export type AnomalyDoc = InferSchemaType<typeof anomalySchema> & { _id: Types.ObjectId };
