// The API process: configuration, database, HTTP listener, background jobs, and a clean stop on SIGTERM.
import { ConfigError, loadConfig, type Config } from './config';
import { connectDatabase } from './db';
import { createListener } from './http/listener';
import { createLogger, prettyDestination } from './logger';
import { startInstance } from './start';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  // Readable in a developer's terminal (or with LOG_PRETTY=1, as `pnpm dev` sets); JSON everywhere else.
  const pretty = config.logPretty ?? (config.env === 'development' && process.stdout.isTTY);
  const logger = createLogger(config.logLevel, pretty ? await prettyDestination() : undefined);
  const database = await connectDatabase(config.mongodbUri, logger, { env: config.env });
  const server = createListener();
  const instance = await startInstance(server, { config, logger, db: database.connection });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  if (instance.metrics) logger.info(`metrics (Prometheus) at ${instance.metrics.url}/metrics`);
  logger.info({ host: config.host, port, env: config.env, database: database.kind }, `Xiaodian API ready on http://${shown}:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await instance.stop();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
