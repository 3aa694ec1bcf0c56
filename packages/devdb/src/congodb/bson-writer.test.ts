// The writer must give exactly bson's bytes: replies and journal records are read by bson (the driver, the replay).
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { describe, expect, it } from 'vitest';
import { BsonWriter } from './bson-writer';

const { BSONRegExp, Binary, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } = plugins.bson;

function bytesOf(doc: object, ignoreUndefined: boolean): Buffer {
  const writer = new BsonWriter(8);
  writer.writeDocument({ before: 'x' }, ignoreUndefined); // a document before it: offsets must not matter
  const before = writer.length;
  writer.writeDocument(doc, ignoreUndefined);
  return Buffer.from(writer.bytes().subarray(before));
}

function expectSameBytes(doc: object): void {
  for (const ignoreUndefined of [false, true]) {
    expect(bytesOf(doc, ignoreUndefined).toString('hex')).toBe(Buffer.from(plugins.bson.serialize(doc, { ignoreUndefined })).toString('hex'));
  }
}

/** A random value of the types the server holds, nested up to `depth`. */
function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 0 ? 16 : 13));
  const chars = 'aZ09 .$_-名字é\u{1F600}\0'.split('');
  const text = (n: number) => Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
  switch (pick) {
    case 0: return text(Math.floor(random() * 5));
    case 1: return text(20 + Math.floor(random() * 80));
    case 2: return Math.floor((random() - 0.5) * 2 ** 33);
    case 3: return (random() - 0.5) * 1e6;
    case 4: return [0, -0, NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e300][Math.floor(random() * 11)];
    case 5: return random() < 0.5;
    case 6: return random() < 0.5 ? null : undefined;
    case 7: return new Date(Math.floor((random() - 0.5) * 2 ** 44));
    case 8: return new ObjectId();
    case 9: return Long.fromNumber(Math.floor((random() - 0.5) * 2 ** 60));
    case 10: return Decimal128.fromString(String((random() - 0.5) * 1e6));
    case 11: return new Binary(Buffer.from(text(Math.floor(random() * 40))), [0, 4, 5, 0x80][Math.floor(random() * 4)]);
    case 12: return new Date(NaN);
    case 13: return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth - 1));
    default: {
      const doc: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 6); i > 0; i--) doc[text(1 + Math.floor(random() * 6)).replace(/\0/g, '')] = randomValue(random, depth - 1);
      return doc;
    }
  }
}

describe('BsonWriter', () => {
  it('writes what bson.serialize writes, for every type the server holds', () => {
    expectSameBytes({
      _id: new ObjectId(),
      s: 'plain',
      long: 'x'.repeat(300),
      unicode: '名字 é \u{1F600} lone \uD800 end',
      empty: '',
      nul: 'a\0b',
      int: 42,
      negative: -7,
      int32Edges: [2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1],
      double: 1.5,
      whole: 2 ** 40,
      negZero: -0,
      special: [NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE],
      yes: true,
      no: false,
      nothing: null,
      missing: undefined,
      holes: [undefined, null, 1],
      date: new Date('2025-01-02T03:04:05.678Z'),
      oldDate: new Date(-1),
      farDate: new Date(8.64e15),
      invalidDate: new Date(NaN),
      longs: [Long.fromString('9007199254740993'), Long.fromNumber(-1), Long.fromNumber(0)],
      decimal: Decimal128.fromString('12345.6789'),
      binaries: [new Binary(Buffer.from([0, 1, 2, 250, 255]), 0), new Binary(Buffer.alloc(0), 0), new Binary(Buffer.from('0123456789abcdef0123'), 4)],
      nested: { a: [{ b: { c: [1, [2, [3]]] } }], 'key with 名字': 1, '': 'empty key' },
      cursor: { id: Long.fromNumber(0), ns: 'db.coll', firstBatch: [{ _id: 1 }, { _id: 'two' }] },
    });
  });

  it('hands values it does not write itself to bson, with the same bytes', () => {
    expectSameBytes({ re: /a\.b/gim, ts: new Timestamp({ t: 5, i: 6 }), min: new MinKey(), max: new MaxKey() });
    expectSameBytes({ oldBinary: new Binary(Buffer.from([1, 2, 3]), 2), buffer: Buffer.from([1, 2]), big: 5n });
    expectSameBytes({ typed: [new Int32(5), new Double(2), new BSONRegExp('x', 'i'), new Code('f()'), new UUID()] });
    expectSameBytes({ fn: () => 1, map: new Map([['a', 1]]), nested: { fn: () => 2 } });
  });

  it('refuses what bson refuses, as bson does', () => {
    const writer = new BsonWriter();
    expect(() => writer.writeDocument({ 'bad\0key': 1 })).toThrow(/null bytes/);
    expect(() => writer.writeDocument({ ok: { ['名\0']: 1 } })).toThrow(/null bytes/);
    expect(writer.length).toBe(0);
  });

  it('writes what bson.serialize writes for random documents', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) expectSameBytes({ _id: i, value: randomValue(random, 3), more: randomValue(random, 3) });
  });
});
