// Coordination documents shared by every instance: leases and throttles.
import { Schema, type Connection } from 'mongoose';

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

export function infraModels(db: Connection) {
  return { Lease: db.model('Lease', leaseSchema), Throttle: db.model('Throttle', throttleSchema) };
}
