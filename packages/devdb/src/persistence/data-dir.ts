// The files of a persistent database directory:
//   snapshot.bson         everything up to the end of journal <generation> (written to a temp file, fsynced,
//                         then renamed over the old one, so it is always either the old or the new snapshot)
//   journal-<n>.bson      append-only changes after that, one record each; replayed in order on start
//   LOCK                  the pid of the server using the directory
// Records are BSON documents (bson-records.ts). Directories written before that hold `snapshot.jsonl` and
// `journal-<n>.jsonl` of Extended JSON lines (ejson-lines.ts): they are read as they are, and the first
// compaction turns them into the files above.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeRecords } from './bson-records';
import { decodeLine } from './ejson-lines';
import type { Doc } from '../congodb/bson-values';

export const SNAPSHOT = 'snapshot.bson';
/** The snapshot of a directory written in Extended JSON lines. */
export const LINES_SNAPSHOT = 'snapshot.jsonl';
export const LOCK = 'LOCK';

export function journalName(generation: number, extension: 'bson' | 'jsonl' = 'bson'): string {
  return `journal-${String(generation).padStart(8, '0')}.${extension}`;
}

export interface JournalFile {
  generation: number;
  name: string;
}

/** The journals present in `dir` (either format), oldest first. */
export function journalFiles(dir: string): JournalFile[] {
  return readdirSync(dir)
    .map((name) => {
      const generation = /^journal-(\d+)\.(?:bson|jsonl)$/.exec(name)?.[1];
      return generation === undefined ? undefined : { generation: Number(generation), name };
    })
    .filter((f): f is JournalFile => f !== undefined)
    .sort((a, b) => a.generation - b.generation || (a.name < b.name ? -1 : 1));
}

/** The snapshot of `dir`: the BSON one, else one in Extended JSON lines, else none. */
export function snapshotFile(dir: string): string | undefined {
  for (const name of [SNAPSHOT, LINES_SNAPSHOT]) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

export interface ReadEntries {
  entries: Doc[];
  /** A last entry cut short by a crash. It is skipped. */
  tornTail: boolean;
}

/** The entries of a snapshot or journal of either format (by its extension). */
export function readEntries(file: string): ReadEntries {
  return file.endsWith('.jsonl') ? readLines(file) : decodeRecords(readFileSync(file), file);
}

/** The entries of a JSON-lines file. A torn last line is skipped; a bad line anywhere else is an error. */
export function readLines(file: string): ReadEntries {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const entries: Doc[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      entries.push(decodeLine(line));
    } catch (err) {
      throw new Error(`devdb: ${file} line ${i + 1} is not valid (${(err as Error).message}); \`pnpm db:reset\` starts afresh`);
    }
  });
  return { entries, tornTail: last.trim() !== '' };
}

/** Make the directory entries (a rename, a new or deleted file) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid holding `dir`, if that process is still running. */
export function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dir, LOCK), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Directories locked by servers in this process (the LOCK file alone cannot tell two of them apart). */
const lockedHere = new Set<string>();

/**
 * Claim `dir` for this process, so two servers never append to the same journal. A lock left by a process
 * that no longer runs (kill -9) is taken over. Returns the release function.
 */
export function lockDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const holder = lockedHere.has(dir) ? process.pid : lockHolder(dir);
  if (holder !== undefined && (holder !== process.pid || lockedHere.has(dir))) {
    throw new Error(`devdb: ${dir} is in use by process ${holder} (another devdb server); stop it or use another DEVDB_DATA_DIR`);
  }
  const file = path.join(dir, LOCK);
  writeFileSync(file, `${process.pid}\n`);
  lockedHere.add(dir);
  return () => {
    lockedHere.delete(dir);
    if (lockHolder(dir) === process.pid) rmSync(file, { force: true });
  };
}
