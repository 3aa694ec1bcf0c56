// `pnpm --filter @xiaodian/devdb start` (and `dev`, which the root `pnpm dev` runs): the development database as
// a process of its own, until SIGINT/SIGTERM. DEVDB_PORT and DEVDB_DATA_DIR choose where.
import { devServerSettings, startDevServer } from '../dev-server';
import { lockHolder } from '../persistence/data-dir';

const settings = devServerSettings();
const holder = lockHolder(settings.dir);
if (holder !== undefined) {
  console.log(`devdb: already running (process ${holder}) with data in ${settings.dir}; nothing to start`);
  process.exit(0);
}
const t0 = performance.now();
const server = await startDevServer({ ...settings, log: (msg) => console.log(msg) });
// One line when ready, with the URI other tools (and any number of API processes, as MONGODB_URI) connect to.
console.log(
  `devdb: ready on ${server.uri()} in ${Math.round(performance.now() - t0)} ms, data in ${server.dir} (empty it with \`pnpm db:reset\`)`,
);

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log(`devdb: ${signal}: saving a snapshot and stopping`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
