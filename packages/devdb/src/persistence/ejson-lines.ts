// One journal or snapshot line: a JSON object in MongoDB Extended JSON (canonical), so Date, ObjectId,
// Decimal128, Binary and Long come back as the same BSON classes the server holds. Those are the classes of
// CongoDB's own bson copy (mingo compares values by constructor, so a document from another copy would stop
// matching its queries).
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { bsonType, isPlainObject, type Doc } from '../congodb/bson-values';

const { EJSON, Double } = plugins.bson;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A copy of `value` in which every JavaScript number that is not an int32 is a bson Double: canonical EJSON
 * writes other integers as $numberLong, which would come back as a Long.
 */
function tagNumbers(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0) ? value : new Double(value);
  }
  if (Array.isArray(value)) return value.map(tagNumbers);
  if (isPlainObject(value)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = tagNumbers(v);
    return out;
  }
  return value;
}

/** Int32 and Double back to numbers, BSONRegExp back to RegExp: what the server's wire decoder gives. */
function untag(value: unknown): unknown {
  const t = bsonType(value);
  if (t === 'Int32' || t === 'Double') return (value as { value: number }).value;
  if (t === 'BSONRegExp') {
    const re = value as { pattern: string; options: string };
    return new RegExp(re.pattern, re.options.replace(/[^dgimsuy]/g, ''));
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untag(value[i]);
    return value;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) value[k] = untag(v);
    return value;
  }
  return value;
}

export function encodeLine(entry: Doc): string {
  return `${EJSON.stringify(tagNumbers(entry), { relaxed: false })}\n`;
}

export function decodeLine(line: string): Doc {
  return untag(EJSON.parse(line, { relaxed: false })) as Doc;
}
