// A stand-in for the mongod binary, for testing the mongod path of startEmbeddedMongo on a machine without
// MongoDB: it takes mongod's command line as mongodb-memory-server passes it, serves CongoDB on the requested
// port, prints mongod's "Waiting for connections" log line, and exits on SIGINT/SIGTERM like mongod.
// (devdb.test.ts wraps it in a shell script that also answers `mongod --version`.)
import { startCongoDb } from '../congodb/server';

const args = process.argv.slice(2);
const portArg = args[args.indexOf('--port') + 1];
const port = Number(portArg);
if (!args.includes('--port') || !Number.isInteger(port)) {
  console.error(`stand-in mongod: expected --port <n>, got ${JSON.stringify(args)}`);
  process.exit(2);
}
const server = await startCongoDb({ port });
console.log(JSON.stringify({ t: { $date: new Date().toISOString() }, s: 'I', c: 'NETWORK', msg: 'Waiting for connections', attr: { port } }));
const stop = async (): Promise<void> => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
