// `pnpm --filter @xiaodian/devdb dev` (started by the root `pnpm dev`): the development database as a
// process of its own, until SIGINT/SIGTERM. XD_DEVDB_PORT and XD_DEVDB_DIR choose where.
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
console.log(
  `devdb: development MongoDB (CongoDB) on ${server.uri('<db>')} — ready in ${Math.round(performance.now() - t0)} ms\n` +
    `devdb: data in ${server.dir} (empty it with \`pnpm db:reset\`)`,
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
