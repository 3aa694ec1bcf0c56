// The shop's state as gauges, read from the database at scrape time: every instance reports the same numbers, so
// Prometheus may scrape any or all of them (alert on max(), not sum()). Each read is one indexed query or a
// small aggregation; a scrape every 15-60 s costs the database next to nothing.
import type { Connection } from 'mongoose';
import { ANOMALY_KINDS, ORDER_STATUSES } from '@xiaodian/shared';
import type { Services } from '../../context';

/** The refund states that still wait for WeChat (PENDING: not yet accepted; PROCESSING: accepted, not settled). */
const WAITING_REFUNDS = ['PENDING', 'PROCESSING'] as const;

const countsBy = async (rows: Promise<Array<{ _id: string; n: number }>>, keys: readonly string[]): Promise<Map<string, number>> => {
  const counts = new Map(keys.map((k) => [k, 0]));
  for (const row of await rows) counts.set(row._id, row.n);
  return counts;
};

interface DriverPool {
  totalConnectionCount?: number;
  currentCheckedOutCount?: number;
}

function poolsOf(db: Connection): DriverPool[] {
  const topology = (db.getClient() as unknown as { topology?: { s?: { servers?: Map<string, { pool?: DriverPool }> } } }).topology;
  const servers = topology?.s?.servers;
  if (!(servers instanceof Map)) return [];
  return [...servers.values()].flatMap((server) => (server.pool ? [server.pool] : []));
}

export function registerDatabaseGauges(s: Pick<Services, 'metrics' | 'models'>, db: Connection): void {
  const { metrics, models } = s;

  metrics.gauge('xiaodian_orders', 'Orders by status (every status is reported, 0 included)', ['status'], async () => {
    const rows = models.Order.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]);
    return [...(await countsBy(rows, ORDER_STATUSES))].map(([status, n]) => [{ status }, n]);
  });

  metrics.gauge('xiaodian_anomalies_open', 'Anomalies waiting for an admin (status OPEN), by kind', ['kind'], async () => {
    const rows = models.Anomaly.aggregate<{ _id: string; n: number }>([{ $match: { status: 'OPEN' } }, { $group: { _id: '$kind', n: { $sum: 1 } } }]);
    return [...(await countsBy(rows, ANOMALY_KINDS))].map(([kind, n]) => [{ kind }, n]);
  });

  metrics.gauge('xiaodian_refunds_pending', 'Refunds not settled yet, by status (PENDING: not accepted by WeChat yet; PROCESSING: accepted)', ['status'], async () =>
    Promise.all(WAITING_REFUNDS.map(async (status) => [{ status }, await models.Refund.countDocuments({ status })] as [{ status: string }, number])),
  );

  metrics.gauge(
    'xiaodian_payment_sync_overdue_seconds',
    'How long the most overdue pending payment attempt has waited for its query to WeChat (0: none overdue); the payment-sync job keeps it under its 10 s period',
    [],
    async () => {
      const now = new Date();
      const oldest = await models.PaymentAttempt.findOne({ status: 'PREPAID', nextSyncAt: { $lte: now } }, { nextSyncAt: 1 })
        .sort({ nextSyncAt: 1 })
        .lean<{ nextSyncAt: Date }>();
      return [[{}, oldest ? (now.getTime() - oldest.nextSyncAt.getTime()) / 1000 : 0]];
    },
  );

  metrics.gauge(
    'xiaodian_reconciliation_latest_day_timestamp_seconds',
    'Start (00:00 Beijing, Unix time) of the newest bill day reconciled completely; absent before the first reconciliation',
    [],
    async () => {
      const latest = await models.Reconciliation.findOne({ status: 'DONE', provisional: { $ne: true } }, { date: 1 }).sort({ date: -1 }).lean<{ date: string }>();
      return latest ? [[{}, Date.parse(`${latest.date}T00:00:00+08:00`) / 1000]] : [];
    },
  );

  // The connection as mongoose sees it (0 disconnected, 1 connected, 2 connecting, 3 disconnecting) and the
  // driver's pools (one per server it talks to). The driver has no public pool statistics; its pools expose these
  // counters, read defensively: a driver that moved them reports nothing rather than wrong numbers.
  metrics.gauge('xiaodian_mongodb_ready_state', 'mongoose connection state: 0 disconnected, 1 connected, 2 connecting, 3 disconnecting', [], async () => [[{}, db.readyState]]);
  metrics.gauge('xiaodian_mongodb_pool_connections', "Connections in this instance's MongoDB pools: open, and checked out by an operation", ['state'], async () => {
    const pools = poolsOf(db);
    if (pools.length === 0) return [];
    const sum = (key: keyof DriverPool) => pools.reduce((n, pool) => n + (typeof pool[key] === 'number' ? pool[key] : 0), 0);
    return [
      [{ state: 'open' }, sum('totalConnectionCount')],
      [{ state: 'in_use' }, sum('currentCheckedOutCount')],
    ];
  });

  // Subscribe messages will come with a durable outbox: its backlog (messages due and not yet sent) belongs here
  // then, as xiaodian_outbox_backlog. There is no outbox yet, so there is no such metric.
}
