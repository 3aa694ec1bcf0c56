// Run as a child process by conformance-persistence.test.ts, to be killed with SIGKILL mid-write: a dev server
// on the directory given as argument, written to in a loop through a real connection. Each acknowledged
// insert is printed ("acked <n>"), so the test knows what the server confirmed before it died.
import mongoose from 'mongoose';
import { startDevServer } from '../dev-server';

const dir = process.argv[2];
if (!dir) throw new Error('usage: dev-server-child <dir>');
const server = await startDevServer({ dir, port: 0 });
const client = await new mongoose.mongo.MongoClient(server.uri('crash'), { serverMonitoringMode: 'poll' }).connect();
const events = client.db('crash').collection<{ _id: number; at: Date; body: Buffer }>('events');
await events.createIndex({ at: 1 });
console.log(`ready ${server.port}`);
for (let i = 0; ; i++) {
  await events.insertOne({ _id: i, at: new Date(), body: Buffer.alloc(64, i % 256) });
  if (i % 10 === 0) await events.updateOne({ _id: Math.floor(i / 2) }, { $set: { touched: true } });
  console.log(`acked ${i}`);
}
