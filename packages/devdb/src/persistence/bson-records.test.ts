// Unit tests of the journal's record format; the round trip through a real server is in conformance-persistence.test.ts.
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord, RecordBuffer } from './bson-records';

const { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp } = plugins.bson;

describe('journal records', () => {
  it('give back every value with its type: numbers stay numbers, bson values their class', () => {
    const doc = {
      _id: new ObjectId(),
      int: 42,
      double: 1.5,
      wholeDouble: 2 ** 40,
      negZero: -0,
      nan: NaN,
      inf: -Infinity,
      long: Long.fromString('9007199254740993'),
      smallLong: Long.fromNumber(5),
      decimal: Decimal128.fromString('0.10'),
      binary: new Binary(Buffer.from([0, 255, 7]), 4),
      date: new Date('2025-01-02T03:04:05.678Z'),
      re: /a\.b/im,
      ts: new Timestamp({ t: 5, i: 6 }),
      min: new MinKey(),
      max: new MaxKey(),
      nested: [{ a: [1, [2.25, null]] }, 'text', true, '名字'],
      query: { status: { $exists: true }, n: { $in: [1, 2] } },
    };
    const { entries, tornTail } = decodeRecords(encodeRecord(doc), 'test');
    expect(tornTail).toBe(false);
    const [back] = entries as [Record<string, unknown>];
    expect(back).toEqual(doc);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.wholeDouble).toBe(2 ** 40);
    expect(back.long).toBeInstanceOf(Long);
    expect(back.smallLong).toBeInstanceOf(Long);
    expect(back._id).toBeInstanceOf(ObjectId);
    expect((back.binary as InstanceType<typeof Binary>).sub_type).toBe(4);
  });

  it('leave out fields without a value (an array element without one is null), as the Extended JSON lines did', () => {
    const { entries } = decodeRecords(encodeRecord({ a: 1, gone: undefined, list: [undefined] }), 'test');
    expect(entries).toEqual([{ a: 1, list: [null] }]);
  });

  it('follow one another in a growing buffer; a torn last record is skipped, a damaged one elsewhere is an error', () => {
    const records = new RecordBuffer(16);
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 5; i++) records.append({ i, text: i === 2 ? big : 'small' });
    const data = Buffer.from(records.bytes());
    const all = decodeRecords(data, 'journal');
    expect(all.entries.map((e) => e.i)).toEqual([0, 1, 2, 3, 4]);
    expect(all.entries[2]?.text).toBe(big);

    const torn = decodeRecords(data.subarray(0, data.length - 3), 'journal');
    expect(torn).toMatchObject({ tornTail: true });
    expect(torn.entries.map((e) => e.i)).toEqual([0, 1, 2, 3]);
    // The zeros a crashed machine may leave after the last record.
    expect(decodeRecords(Buffer.concat([data, Buffer.alloc(64)]), 'journal')).toMatchObject({ tornTail: true });

    const damaged = Buffer.from(data);
    damaged.writeInt32LE(3, 0);
    expect(() => decodeRecords(damaged, 'journal-1.bson')).toThrow(/journal-1\.bson record 1 .* is not valid/);
  });
});
