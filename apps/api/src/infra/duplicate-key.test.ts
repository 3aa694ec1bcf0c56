// A bulk write's failure is a refusal of some ops only when its write errors say so. The driver (7.x) also throws a
// MongoBulkWriteError, with no write errors at all, when the whole command failed (the network, a timeout, a write
// concern): that must never read as "every op refused by a duplicate key".
import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isOnlyDuplicateKeys, writeErrorsOf } from './duplicate-key';

const result = {} as mongo.BulkWriteResult;
/** A write error as the driver lists it: its code and the op's index are what callers read. */
const writeError = (code: number, index: number) => ({ code, index, errmsg: `E${code}` }) as unknown as mongo.WriteError;

describe('isOnlyDuplicateKeys', () => {
  it('is a bulk write whose every write error is E11000', () => {
    const err = new mongo.MongoBulkWriteError({ message: 'dup', code: 11000, writeErrors: [writeError(11000, 0), writeError(11000, 2)] }, result);
    expect(isOnlyDuplicateKeys(err)).toBe(true);
    expect(writeErrorsOf(err).map((e) => e.index)).toEqual([0, 2]);
  });

  it('is not a bulk write that failed as a whole (no write errors), nor one with any other write error', () => {
    const network = new mongo.MongoBulkWriteError(new mongo.MongoNetworkError('connection reset'), result);
    expect(writeErrorsOf(network)).toEqual([]);
    expect(isOnlyDuplicateKeys(network)).toBe(false);
    const mixed = new mongo.MongoBulkWriteError({ message: 'mixed', code: 11000, writeErrors: [writeError(11000, 0), writeError(121, 1)] }, result);
    expect(isOnlyDuplicateKeys(mixed)).toBe(false);
    expect(isOnlyDuplicateKeys(new Error('not a bulk write'))).toBe(false);
  });
});
