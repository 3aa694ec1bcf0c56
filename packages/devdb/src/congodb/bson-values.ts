// BSON value helpers shared by the CongoDB fixes: a canonical key (what a unique index compares) and MongoDB's
// sort order. Values are recognised by `_bsontype` rather than `instanceof`, because the server (bson 6, via
// smartmongo) and the driver (bson 7, via mongoose) each bring their own copy of the bson classes.

export type Doc = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false;
  return bsonType(value) === undefined;
}

/** The `_bsontype` of a bson class instance (ObjectId, Long, Decimal128, Binary, Timestamp …), if any. */
export function bsonType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const t = (value as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const t = bsonType(value);
  if (t === 'Long' || t === 'Int32' || t === 'Double' || t === 'Decimal128') {
    return Number(String(value));
  }
  return undefined;
}

/**
 * A string that is equal for two values exactly when MongoDB treats them as the same index key:
 * numbers compare by value across int/long/double, dates by instant, embedded documents field by field
 * in order. `null` and a missing field give the same key, as in a MongoDB index.
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const num = toNumber(value);
  if (num !== undefined) return `n:${Object.is(num, -0) ? 0 : num}`;
  switch (typeof value) {
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'b:1' : 'b:0';
    case 'object':
      break;
    default:
      return `?:${String(value)}`;
  }
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  const t = bsonType(value);
  if (t === 'ObjectId' || t === 'ObjectID') return objectIdKey(value as { id?: unknown; toHexString(): string });
  if (t === 'Binary') {
    const b = value as { sub_type?: number; buffer?: Uint8Array; toString(enc: string): string };
    return `x:${b.sub_type ?? 0}:${b.toString('base64')}`;
  }
  if (t !== undefined) return `${t}:${String(value)}`;
  const entries = Object.entries(value as Doc).map(([k, v]) => `${JSON.stringify(k)}:${canonicalKey(v)}`);
  return `{${entries.join(',')}}`;
}

/**
 * An ObjectId's 12 bytes as `o:` and six UTF-16 code units (two bytes each, big-endian): equal exactly when the
 * ids are, and ordered as their bytes (and hex strings) are. toHexString made a Buffer and a hex string for every
 * lookup by `_id`, every write and every index key.
 */
function objectIdKey(id: { id?: unknown; toHexString(): string }): string {
  const bytes = id.id instanceof Uint8Array && id.id.length === 12 ? id.id : Buffer.from(id.toHexString(), 'hex');
  return `o:${String.fromCharCode(
    ((bytes[0] as number) << 8) | (bytes[1] as number),
    ((bytes[2] as number) << 8) | (bytes[3] as number),
    ((bytes[4] as number) << 8) | (bytes[5] as number),
    ((bytes[6] as number) << 8) | (bytes[7] as number),
    ((bytes[8] as number) << 8) | (bytes[9] as number),
    ((bytes[10] as number) << 8) | (bytes[11] as number),
  )}`;
}

// MongoDB's comparison order of BSON types (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/).
export function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 2;
  if (toNumber(value) !== undefined) return 3;
  if (typeof value === 'string') return 4;
  if (typeof value === 'boolean') return 9;
  if (value instanceof Date) return 10;
  if (value instanceof RegExp) return 12;
  if (Array.isArray(value)) return 6;
  const t = bsonType(value);
  if (t === 'MinKey') return 1;
  if (t === 'MaxKey') return 13;
  if (t === 'Binary') return 7;
  if (t === 'ObjectId' || t === 'ObjectID') return 8;
  if (t === 'Timestamp') return 11;
  if (t === 'BSONRegExp') return 12;
  return 5;
}

/**
 * Compare two values in MongoDB's sort order: by type rank first (null < numbers < strings < objects < arrays
 * < ObjectId < booleans < dates), then by value; strings by code unit like MongoDB's default binary collation
 * (so 'B' < 'a'), not by locale.
 */
export function compareBson(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2:
      return 0;
    case 3: {
      const na = toNumber(a) as number;
      const nb = toNumber(b) as number;
      return na < nb ? -1 : na > nb ? 1 : 0;
    }
    case 4:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 9:
      return Number(a) - Number(b);
    case 10:
      return (a as Date).getTime() - (b as Date).getTime();
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareBson(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 5: {
      const ea = Object.entries(a as Doc);
      const eb = Object.entries(b as Doc);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const [ka, va] = ea[i] as [string, unknown];
        const [kb, vb] = eb[i] as [string, unknown];
        const c = compareBson(va, vb) || (ka < kb ? -1 : ka > kb ? 1 : 0);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    default: {
      const sa = canonicalKey(a);
      const sb = canonicalKey(b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
  }
}

/**
 * Every value an index holds for `path` in `doc` (arrays along the path fan out, as in a multikey index).
 * `missing` is true when no value exists at all, which is what a sparse index skips.
 */
export function indexValues(doc: unknown, path: string): { values: unknown[]; missing: boolean } {
  const out: unknown[] = [];
  let found = false;
  const walk = (current: unknown, parts: string[]): void => {
    if (parts.length === 0) {
      found = true;
      if (Array.isArray(current)) {
        // An empty array is indexed as `undefined`; a non-empty one by each of its elements.
        if (current.length === 0) out.push(undefined);
        else out.push(...current);
      } else {
        out.push(current);
      }
      return;
    }
    const [head, ...rest] = parts as [string, ...string[]];
    if (Array.isArray(current)) {
      if (/^\d+$/.test(head) && current[Number(head)] !== undefined) {
        walk(current[Number(head)], rest);
        return;
      }
      for (const el of current) if (isPlainObject(el)) walk(el, parts);
      return;
    }
    if (!isPlainObject(current)) return;
    if (!(head in current)) return;
    walk(current[head], rest);
  };
  walk(doc, path.split('.'));
  if (!found) return { values: [null], missing: true };
  return { values: out, missing: false };
}

/**
 * Whether two values are the same in the sense of canonicalKey (numbers by value across types, null and missing
 * alike, fields in order), without building the two strings: identical references answer at once and the first
 * difference ends the walk. Writes share the fields an update left alone (see copyForUpdate), so comparing a
 * document before and after an update costs what the update touched, not the document's size.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a === undefined || a === null) && (b === undefined || b === null);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      const k = ka[i] as string;
      if (k !== kb[i] || !sameValue(a[k], b[k])) return false;
    }
    return true;
  }
  return canonicalKey(a) === canonicalKey(b);
}

/** The top-level field a dotted update path starts with. */
const topField = (path: string): string => {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
};

/** Operators that only add elements to or remove them from the array they name (their elements stay as they are). */
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);
/** Operators that replace the value they name (or remove it) without changing the old value. */
const REPLACING_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$currentDate', '$setOnInsert', '$bit', '$rename']);

/**
 * The copy of `doc` an operator update may change in place: a new top-level object whose fields named by the
 * update's paths are copies, the others the very values `doc` holds. Stored documents are never changed in
 * place, so sharing what an update left alone is safe, and it lets the writes after it (change detection, index
 * maintenance) skip those fields by reference. A field only replaced at the top level (`$set: { status }`) is not
 * copied at all; an array a top-level `$push`/`$pull`/… changes is copied as an array of the same elements (it
 * only adds and removes them: a product's reservations were deep-copied, element by element, for each order);
 * a field reached by a dotted path is deep-copied. Anything but operator documents of paths is copied whole.
 */
export function copyForUpdate(doc: Doc, ops: Doc): Doc {
  /** Per top-level field: 1 = copy the array, 2 = deep copy. */
  const copies = new Map<string, number>();
  const need = (field: string, how: number): void => {
    if ((copies.get(field) ?? 0) < how) copies.set(field, how);
  };
  for (const [op, operand] of Object.entries(ops)) {
    if (!isPlainObject(operand)) return cloneDoc(doc);
    for (const [path, value] of Object.entries(operand)) {
      const dotted = path.includes('.');
      if (dotted || !(ARRAY_OPERATORS.has(op) || REPLACING_OPERATORS.has(op))) need(topField(path), 2);
      else if (ARRAY_OPERATORS.has(op)) need(path, 1);
      if (op === '$rename') {
        if (typeof value !== 'string') return cloneDoc(doc);
        if (value.includes('.')) need(topField(value), 2);
      }
    }
  }
  const copy: Doc = { ...doc };
  for (const [field, how] of copies) {
    if (!(field in doc)) continue;
    const value = doc[field];
    copy[field] = how === 1 && Array.isArray(value) ? value.slice() : cloneDoc(value);
  }
  return copy;
}

/** Deep copy of a document, keeping Dates and bson values (they are immutable) as they are. */
export function cloneDoc<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneDoc(v)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneDoc(v);
    return out as T;
  }
  return value;
}
