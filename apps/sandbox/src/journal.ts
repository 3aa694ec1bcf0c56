// The append-only journal (journal.jsonl) beside state.json. state.json is a snapshot written only now and
// then (store.ts), so a sandbox killed between two snapshots (kill -9, a crash, `tsx watch` giving up on a slow
// shutdown) would forget its last payments while the merchant's API already knows them: `?sync=1` and
// reconciliation would then disagree with "WeChat". So every change to a trade, refund or notification is
// appended here, as one JSON line, the moment it happens: between snapshots the journal is their only record on
// disk. Each snapshot records the number of the last line it includes and empties the journal, and one is
// written once the journal grows as large as the snapshot, so the journal stays about the snapshot's size.
//
// No fsync: the journal guards against the process dying, not the machine (the page cache survives kill -9).
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import type { NotificationRecord, RefundRecord, TradeRecord } from './records';

export type JournalEntry =
  | { n: number; kind: 'trade'; value: TradeRecord }
  | { n: number; kind: 'refund'; value: RefundRecord }
  | { n: number; kind: 'notification'; value: NotificationRecord };

export type JournalKind = JournalEntry['kind'];

/** The field naming each kind's record: a later line for the same key replaces the earlier one. */
const KEY_FIELD: Record<JournalKind, string> = { trade: 'out_trade_no', refund: 'out_refund_no', notification: 'id' };

function parseEntry(line: string): JournalEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { n, kind, value } = parsed as { n?: unknown; kind?: unknown; value?: unknown };
  if (typeof n !== 'number' || typeof kind !== 'string' || !(kind in KEY_FIELD)) return undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof (value as Record<string, unknown>)[KEY_FIELD[kind as JournalKind]] !== 'string') return undefined;
  return parsed as JournalEntry;
}

/**
 * Every readable entry, in order. A line that does not parse is skipped and counted: the last one can be cut
 * short by a crash mid-write, and losing that one change is better than refusing to start.
 */
export function readJournal(path: string): { entries: JournalEntry[]; skipped: number } {
  if (!existsSync(path)) return { entries: [], skipped: 0 };
  const entries: JournalEntry[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (entry) entries.push(entry);
    else skipped += 1;
  }
  return { entries, skipped };
}

/** Appends entries numbered after `lastN` (the last number already used, in the snapshot or the journal). */
export class Journal {
  private fd: number | undefined;
  private written: number;

  constructor(
    private readonly path: string,
    private last: number,
  ) {
    this.written = existsSync(path) ? statSync(path).size : 0;
  }

  /** About how much the journal holds (UTF-16 units of the lines appended: a threshold, not an exact byte count). */
  get size(): number {
    return this.written;
  }

  /** The number of the last entry written. */
  get lastN(): number {
    return this.last;
  }

  append(kind: JournalKind, value: TradeRecord | RefundRecord | NotificationRecord): void {
    this.fd ??= openSync(this.path, 'a', 0o600);
    this.last += 1;
    // One write per line: a kill can only cut the line being written, never interleave two.
    const line = `${JSON.stringify({ n: this.last, kind, value })}\n`;
    writeSync(this.fd, line);
    this.written += line.length;
  }

  /** Empties the journal once a snapshot holds everything in it. */
  truncate(): void {
    if (this.fd !== undefined) ftruncateSync(this.fd, 0);
    else if (existsSync(this.path)) closeSync(openSync(this.path, 'w'));
    this.written = 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
