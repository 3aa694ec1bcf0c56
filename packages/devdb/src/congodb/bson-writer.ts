// A BSON encoder for the documents the server holds, writing the very bytes bson's `serialize` writes (pinned
// byte for byte by bson-writer.test.ts), about three times faster: keys and short strings are copied by a
// plain loop instead of a native call each, ObjectIds and dates are written in place, and the output goes
// straight into one buffer that is reused. It knows the types the wire decoder gives (strings, numbers,
// booleans, null, dates, arrays, documents, ObjectId, Long, Decimal128, Binary); an entry holding anything
// else (a regular expression, a Timestamp, a typed array …) is handed whole to bson's `serialize`.
// Every command's reply and every journal entry goes through here: bson's generic serializer was the largest
// single cost of the server after the socket.
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';

const bson = plugins.bson;

/** Thrown inside an encoding for a value this writer leaves to bson (caught by `writeDocument`). */
const UNSUPPORTED = Symbol('unsupported');

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const TWO_32 = 0x100000000;
/** A double's eight bytes, as the machine orders them (little-endian on x64 and arm64; bson's on any other). */
const FLOAT = new Float64Array(1);
const FLOAT_BYTES = new Uint8Array(FLOAT.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class BsonWriter {
  private buf: Buffer;
  private pos = 0;
  private ignoreUndefined = false;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** The written bytes, valid until the next write or clear (a synchronous write or copy uses them at once). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  clear(): void {
    this.pos = 0;
  }

  /** Append raw bytes (a message header, say). */
  reserve(bytes: number): number {
    this.ensure(bytes);
    const at = this.pos;
    this.pos += bytes;
    return at;
  }

  writeInt32At(at: number, value: number): void {
    this.int32At(at, value);
  }

  writeByteAt(at: number, value: number): void {
    this.buf[at] = value;
  }

  /**
   * Append `doc` as bson's `serialize(doc, { ignoreUndefined })` would write it. Returns the number of bytes.
   */
  writeDocument(doc: object, ignoreUndefined = false): number {
    const start = this.pos;
    this.ignoreUndefined = ignoreUndefined;
    try {
      this.document(doc);
    } catch (err) {
      if (err !== UNSUPPORTED) {
        this.pos = start;
        throw err;
      }
      this.pos = start;
      const encoded = bson.serialize(doc, { ignoreUndefined });
      this.ensure(encoded.length);
      this.buf.set(encoded, this.pos);
      this.pos += encoded.length;
    }
    return this.pos - start;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private document(doc: object): void {
    if (typeof (doc as { toBSON?: unknown }).toBSON === 'function') throw UNSUPPORTED;
    this.ensure(5);
    const start = this.pos;
    this.pos += 4;
    if (Array.isArray(doc)) {
      for (let i = 0; i < doc.length; i++) this.element(String(i), doc[i], true);
    } else {
      // Own fields, as bson reads them (Object.keys, not for…in).
      const keys = Object.keys(doc);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        this.element(key, (doc as Record<string, unknown>)[key], false);
      }
    }
    this.ensure(1);
    this.buf[this.pos++] = 0;
    this.int32At(start, this.pos - start);
  }

  /** Little-endian int32 at `at` (Buffer's writeInt32LE checks its arguments first, on every call). */
  private int32At(at: number, value: number): void {
    const buf = this.buf;
    buf[at] = value;
    buf[at + 1] = value >>> 8;
    buf[at + 2] = value >>> 16;
    buf[at + 3] = value >>> 24;
  }

  /** Append a little-endian int32 (room for it is ensured by the caller). */
  private int32(value: number): void {
    this.int32At(this.pos, value);
    this.pos += 4;
  }

  /** A key (a C string): ASCII by a loop, anything else by Buffer's UTF-8 writer. */
  private key(key: string): void {
    const n = key.length;
    this.ensure(n * 3 + 1);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c === 0) throw UNSUPPORTED; // bson refuses it, with its own message
      if (c >= 0x80) {
        if (key.includes('\0')) throw UNSUPPORTED;
        pos = this.pos + buf.write(key, this.pos, 'utf8');
        break;
      }
      buf[pos++] = c;
    }
    buf[pos++] = 0;
    this.pos = pos;
  }

  private string(value: string): void {
    const n = value.length;
    this.ensure(n * 3 + 5);
    const buf = this.buf;
    const lengthAt = this.pos;
    let pos = lengthAt + 4;
    if (n > 64) {
      pos += buf.write(value, pos, 'utf8');
    } else {
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) {
          pos = lengthAt + 4 + buf.write(value, lengthAt + 4, 'utf8');
          break;
        }
        buf[pos++] = c;
      }
    }
    buf[pos++] = 0;
    this.int32At(lengthAt, pos - lengthAt - 4);
    this.pos = pos;
  }

  private type(code: number, key: string): void {
    this.ensure(1);
    this.buf[this.pos++] = code;
    this.key(key);
  }

  private element(key: string, value: unknown, inArray: boolean): void {
    switch (typeof value) {
      case 'string':
        this.type(0x02, key);
        this.string(value);
        return;
      case 'number':
        if (Number.isSafeInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0)) {
          this.type(0x10, key);
          this.ensure(4);
          this.int32(value);
        } else {
          this.type(0x01, key);
          if (!LITTLE_ENDIAN) throw UNSUPPORTED;
          this.ensure(8);
          FLOAT[0] = value;
          for (let i = 0; i < 8; i++) this.buf[this.pos + i] = FLOAT_BYTES[i] as number;
          this.pos += 8;
        }
        return;
      case 'boolean':
        this.type(0x08, key);
        this.ensure(1);
        this.buf[this.pos++] = value ? 1 : 0;
        return;
      case 'undefined':
        // bson: an array element without a value is null; a field is null or left out.
        if (inArray || !this.ignoreUndefined) this.type(0x0a, key);
        return;
      case 'object':
        break;
      default:
        // functions (left out unless asked for), symbols, bigints: bson's own rules
        throw UNSUPPORTED;
    }
    if (value === null) {
      this.type(0x0a, key);
      return;
    }
    if (value instanceof Date) {
      this.type(0x09, key);
      this.int64(value.getTime());
      return;
    }
    const type = (value as { _bsontype?: unknown })._bsontype;
    if (type === undefined) {
      if (value instanceof RegExp || value instanceof Map || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) throw UNSUPPORTED;
      this.type(Array.isArray(value) ? 0x04 : 0x03, key);
      this.document(value);
      return;
    }
    // Only values of CongoDB's own bson copy (bson checks the same, and says so in its error).
    if ((value as Record<symbol, unknown>)[BSON_VERSION] !== BSON_MAJOR) throw UNSUPPORTED;
    switch (type) {
      case 'ObjectId': {
        this.type(0x07, key);
        this.ensure(12);
        const id = (value as { id: Uint8Array }).id;
        if (id.length !== 12) throw UNSUPPORTED;
        for (let i = 0; i < 12; i++) this.buf[this.pos + i] = id[i] as number;
        this.pos += 12;
        return;
      }
      case 'Long': {
        const long = value as { low: number; high: number };
        this.type(0x12, key);
        this.ensure(8);
        this.int32(long.low);
        this.int32(long.high);
        return;
      }
      case 'Decimal128': {
        const bytes = (value as { bytes: Uint8Array }).bytes;
        this.type(0x13, key);
        this.ensure(16);
        this.buf.set(bytes.subarray(0, 16), this.pos);
        this.pos += 16;
        return;
      }
      case 'Binary': {
        const binary = value as { sub_type: number; buffer: Uint8Array; position: number };
        // The old binary subtype has a second length; vectors are checked by bson.
        if (binary.sub_type === 2 || binary.sub_type === 9) throw UNSUPPORTED;
        this.type(0x05, key);
        this.ensure(5 + binary.position);
        this.int32At(this.pos, binary.position);
        this.buf[this.pos + 4] = binary.sub_type;
        this.buf.set(binary.buffer.subarray(0, binary.position), this.pos + 5);
        this.pos += 5 + binary.position;
        return;
      }
      default:
        throw UNSUPPORTED;
    }
  }

  /** A Date's milliseconds as bson writes them (Long.fromNumber: NaN as 0, beyond the range clamped). */
  private int64(ms: number): void {
    this.ensure(8);
    if (!Number.isSafeInteger(ms)) {
      const long = bson.Long.fromNumber(ms);
      this.int32(long.low);
      this.int32(long.high);
    } else {
      this.int32(ms >>> 0);
      this.int32(Math.floor(ms / TWO_32));
    }
  }
}

const BSON_VERSION = Symbol.for('@@mdb.bson.version');
const BSON_MAJOR = (new bson.ObjectId() as unknown as Record<symbol, unknown>)[BSON_VERSION];
