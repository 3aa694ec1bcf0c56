// The database a conformance test file runs against: MONGODB_URI (a real server, in a throw-away database
// xd_conformance_<random>, dropped afterwards) when set, else an embedded server of its own.
import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { mongooseConnectOptions, startEmbeddedMongo, type EmbeddedMongo } from '../index';

export interface ConformanceDb {
  conn: Connection;
  /** 'external' for MONGODB_URI, else the embedded server's kind. */
  kind: 'external' | EmbeddedMongo['kind'];
  close(): Promise<void>;
}

export async function openConformanceDb(dbName: string): Promise<ConformanceDb> {
  const externalUri = process.env.MONGODB_URI;
  let server: EmbeddedMongo | undefined;
  let conn: Connection;
  if (externalUri) {
    conn = mongoose.createConnection(externalUri, { dbName: `xd_conformance_${randomBytes(4).toString('hex')}` });
  } else {
    server = await startEmbeddedMongo({ dbName });
    conn = mongoose.createConnection(server.uri, mongooseConnectOptions(server.kind));
  }
  await conn.asPromise();
  const kind = server ? server.kind : 'external';
  console.log(`conformance suite (${dbName}) against ${externalUri ? 'MONGODB_URI' : kind}`);
  return {
    conn,
    kind,
    async close() {
      if (externalUri) await conn.dropDatabase();
      await conn.close();
      await server?.stop();
    },
  };
}
