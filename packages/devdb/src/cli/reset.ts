// `pnpm db:reset`: empty the development database. A running dev server drops its databases (so its
// clients carry on with an empty database); otherwise its data files are deleted.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { devServerSettings, findDevServer } from '../dev-server';
import { lockHolder } from '../persistence/data-dir';

const { dir } = devServerSettings();
if (lockHolder(dir) !== undefined) {
  const server = await findDevServer();
  if (!server) throw new Error(`devdb: a server holds ${dir} but does not answer; stop it and run db:reset again`);
  const client = await new mongoose.mongo.MongoClient(server.uri, { serverMonitoringMode: 'poll' }).connect();
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    const names = databases.map((d) => d.name).filter((name) => !['admin', 'local', 'config'].includes(name));
    for (const name of names) await client.db(name).dropDatabase();
    console.log(`devdb: dropped ${names.length ? names.join(', ') : 'nothing (it was empty)'} on the running server (${server.uri})`);
  } finally {
    await client.close();
  }
} else {
  let removed = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (/^(snapshot|journal-\d+)\.(jsonl|bson)(\.tmp)?$/.test(name)) {
        rmSync(path.join(dir, name), { force: true });
        removed++;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  console.log(`devdb: ${removed ? `removed ${removed} data files from` : 'nothing to remove in'} ${dir}`);
}
