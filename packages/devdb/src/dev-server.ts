// The development database: CongoDB as a process of its own on a fixed local port, with its data kept in a
// directory (journal + snapshots, see persistence/), so it survives restarts of the API and of itself.
// `pnpm dev` starts it (this package's `dev` script, the same as `start`); the API in development joins it when it is running.
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCongoDb, type RunningCongoDb } from './congodb/server';
import { lockHolder } from './persistence/data-dir';

export interface DevServerSettings {
  host: string;
  /** DEVDB_PORT, default 27017 (MongoDB's own port: tools find it where they expect a MongoDB). */
  port: number;
  /** DEVDB_DATA_DIR, default `<repository>/.devdb` (git-ignored). */
  dir: string;
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function devServerSettings(env: NodeJS.ProcessEnv = process.env): DevServerSettings {
  const port = env.DEVDB_PORT ? Number(env.DEVDB_PORT) : 27017;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`DEVDB_PORT must be a TCP port number (got "${env.DEVDB_PORT}")`);
  }
  return { host: '127.0.0.1', port, dir: path.resolve(env.DEVDB_DATA_DIR || path.join(repositoryRoot, '.devdb')) };
}

export interface RunningDevServer extends DevServerSettings {
  /** mongodb://host:port/<dbName> */
  uri(dbName?: string): string;
  congo: RunningCongoDb;
  /** Stops listening, compacts the journal into a snapshot and releases the directory. */
  stop(): Promise<void>;
}

/** Start the development database in this process (the `dev` script runs this in a process of its own). */
export async function startDevServer(
  options: Partial<DevServerSettings> & { log?: (msg: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningDevServer> {
  const settings = { ...devServerSettings(options.env), ...definedOnly(options) };
  const congo = await startCongoDb({
    host: settings.host,
    port: settings.port,
    persistence: { dir: settings.dir },
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    ...settings,
    port: congo.port,
    congo,
    uri: (dbName = 'xiaodian') => `mongodb://${settings.host}:${congo.port}/${dbName}`,
    stop: () => congo.stop(),
  };
}

function definedOnly(options: Partial<DevServerSettings>): Partial<DevServerSettings> {
  const out: Partial<DevServerSettings> = {};
  if (options.host !== undefined) out.host = options.host;
  if (options.port !== undefined) out.port = options.port;
  if (options.dir !== undefined) out.dir = options.dir;
  return out;
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface FindDevServerOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * How long to wait for a development database that has not started listening yet. One that holds its data
   * directory (it is loading its data) is always waited for, up to 60 s.
   */
  appearWithinMs?: number;
}

/**
 * The address of the development database if one is running (or starting), else undefined. Never under
 * NODE_ENV=test: tests get a throw-away server of their own and must not write into development data.
 */
export async function findDevServer(options: FindDevServerOptions = {}): Promise<{ uri: string; dir: string } | undefined> {
  const env = options.env ?? process.env;
  if (env.NODE_ENV === 'test') return undefined;
  const { host, port, dir } = devServerSettings(env);
  const found = { uri: `mongodb://${host}:${port}`, dir };
  const appearBy = Date.now() + (options.appearWithinMs ?? 0);
  const loadingBy = Date.now() + 60_000;
  for (;;) {
    if (await isListening(host, port)) return found;
    const starting = lockHolder(dir) !== undefined;
    if (Date.now() > (starting ? loadingBy : appearBy)) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}
