// Leases and throttles live in the database, not in process memory, so every API instance sees the same ones.
import type { Models } from '../collections';
import { isDuplicateKeyError } from './duplicate-key';

/**
 * Takes the lease `name` for `ms` if it is free or already ours (an upsert guarded by expiry). Two instances
 * racing: one upsert inserts, the other hits the unique _id and loses.
 */
export async function acquireLease(models: Models, name: string, holder: string, ms: number, now = new Date()): Promise<boolean> {
  try {
    const lease = await models.Lease.findOneAndUpdate(
      { _id: name, $or: [{ until: { $lte: now } }, { holder }] },
      { $set: { holder, until: new Date(now.getTime() + ms) } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return lease?.holder === holder;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}

export async function releaseLease(models: Models, name: string, holder: string): Promise<void> {
  await models.Lease.deleteOne({ _id: name, holder });
}

/** True at most once per `ms` for `key` across every instance (e.g. "?sync=1" per order). */
export async function passThrottle(models: Models, key: string, ms: number, now = new Date()): Promise<boolean> {
  try {
    const res = await models.Throttle.findOneAndUpdate(
      { _id: key, until: { $lte: now } },
      { $set: { until: new Date(now.getTime() + ms) } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return res !== null;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}
