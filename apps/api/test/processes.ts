// Child processes for tests that run the product as it is deployed: the devdb server, the sandbox command and
// API processes, each a `node --import tsx <entry>` of its own in its own process group, so that stopping one
// (SIGTERM, then SIGKILL to the group after a deadline) leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface Child {
  name: string;
  pid: number;
  /** Every line written to stdout or stderr so far. */
  lines: string[];
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** The package directory: `tsx` is resolved from it. */
  cwd: string;
  /** The TypeScript entry, relative to `cwd`. */
  entry: string;
  env: Record<string, string>;
  /** Output is also written here (kept for a failed run). */
  logFile: string;
}

/** The environment a child starts from: PATH and HOME, none of the test runner's configuration. */
export function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

export function spawnChild(options: SpawnOptions): Child {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', options.entry], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group: killed as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const file: WriteStream = createWriteStream(options.logFile);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
  });
  for (const stream of [proc.stdout!, proc.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      file.write(chunk);
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    stream.on('end', () => {
      if (rest) lines.push(rest);
    });
  }
  const pid = proc.pid!;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name: options.name,
    pid,
    lines,
    exited: () => exit !== undefined,
    async waitFor(pattern, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (let seen = 0; ; ) {
        for (; seen < lines.length; seen++) {
          const match = pattern.exec(lines[seen]!);
          if (match) return match;
        }
        if (exit) throw new Error(`${options.name} exited (${exit.code ?? exit.signal}) before printing ${pattern}:\n${lines.slice(-30).join('\n')}`);
        if (Date.now() > until) throw new Error(`${options.name} did not print ${pattern} within ${timeoutMs} ms:\n${lines.slice(-30).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(graceMs = 15_000) {
      if (!exit) {
        signalGroup('SIGTERM');
        const killed = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exitedPromise;
        clearTimeout(killed);
      }
      // Anything the entry started in its group goes with it.
      signalGroup('SIGKILL');
      await new Promise<void>((resolve) => file.end(resolve));
    },
  };
}

/** A port nobody listens on right now (for commands that need a number up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
