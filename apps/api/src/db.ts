// The database connection: MONGODB_URI when given (production: a replica set or hosted cluster), otherwise
// an embedded server started in-process (development and tests; refused in production by config.ts).
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';

export interface Database {
  connection: Connection;
  /** 'external' for MONGODB_URI, or the embedded server's kind. */
  kind: string;
  close(): Promise<void>;
}

export async function connectDatabase(uri: string | undefined, log: Logger): Promise<Database> {
  // Loaded only when needed, so a production instance never loads the embedded server's code.
  const devdb = uri ? undefined : await import('@xiaodian/devdb');
  const embedded = devdb ? await devdb.startEmbeddedMongo({ log: (msg) => log.info(msg) }) : undefined;
  const kind = embedded ? embedded.kind : 'external';
  const connection = mongoose.createConnection(uri ?? embedded!.uri, {
    ...(devdb && embedded ? devdb.mongooseConnectOptions(embedded.kind) : {}),
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
