// What reconciliation keeps: one report per Beijing date, one action record per discrepancy (so a re-run
// reports the same and never acts twice), and the bill itself — the raw file as WeChat served it and its rows.
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { DISCREPANCY_ACTIONS, DISCREPANCY_KINDS } from '@xiaodian/shared';

const discrepancySchema = new Schema(
  {
    kind: { type: String, enum: DISCREPANCY_KINDS, required: true },
    outTradeNo: { type: String, required: true },
    transactionId: { type: String },
    outRefundNo: { type: String },
    detail: { type: String, required: true },
    action: { type: String, enum: DISCREPANCY_ACTIONS, required: true },
  },
  { _id: false },
);

const reconciliationSchema = new Schema({
  /** The Beijing date of the bill, `YYYY-MM-DD`. */
  date: { type: String, required: true, unique: true },
  /** How the last run ended. A FAILED run keeps the report of an earlier good run, if any. */
  status: { type: String, enum: ['DONE', 'FAILED'], required: true },
  /** Set once a run has completed: the report fields below are then meaningful. */
  reconciledAt: { type: Date },
  billRows: { type: Number, default: 0 },
  matched: { type: Number, default: 0 },
  discrepancies: { type: [discrepancySchema], default: [] },
  totals: {
    wechatPaidFen: { type: Number, default: 0 },
    localPaidFen: { type: Number, default: 0 },
    wechatRefundFen: { type: Number, default: 0 },
    localRefundFen: { type: Number, default: 0 },
  },
  /** WeChat had no bill (NO_STATEMENT_EXIST): no trades that day. */
  noStatement: { type: Boolean, default: false },
  /** Run before the bill was final (before 10:00 Beijing the next day); the daily job runs the date again. */
  provisional: { type: Boolean, default: false },
  billSha1: { type: String },
  /** Downloads refused because their SHA1 did not match WeChat's hash_value, in the last run. */
  refusedDownloads: { type: Number, default: 0 },
  trigger: { type: String, enum: ['job', 'admin'] },
  runs: { type: Number, default: 0 },
  /** Failed runs in a row (backoff of the daily job). */
  failures: { type: Number, default: 0 },
  lastError: { type: String },
  lastRunAt: { type: Date },
  /** The daily job leaves a failed date alone until then. */
  nextAttemptAt: { type: Date },
});

/** One per (date, kind, trade, refund): what was found and what was done, written once. */
const reconciliationActionSchema = new Schema({
  _id: { type: String },
  date: { type: String, required: true, index: true },
  kind: { type: String, enum: DISCREPANCY_KINDS, required: true },
  outTradeNo: { type: String, required: true },
  outRefundNo: { type: String },
  transactionId: { type: String },
  action: { type: String, enum: DISCREPANCY_ACTIONS, required: true },
  detail: { type: String, required: true },
  at: { type: Date, required: true },
});

/**
 * The bill file exactly as downloaded (gzip of its UTF-8 bytes, BOM included, in base64), with the SHA1 WeChat
 * announced. Base64 text rather than a Buffer: the embedded development database mangles a Buffer set by `$set`.
 */
const billFileSchema = new Schema({
  _id: { type: String },
  sha1: { type: String, required: true },
  gzipBase64: { type: String, required: true },
  bytes: { type: Number, required: true },
  rows: { type: Number, required: true },
  summary: { type: Schema.Types.Mixed, required: true },
  downloadedAt: { type: Date, required: true },
});

/** The parsed rows of a bill, amounts in fen. */
const billRowSchema = new Schema({
  date: { type: String, required: true },
  line: { type: Number, required: true },
  tradeState: { type: String, required: true },
  outTradeNo: { type: String, required: true },
  transactionId: { type: String },
  outRefundNo: { type: String },
  row: { type: Schema.Types.Mixed, required: true },
});
billRowSchema.index({ date: 1, line: 1 }, { unique: true });

export function reconciliationModels(db: Connection) {
  return {
    Reconciliation: db.model('Reconciliation', reconciliationSchema),
    ReconciliationAction: db.model('ReconciliationAction', reconciliationActionSchema),
    BillFile: db.model('BillFile', billFileSchema),
    BillRow: db.model('BillRow', billRowSchema),
  };
}

export type ReconciliationDoc = InferSchemaType<typeof reconciliationSchema>;
export type ReconciliationActionDoc = InferSchemaType<typeof reconciliationActionSchema>;
