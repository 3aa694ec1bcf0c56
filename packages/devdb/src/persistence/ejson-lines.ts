// The former journal and snapshot format, still read (directories written before bson-records.ts open as they
// were; encodeLine writes such directories for the tests). One line: a JSON object in MongoDB Extended JSON
// (canonical), so Date, ObjectId, Decimal128, Binary and Long come back as the same BSON classes the server
// holds. Those are the classes of CongoDB's own bson copy (mingo compares values by constructor, so a document
// from another copy would stop matching its queries).
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { bsonType, isPlainObject, type Doc } from '../congodb/bson-values';

const { EJSON, ObjectId, Long, Decimal128, Binary, Timestamp, MinKey, MaxKey } = plugins.bson;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A JavaScript number: an int32 as $numberInt, anything else as $numberDouble (canonical EJSON would write other
 * integers as $numberLong, which would come back as a Long).
 */
function numberText(value: number): string {
  if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0)) return `{"$numberInt":"${value}"}`;
  return `{"$numberDouble":"${Object.is(value, -0) ? '-0.0' : String(value)}"}`;
}

/**
 * One value in canonical Extended JSON, written in one pass. `EJSON.stringify` first copied the whole document
 * into wrapper objects and then stringified the copy (and the numbers needed a tagged copy before that): for a
 * product holding hundreds of reservations, rewritten on every order, that was most of a write's cost. The rare
 * bson types are left to EJSON; `revive` reads all of them back.
 */
function ejsonText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `{"$numberLong":"${value.toString()}"}`;
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + ejsonText(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return `{"$date":{"$numberLong":"${value.getTime()}"}}`;
  if (value instanceof RegExp) return `{"$regularExpression":{"pattern":${JSON.stringify(value.source)},"options":"${value.flags}"}}`;
  const type = bsonType(value);
  if (type === undefined) {
    let out = '{';
    let first = true;
    for (const key in value) {
      const field = (value as Doc)[key];
      // As JSON.stringify: a field without a value is left out.
      if (field === undefined || typeof field === 'function') continue;
      out += `${first ? '' : ','}${JSON.stringify(key)}:${ejsonText(field)}`;
      first = false;
    }
    return `${out}}`;
  }
  switch (type) {
    case 'ObjectId':
    case 'ObjectID':
      return `{"$oid":"${(value as { toHexString(): string }).toHexString()}"}`;
    case 'Long':
      return `{"$numberLong":"${String(value)}"}`;
    case 'Decimal128':
      return `{"$numberDecimal":"${String(value)}"}`;
    case 'Binary': {
      const binary = value as { sub_type: number; toString(encoding: 'base64'): string };
      return `{"$binary":{"base64":"${binary.toString('base64')}","subType":"${binary.sub_type.toString(16).padStart(2, '0')}"}}`;
    }
    default:
      return EJSON.stringify(value, { relaxed: false });
  }
}

/** Wrappers EJSON.stringify writes that `revive` turns back by hand (EJSON.parse is 4x slower than JSON.parse). */
const REVIVERS: Record<string, (value: unknown) => unknown> = {
  $oid: (v) => new ObjectId(v as string),
  $date: (v) => new Date(isPlainObject(v) ? Number(v.$numberLong) : (v as string | number)),
  $numberInt: (v) => Number(v),
  $numberDouble: (v) => Number(v),
  $numberLong: (v) => Long.fromString(v as string),
  $numberDecimal: (v) => Decimal128.fromString(v as string),
  $binary: (v) => {
    const b = v as { base64: string; subType: string };
    return new Binary(Buffer.from(b.base64, 'base64'), parseInt(b.subType, 16));
  },
  $regularExpression: (v) => {
    const re = v as { pattern: string; options: string };
    return new RegExp(re.pattern, re.options.replace(/[^dgimsuy]/g, ''));
  },
  $timestamp: (v) => new Timestamp(v as { t: number; i: number }),
  $minKey: () => new MinKey(),
  $maxKey: () => new MaxKey(),
};
/** Other EJSON wrappers, rare enough to leave to EJSON itself. */
const OTHER_WRAPPERS = new Set(['$symbol', '$code', '$scope', '$dbPointer', '$uuid', '$undefined']);

/** A value parsed by JSON.parse with its EJSON wrappers turned into the values the server's wire decoder gives. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Doc;
  const keys = Object.keys(obj);
  const first = keys[0];
  if (first !== undefined && first.startsWith('$')) {
    const reviver = keys.length === 1 ? REVIVERS[first] : undefined;
    if (reviver) return reviver(obj[first]);
    if (OTHER_WRAPPERS.has(first)) return EJSON.deserialize(obj, { relaxed: false });
  }
  // Anything else (documents, and query documents such as a partial index's `{ $exists: true }`) field by field.
  for (const key of keys) obj[key] = revive(obj[key]);
  return obj;
}

export function encodeLine(entry: Doc): string {
  return `${ejsonText(entry)}\n`;
}

export function decodeLine(line: string): Doc {
  return revive(JSON.parse(line)) as Doc;
}
