// The files of a persistent database directory:
//   snapshot.jsonl        everything up to the end of journal <generation> (written to a temp file, fsynced,
//                         then renamed over the old one, so it is always either the old or the new snapshot)
//   journal-<n>.jsonl     append-only changes after that, one line each; replayed in order on start
//   LOCK                  the pid of the server using the directory
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeLine } from './ejson-lines';
import type { Doc } from '../congodb/bson-values';

export const SNAPSHOT = 'snapshot.jsonl';
export const LOCK = 'LOCK';

export function journalName(generation: number): string {
  return `journal-${String(generation).padStart(8, '0')}.jsonl`;
}

/** The journal generations present in `dir`, oldest first. */
export function journalGenerations(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => /^journal-(\d+)\.jsonl$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export interface ReadLines {
  entries: Doc[];
  /** A last line without its newline: a write cut short by a crash. It is skipped. */
  tornTail: boolean;
}

/** The entries of a JSON-lines file. A torn last line is skipped; a bad line anywhere else is an error. */
export function readLines(file: string): ReadLines {
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
