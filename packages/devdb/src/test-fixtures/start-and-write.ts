// Run as a separate process by devdb.test.ts: start an embedded server, write through mongoose, report as JSON.
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKeyError, mongooseConnectOptions, startEmbeddedMongo } from '../index';

const started = performance.now();
const db = await startEmbeddedMongo({ engine: 'congodb', dbName: 'parallel' });
const startMs = performance.now() - started;
const conn = await mongoose.createConnection(db.uri, mongooseConnectOptions(db.kind)).asPromise();
const Ticket = conn.model('Ticket', new Schema({ code: { type: String, unique: true }, pid: Number }));
await Ticket.init();
// Every process writes the same codes twice: its own server must reject exactly the second half.
const writes = await Promise.allSettled(
  [...Array(20).keys(), ...Array(20).keys()].map((i) => Ticket.create({ code: `t${i}`, pid: process.pid })),
);
const duplicates = writes.filter((w) => w.status === 'rejected' && isDuplicateKeyError(w.reason)).length;
const count = await Ticket.countDocuments({ pid: process.pid });
await conn.close();
await db.stop();
console.log(JSON.stringify({ kind: db.kind, port: db.port, startMs, count, duplicates }));
