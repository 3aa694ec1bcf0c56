// The database connection: MONGODB_URI when given (production: a replica set or hosted cluster); otherwise, in
// development, the persistent development database when it runs (`pnpm dev` starts it), else an embedded
// server started in-process (tests always get this one; refused in production by config.ts).
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';

export interface Database {
  connection: Connection;
  /** 'external' for MONGODB_URI, 'devdb' for the shared development database, or the embedded server's kind. */
  kind: string;
  close(): Promise<void>;
}

export interface ConnectDatabaseOptions {
  /**
   * The app's environment (config.env). Only 'development' joins the shared development database; 'test'
   * starts a throw-away embedded server, so tests never write into development data. Default 'development',
   * config's default; the development database also refuses to be found under NODE_ENV=test.
   */
  env?: 'development' | 'production' | 'test';
}

/** How long a starting `pnpm dev` may take to bring the development database up before we start our own. */
const DEV_DATABASE_GRACE_MS = 2_000;

export async function connectDatabase(uri: string | undefined, log: Logger, options: ConnectDatabaseOptions = {}): Promise<Database> {
  // Loaded only when needed, so a production instance never loads the embedded server's code.
  const devdb = uri ? undefined : await import('@xiaodian/devdb');
  const shared =
    devdb && (options.env ?? 'development') === 'development'
      ? await devdb.findDevServer({ appearWithinMs: DEV_DATABASE_GRACE_MS })
      : undefined;
  if (shared) log.info({ data: shared.dir }, `using the development database at ${shared.uri} (pnpm db:reset empties it)`);
  const embedded = devdb && !shared ? await devdb.startEmbeddedMongo({ log: (msg) => log.info(msg) }) : undefined;
  const kind = shared ? 'devdb' : embedded ? embedded.kind : 'external';
  const target = uri ?? (shared ? `${shared.uri}/xiaodian` : embedded!.uri);
  const connection = mongoose.createConnection(target, {
    ...(devdb ? devdb.mongooseConnectOptions(embedded ? embedded.kind : 'congodb') : {}),
    // Fail fast instead of buffering commands forever when the database is away.
    serverSelectionTimeoutMS: 10_000,
  });
  // The product never relies on mongoose buffering: every query runs against a live connection.
  connection.set('bufferCommands', false);
  await connection.asPromise();
  log.info({ database: kind }, 'database connected');
  return {
    connection,
    kind,
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}
