// @xiaodian/devdb: the database the API uses when MONGODB_URI is unset (development and tests).
import { startCongoDb } from './congodb/server';
import { locateMongod, startMongod } from './mongod';

export {
  devServerSettings,
  findDevServer,
  startDevServer,
  type DevServerSettings,
  type FindDevServerOptions,
  type RunningDevServer,
} from './dev-server';

export type EmbeddedMongoKind = 'mongod' | 'congodb';

export interface EmbeddedMongoOptions {
  /** Database name put into the URI. Default "xiaodian". */
  dbName?: string;
  /** Which server to run. Default: XD_DEVDB_ENGINE, else "auto" (a real mongod when one is available, else CongoDB). */
  engine?: 'auto' | EmbeddedMongoKind;
  /** Let mongodb-memory-server download a mongod when none is on this machine. Default: XD_DEVDB_ALLOW_DOWNLOAD=1. */
  allowDownload?: boolean;
  /** TCP port; by default a free one is picked, so any number of instances can run side by side. */
  port?: number;
  /** CongoDB only: how often expired TTL documents are deleted. Default 60 000 ms, like mongod. */
  ttlMonitorIntervalMs?: number;
  /** Where to say which server was chosen and why. Default: silent. */
  log?: (msg: string) => void;
  /** Environment to read the defaults from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface EmbeddedMongo {
  /** mongodb://127.0.0.1:<port>/<dbName> */
  uri: string;
  kind: EmbeddedMongoKind;
  dbName: string;
  host: string;
  port: number;
  /** Stops the server and frees its memory (mongod: also its temporary data directory). Safe to call twice. */
  stop(): Promise<void>;
}

function engineFrom(options: EmbeddedMongoOptions, env: NodeJS.ProcessEnv): 'auto' | EmbeddedMongoKind {
  const engine = options.engine ?? (env.XD_DEVDB_ENGINE || 'auto');
  if (engine !== 'auto' && engine !== 'mongod' && engine !== 'congodb') {
    throw new Error(`XD_DEVDB_ENGINE must be auto, mongod or congodb (got "${engine}")`);
  }
  return engine;
}

/**
 * Start an embedded MongoDB: a real mongod (through mongodb-memory-server-core) when a binary is on this
 * machine, otherwise CongoDB, an in-process server speaking the MongoDB wire protocol. Connect with
 * `mongoose.connect(db.uri, mongooseConnectOptions(db.kind))`.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const dbName = options.dbName ?? 'xiaodian';
  const engine = engineFrom(options, env);
  const allowDownload = options.allowDownload ?? env.XD_DEVDB_ALLOW_DOWNLOAD === '1';

  if (engine !== 'congodb') {
    const binary = await locateMongod(env, allowDownload);
    if (binary) {
      try {
        const mongod = await startMongod(binary, options.port);
        log(`devdb: mongod (${binary.path ?? 'downloaded'}, from ${binary.source}) on port ${mongod.port}`);
        return { ...mongod, kind: 'mongod', dbName, uri: `mongodb://${mongod.host}:${mongod.port}/${dbName}` };
      } catch (err) {
        if (engine === 'mongod') throw err;
        log(`devdb: mongod from ${binary.source} did not start (${err instanceof Error ? err.message : String(err)}); using CongoDB`);
      }
    } else if (engine === 'mongod') {
      throw new Error(
        'devdb: no mongod binary (MONGOMS_SYSTEM_BINARY, PATH, mongodb-memory-server cache); set XD_DEVDB_ALLOW_DOWNLOAD=1 to download one',
      );
    } else {
      log('devdb: no mongod binary found; using CongoDB (in-process)');
    }
  }

  const congo = await startCongoDb({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.ttlMonitorIntervalMs !== undefined ? { ttlMonitorIntervalMs: options.ttlMonitorIntervalMs } : {}),
  });
  log(`devdb: CongoDB on port ${congo.port}`);
  return {
    kind: 'congodb',
    dbName,
    host: congo.host,
    port: congo.port,
    uri: `mongodb://${congo.host}:${congo.port}/${dbName}`,
    stop: () => congo.stop(),
  };
}

/** Options a mongoose (or MongoDB driver) connection to the embedded server must use. */
export interface EmbeddedConnectOptions {
  serverMonitoringMode?: 'poll';
}

/**
 * CongoDB: `serverMonitoringMode: 'poll'`, the mode this package is tested with (the driver's default streaming
 * monitor was reported to break bursts of concurrent operations against CongoDB). mongod and external servers
 * need nothing; 'poll' would be harmless there too.
 */
export function mongooseConnectOptions(kind: EmbeddedMongoKind | 'external'): EmbeddedConnectOptions {
  return kind === 'congodb' ? { serverMonitoringMode: 'poll' } : {};
}

type ErrorLike = { code?: unknown; writeErrors?: unknown; cause?: unknown; keyPattern?: unknown; keyValue?: unknown };

function asErrorLike(err: unknown): ErrorLike | undefined {
  return err !== null && typeof err === 'object' ? (err as ErrorLike) : undefined;
}

/**
 * True for a unique index violation (E11000) from a real server or from CongoDB, as surfaced by mongoose or
 * the driver: a single write's MongoServerError, or a bulk/insertMany error whose write errors include one.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = asErrorLike(err);
  if (!e) return false;
  if (e.code === 11000 || e.code === 11001) return true;
  if (Array.isArray(e.writeErrors)) {
    return e.writeErrors.some((w) => {
      const we = asErrorLike(w);
      return we?.code === 11000 || asErrorLike((we as { err?: unknown } | undefined)?.err)?.code === 11000;
    });
  }
  return e.cause !== undefined && e.cause !== err ? isDuplicateKeyError(e.cause) : false;
}

/** The index fields and values of a duplicate key error (`{ keyPattern: { openid: 1 }, keyValue: { openid: 'x' } }`). */
export function duplicateKeyOf(
  err: unknown,
): { keyPattern: Record<string, unknown>; keyValue: Record<string, unknown> } | undefined {
  const e = asErrorLike(err);
  if (!e || !isDuplicateKeyError(err)) return undefined;
  if (e.keyPattern && e.keyValue) {
    return { keyPattern: e.keyPattern as Record<string, unknown>, keyValue: e.keyValue as Record<string, unknown> };
  }
  if (Array.isArray(e.writeErrors)) {
    for (const w of e.writeErrors) {
      const found = duplicateKeyOf((w as { err?: unknown })?.err ?? w);
      if (found) return found;
    }
  }
  return e.cause !== undefined && e.cause !== err ? duplicateKeyOf(e.cause) : undefined;
}
