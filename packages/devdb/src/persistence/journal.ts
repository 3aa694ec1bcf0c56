// The append-only journal of one generation. Lines are buffered and written with one write(2) at the end of
// each command (and at the latest on the next turn of the event loop), before the reply goes out, so a
// killed server process loses nothing it acknowledged: the kernel holds the written bytes. fdatasync runs
// every second, bounding what a crash of the whole machine can lose to the last second.
import { closeSync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { encodeLine } from './ejson-lines';
import { fsyncDir, journalName } from './data-dir';
import type { Doc } from '../congodb/bson-values';

export class Journal {
  private readonly fd: number;
  private pending: string[] = [];
  private flushScheduled = false;
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
    this.pending.push(encodeLine(entry));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write what is buffered (one system call). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.fd, data, offset);
    this.bytes += data.length;
    this.unsynced = true;
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
