// Development's demo shop, seeded once the instance listens (the seed goes through its HTTP routes). A failure
// is a warning, not a crash: the API works without a demo, and the next start carries on where this one stopped.
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import type { Services } from '../context';
import type { Logger } from '../logger';
import { seedDemoCatalog } from './seed-demo';

export function seedDemoWhenListening(server: Server, services: Pick<Services, 'models' | 'tokens'>, deps: { config: Config; logger: Logger; db: Connection }): void {
  const owner = deps.config.admin?.username;
  if (!owner) return;
  server.once('listening', () => {
    const address = server.address();
    if (!address || typeof address === 'string') return;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    seedDemoCatalog({ services, db: deps.db, logger: deps.logger, baseUrl: `http://${host}:${address.port}`, owner }).catch((err: unknown) => {
      deps.logger.warn({ err }, 'demo shop not seeded (the next start tries again)');
    });
  });
}
