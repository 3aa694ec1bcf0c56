// The append-only journal of one generation. Entries are encoded into one buffer as they happen and written with
// one write(2) per turn of the event loop; the replies of the commands that made them wait for that write
// (`written`), so a killed server process loses nothing it acknowledged: the kernel holds the written bytes.
// Commands answered in the same turn (the API's connections send them side by side) share the write.
// fdatasync runs every second, bounding what a crash of the whole machine can lose to the last second.
import { closeSync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { RecordBuffer } from './bson-records';
import { fsyncDir, journalName } from './data-dir';
import type { Doc } from '../congodb/bson-values';

export class Journal {
  private readonly fd: number;
  private readonly pending = new RecordBuffer();
  private flushScheduled = false;
  /** Replies waiting for the entries appended before them to be written. */
  private waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private unsynced = false;
  private readonly syncTimer: NodeJS.Timeout;
  /** Bytes written so far, to decide when to compact. */
  bytes = 0;

  constructor(
    readonly dir: string,
    readonly generation: number,
    syncIntervalMs = 1000,
  ) {
    this.fd = openSync(path.join(dir, journalName(generation)), 'a');
    fsyncDir(dir);
    this.syncTimer = setInterval(() => this.sync(), syncIntervalMs);
    this.syncTimer.unref();
  }

  append(entry: Doc): void {
    this.pending.append(entry);
    this.scheduleFlush();
  }

  /**
   * Settles once every entry appended so far is written; undefined when nothing waits (no promise, no delay for
   * a read while the journal is idle).
   */
  written(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    this.scheduleFlush();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the I/O callbacks of this turn: every command that arrived with this one has appended by then.
    setImmediate(() => {
      try {
        this.flush();
      } catch {
        // flush() rejected the waiting replies with the error
      }
    });
  }

  /** Write what is buffered (one system call), then release the replies that waited for it. */
  flush(): void {
    this.flushScheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    try {
      if (this.pending.length > 0) {
        const data = this.pending.bytes();
        let offset = 0;
        while (offset < data.length) offset += writeSync(this.fd, data, offset);
        this.bytes += data.length;
        this.pending.clear();
        this.unsynced = true;
      }
    } catch (err) {
      for (const w of waiting) w.reject(err);
      throw err;
    }
    for (const w of waiting) w.resolve();
  }

  /** Make what is written durable on disk. */
  sync(): void {
    this.flush();
    if (!this.unsynced) return;
    this.unsynced = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.syncTimer);
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}
