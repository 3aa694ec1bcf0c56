// Coordination documents shared by every instance: leases and throttles.
import { Schema, type Connection } from 'mongoose';

/**
 * Short database leases: one instance at a time for a named piece of work (a job tick, a token refresh). The TTL
 * index collects those whose `until` passed (a passed lease is free anyway; the next taker upserts it again).
 */
const leaseSchema = new Schema({
  _id: { type: String },
  holder: { type: String, required: true },
  until: { type: Date, required: true, expires: 0 },
});

/** Per-key throttles shared by every instance (e.g. "?sync=1 at most once per 2 s per order"); collected once passed. */
const throttleSchema = new Schema({
  _id: { type: String },
  until: { type: Date, required: true, expires: 0 },
});

/**
 * Fixed-window attempt counters shared by every instance (rate-limit.ts): how many times `_id` was tried in the
 * window that ends at `until`. The TTL index only collects old windows (mongod runs it about once a minute);
 * correctness never waits for it, since an expired window is restarted by the next attempt.
 */
const attemptCounterSchema = new Schema({
  _id: { type: String },
  count: { type: Number, required: true },
  until: { type: Date, required: true, expires: 0 },
});

export function infraModels(db: Connection) {
  return {
    Lease: db.model('Lease', leaseSchema),
    Throttle: db.model('Throttle', throttleSchema),
    AttemptCounter: db.model('AttemptCounter', attemptCounterSchema),
  };
}
