import { mongo } from 'mongoose';

/**
 * MongoDB's E11000: a unique index refused a write. Throughout the API this means "someone else did it first"
 * (a concurrent duplicate), which callers turn into success or a clear conflict, never a 500.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/** The write errors of a bulk write (driver 7 answers an array; older ones a single error). */
export function writeErrorsOf(err: mongo.MongoBulkWriteError): readonly mongo.WriteError[] {
  const errors = err.writeErrors;
  if (errors === undefined || errors === null) return [];
  return Array.isArray(errors) ? (errors as readonly mongo.WriteError[]) : [errors as mongo.WriteError];
}

/**
 * A bulk write whose only failures are duplicate keys: the unique index refused those ops, and every other op
 * was written. The driver also throws a MongoBulkWriteError for a failure of the whole command (the network, a
 * timeout, a write concern) with no write errors at all: that tells nothing of the ops, so it is not this.
 */
export function isOnlyDuplicateKeys(err: unknown): err is mongo.MongoBulkWriteError {
  if (!(err instanceof mongo.MongoBulkWriteError)) return false;
  const errors = writeErrorsOf(err);
  return errors.length > 0 && errors.every(isDuplicateKeyError) && !err.writeConcernError;
}
