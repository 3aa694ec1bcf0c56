// A CongoDB server (MongoDB wire protocol, in this process, memory storage) with our fixes installed.
import type { Server } from 'node:net';
import { CongoServer, type MemoryStorageAdapter } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import type { ICommandHandler, IHandlerContext } from '@push.rocks/smartmongo/dist_ts/congodb/server/CommandRouter.js';
import type { IParsedCommand } from '@push.rocks/smartmongo/dist_ts/congodb/server/WireProtocol.js';
import { IndexHandler, InsertHandler, UpdateHandler } from './handlers';
import { applyEnginePatches } from './patches';
import { applyPullPatch } from './pull';
import { applyWirePatches } from './wire';
import { DeleteHandler, IndexedReadHandler } from './read-handlers';
import { patchStorage, type StorageInternals } from './storage';
import { startTtlMonitor } from './ttl';
import { attachPersistence, type Persistence, type PersistenceOptions } from '../persistence/persistent-storage';

export interface CongoDbOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** How often expired TTL documents are deleted. Default 60 000 ms, like mongod. */
  ttlMonitorIntervalMs?: number;
  /** Keep the data in this directory (journal and snapshots) instead of only in memory. */
  persistence?: Omit<PersistenceOptions, 'log'>;
  log?: (msg: string) => void;
}

export interface RunningCongoDb {
  host: string;
  port: number;
  /** The storage adapter, for tests of this package. */
  storage: StorageInternals;
  /** The data directory's journal, when the server persists. */
  persistence?: Persistence;
  stop(): Promise<void>;
}

interface Internals {
  storage: MemoryStorageAdapter;
  server: Server | null;
  commandRouter: {
    handlers: Map<string, ICommandHandler>;
    route(command: IParsedCommand): Promise<Record<string, unknown>>;
  };
}

/** A standalone mongod refuses transactions with exactly this; CongoDB accepted them and never rolled back. */
const TRANSACTIONS_REFUSED = {
  ok: 0,
  code: 20,
  codeName: 'IllegalOperation',
  errmsg: 'Transaction numbers are only allowed on a replica set member or mongos',
};

/**
 * CongoDB answers every `hello` with a new random topologyVersion, which tells the driver this server streams
 * its state: the driver then sends "awaitable" hellos and expects each answer to be the start of a stream
 * (OP_MSG moreToCome). CongoDB cannot stream; a single reply made the driver mark the server unknown and clear
 * its connection pool every heartbeat, failing whatever was in flight. Without a topologyVersion the driver
 * polls, as it does with any server that does not stream: that is what a client with default options gets.
 */
class HelloHandler implements ICommandHandler {
  constructor(private readonly inner: ICommandHandler) {}

  async handle(ctx: IHandlerContext): Promise<Record<string, unknown>> {
    const reply = (await this.inner.handle(ctx)) as Record<string, unknown>;
    delete reply.topologyVersion;
    return reply;
  }
}

/** How often each command ran, and failed, on this server: serverStatus's `metrics.commands`, as mongod reports it. */
type CommandCounts = Map<string, { total: number; failed: number }>;

/** serverStatus with the command counters a real mongod reports (tools and `pnpm bench` count round trips with them). */
class ServerStatusHandler implements ICommandHandler {
  constructor(
    private readonly inner: ICommandHandler,
    private readonly counts: CommandCounts,
  ) {}

  async handle(ctx: IHandlerContext): Promise<Record<string, unknown>> {
    const reply = (await this.inner.handle(ctx)) as Record<string, unknown>;
    const commands = Object.fromEntries([...this.counts].map(([name, c]) => [name, { total: c.total, failed: c.failed }]));
    return { ...reply, metrics: { commands } };
  }
}

export async function startCongoDb(options: CongoDbOptions = {}): Promise<RunningCongoDb> {
  applyEnginePatches();
  applyPullPatch();
  applyWirePatches();
  const host = options.host ?? '127.0.0.1';
  const server = new CongoServer({ host, port: options.port ?? 0, storage: 'memory' });
  const internals = server as unknown as Internals;
  const storage = patchStorage(internals.storage);
  const persistence = options.persistence
    ? attachPersistence(storage, { ...options.persistence, ...(options.log ? { log: options.log } : {}) })
    : undefined;

  const router = internals.commandRouter;
  const update = new UpdateHandler();
  const index = new IndexHandler();
  router.handlers.set('insert', new InsertHandler());
  router.handlers.set('update', update);
  router.handlers.set('findAndModify', update);
  for (const name of ['createIndexes', 'dropIndexes', 'listIndexes']) router.handlers.set(name, index);
  router.handlers.set('delete', new DeleteHandler());
  for (const name of ['find', 'count', 'distinct', 'aggregate']) {
    const inner = router.handlers.get(name);
    if (inner) router.handlers.set(name, new IndexedReadHandler(inner));
  }
  const originalHello = router.handlers.get('hello');
  const hello = originalHello ? new HelloHandler(originalHello) : undefined;
  if (hello) for (const name of ['hello', 'ismaster', 'isMaster']) router.handlers.set(name, hello);

  const counts: CommandCounts = new Map();
  const originalStatus = router.handlers.get('serverStatus');
  if (originalStatus) router.handlers.set('serverStatus', new ServerStatusHandler(originalStatus, counts));

  const route = router.route.bind(router);
  router.route = async (parsed) => {
    const { command } = parsed;
    if (command.startTransaction === true || command.autocommit === false) return { ...TRANSACTIONS_REFUSED };
    const name = Object.keys(command)[0] ?? '';
    let count = counts.get(name);
    if (!count) counts.set(name, (count = { total: 0, failed: 0 }));
    count.total++;
    try {
      const reply = await route(parsed);
      if (reply.ok !== 1) count.failed++;
      return reply;
    } catch (err) {
      count.failed++;
      throw err;
    } finally {
      // The command's changes (and those of every command before it) reach the journal file before its reply
      // reaches the client: a reply never shows what a kill -9 could still take back.
      const written = persistence?.written();
      if (written) await written;
    }
  };

  try {
    await server.start();
  } catch (err) {
    persistence?.close();
    throw err;
  }
  const address = internals.server?.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const stopTtl = startTtlMonitor(storage, options.ttlMonitorIntervalMs ?? 60_000);

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    storage,
    ...(persistence ? { persistence } : {}),
    stop() {
      stopping ??= (async () => {
        stopTtl();
        await server.stop();
        persistence?.close();
      })();
      return stopping;
    },
  };
}
