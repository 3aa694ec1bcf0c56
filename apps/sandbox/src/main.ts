// `pnpm --filter @xiaodian/sandbox start`: the sandbox alone, configured by SANDBOX_* variables.
import { readSandboxConfig } from './config';
import { startSandbox } from './sandbox';

let config;
try {
  config = readSandboxConfig();
} catch (error) {
  console.error(`[sandbox] ${(error as Error).message}`);
  process.exit(1);
}

const sandbox = await startSandbox({
  port: config.port,
  host: config.host,
  dataDir: config.dataDir,
  timeScale: config.timeScale,
  keyMode: config.keyMode,
  autoSettleRefundsMs: config.autoSettleRefundsMs,
  publicUrl: config.publicUrl,
  pushUrl: config.pushUrl,
});
console.log(
  `[sandbox] WeChat sandbox ready at ${sandbox.url} (dashboard ${sandbox.url}/__sandbox/, ${sandbox.created ? 'new identities' : 'identities'} and api.env in ${config.dataDir}, keys ${config.keyMode}, time scale ${config.timeScale}, ` +
    `${config.autoSettleRefundsMs > 0 ? `refunds settle by themselves after ${config.autoSettleRefundsMs} ms` : 'refunds settled by hand'}, pushes to ${config.pushUrl})`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  });
}
