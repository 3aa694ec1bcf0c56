// Unit tests of the journal's line format; the round trip through a real server is in conformance-persistence.test.ts.
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { describe, expect, it } from 'vitest';
import { decodeLine, encodeLine } from './ejson-lines';

const { Binary, Decimal128, EJSON, Long, MaxKey, MinKey, ObjectId, Timestamp } = plugins.bson;

describe('journal lines', () => {
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
      decimal: Decimal128.fromString('0.10'),
      binary: new Binary(Buffer.from([0, 255, 7]), 4),
      date: new Date('2025-01-02T03:04:05.678Z'),
      re: /a\.b/im,
      ts: new Timestamp({ t: 5, i: 6 }),
      min: new MinKey(),
      max: new MaxKey(),
      nested: [{ a: [1, [2.25, null]] }, 'text', true],
      query: { status: { $exists: true }, n: { $in: [1, 2] } },
    };
    const line = encodeLine(doc);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const back = decodeLine(line);
    expect(back).toEqual(doc);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.wholeDouble).toBe(2 ** 40);
    expect(back.long).toBeInstanceOf(Long);
    expect(back._id).toBeInstanceOf(ObjectId);
    expect((back.binary as InstanceType<typeof Binary>).sub_type).toBe(4);
    expect(back.query).toEqual({ status: { $exists: true }, n: { $in: [1, 2] } });
  });

  it('are canonical Extended JSON, as EJSON writes it, and leave out fields without a value', () => {
    const doc = {
      _id: new ObjectId(),
      at: new Date('2025-01-02T03:04:05.678Z'),
      list: [{ orderId: new ObjectId(), quantity: 2, note: 'a "quoted" 名字' }, null, false],
      long: Long.fromString('-12'),
      decimal: Decimal128.fromString('1.5'),
      bin: new Binary(Buffer.from('hi'), 0),
      re: /x/im,
    };
    expect(encodeLine(doc)).toBe(`${EJSON.stringify(doc, { relaxed: false })}\n`);
    expect(decodeLine(encodeLine({ a: 1, gone: undefined, list: [undefined] }))).toEqual({ a: 1, list: [null] });
  });
});
