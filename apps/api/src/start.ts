// Starts one API instance on an existing HTTP server: shared by server.ts and the tests, so both run the
// same start-up (bootstrap admin, indexes, platform certificates, jobs).
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import { createApp } from './app';
import type { Config } from './config';
import { startMetricsListener, type MetricsListener } from './http/metrics-listener';
import { startJobs, type JobRunner } from './infra/job-runner';
import { seedDemoWhenListening } from './dev/seed-when-listening';
import { JOBS } from './jobs';
import type { Logger } from './logger';
import { migrateProductsToSkus } from './modules/catalog/migrate-skus';
import { registerDatabaseGauges } from './modules/monitoring/database-gauges';
import { ensureBootstrapAdmin } from './modules/staff/admin-login';
import { buildServices, loadPlatformCertificates, type BuiltServices } from './services';

export interface Instance {
  services: BuiltServices;
  jobs?: JobRunner;
  /** `GET /metrics`, when METRICS_PORT is set. */
  metrics?: MetricsListener;
  stop(): Promise<void>;
}

export async function startInstance(
  server: Server,
  deps: { config: Config; logger: Logger; db: Connection; jobs?: boolean; wechatPayRetryDelayMs?: number },
): Promise<Instance> {
  const services = buildServices(deps.config, deps.logger, deps.db, { wechatPayRetryDelayMs: deps.wechatPayRetryDelayMs });
  // Unique indexes are the product's guard against duplicates: they must exist before the first request.
  await Promise.all(Object.values(services.models).map((model) => model.createIndexes()));
  await ensureBootstrapAdmin(services, deps.config.admin);
  // Products from before SKUs get their one SKU before any order can name it.
  await migrateProductsToSkus(services.models);
  // WeChat asks for a refresh at least every 12 h (docs/wechat-pay.md §4); failures are logged by the refresher.
  // A merchant with only the public key has no certificates to refresh.
  if (await loadPlatformCertificates(services)) services.certificates.start(12 * 3600_000);
  server.on('request', createApp({ services, db: deps.db }).callback());
  if (deps.config.env === 'development') seedDemoWhenListening(server, services, deps);
  registerDatabaseGauges(services, deps.db);
  const metrics = deps.config.metrics ? await startMetricsListener(services.metrics, deps.config.metrics, deps.logger) : undefined;
  const jobs = (deps.jobs ?? deps.config.jobsEnabled) ? startJobs(services, JOBS) : undefined;
  return {
    services,
    jobs,
    metrics,
    async stop() {
      await metrics?.close();
      services.certificates.stop();
      await jobs?.stop();
      await services.drain();
    },
  };
}
