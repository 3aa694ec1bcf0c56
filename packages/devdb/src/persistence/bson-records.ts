// One journal or snapshot record: the entry as one BSON document, the format the wire itself carries, so every
// value comes back with the type and class the server held (Date, ObjectId, Decimal128, Binary, Long, int versus
// double, -0), decoded by CongoDB's own bson copy (mingo compares values by constructor, so a document from
// another copy would stop matching its queries). A BSON document starts with its own length, which frames the
// records: a file is the records one after another. An entry is encoded straight into the journal's buffer by
// bson-writer.ts, about twice as fast as the Extended JSON lines written before (ejson-lines.ts, still read),
// which turned every ObjectId into hex and every value into text.
import { plugins } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import type { Doc } from '../congodb/bson-values';
import { BsonWriter } from '../congodb/bson-writer';

const { deserialize } = plugins.bson;

/** Longs stay Longs: the server holds a Long only where the wire gave one that a number cannot hold. */
const DESERIALIZE = { promoteLongs: false } as const;

/** Entries encoded one after another into one growing buffer, taken whole by the write that stores them. */
export class RecordBuffer {
  private readonly writer: BsonWriter;

  constructor(initialBytes = 64 * 1024) {
    this.writer = new BsonWriter(initialBytes);
  }

  /** Bytes of encoded entries. */
  get length(): number {
    return this.writer.length;
  }

  /** As the Extended JSON lines: a field without a value is left out (an array element without one is null). */
  append(entry: Doc): void {
    this.writer.writeDocument(entry, true);
  }

  /** The encoded bytes, valid until the next append or clear (a synchronous write uses them at once). */
  bytes(): Buffer {
    return this.writer.bytes();
  }

  clear(): void {
    this.writer.clear();
  }
}

export function encodeRecord(entry: Doc): Buffer {
  const records = new RecordBuffer(256);
  records.append(entry);
  return Buffer.from(records.bytes());
}

export interface ReadRecords {
  entries: Doc[];
  /** A last record cut short by a crash (or the zeros a crashed machine may leave after it). It is skipped. */
  tornTail: boolean;
}

/** The entries of a file of records. A torn last record is skipped; a bad record anywhere else is an error. */
export function decodeRecords(data: Buffer, file: string): ReadRecords {
  const entries: Doc[] = [];
  let offset = 0;
  while (offset < data.length) {
    const rest = data.length - offset;
    const length = rest >= 4 ? data.readInt32LE(offset) : 0;
    if (rest < 4 || offset + length > data.length || (length === 0 && data.subarray(offset).every((b) => b === 0))) {
      return { entries, tornTail: true };
    }
    try {
      if (length < 5 || data[offset + length - 1] !== 0) throw new Error('not a BSON document');
      entries.push(deserialize(data.subarray(offset, offset + length), DESERIALIZE) as Doc);
    } catch (err) {
      throw new Error(
        `devdb: ${file} record ${entries.length + 1} (byte ${offset}) is not valid (${(err as Error).message}); \`pnpm db:reset\` starts afresh`,
      );
    }
    offset += length;
  }
  return { entries, tornTail: false };
}
