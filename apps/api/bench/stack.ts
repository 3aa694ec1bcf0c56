// The bench's shop, laid out as in development and production: the devdb server, the sandbox and the API each
// a process of its own (as `pnpm dev` and the two-instances test run them), the load client alone in the bench
// process. Sharing one event loop, the client, the API, the engine and the sandbox each waited for the others,
// and the ratios measured that queue instead of the API. Every process's CPU time can be read at any moment, so
// the bench can say where the time of each phase went.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose, { type Connection } from 'mongoose';
import { mongooseConnectOptions } from '@xiaodian/devdb';
import { createControlClient, type SandboxControl } from '@xiaodian/sandbox';
import { loadConfig, parseEnvFile, workspaceRoot, type Config } from '../src/config';
import { defineModels, type Models } from '../src/collections';
import { baseEnv, freePort, spawnChild, type Child } from '../test/processes';

const START_MS = 120_000;

export interface Stack {
  apiUrl: string;
  control: SandboxControl;
  /** The sandbox's data folder: its WeChat Pay keys sign the notifications the bench forges. */
  sandboxDir: string;
  /** What the sandbox wrote for the API (api.env): its identities and keys. */
  sandboxApiEnv: Record<string, string>;
  /** The configuration the API process runs with (its keys, for the crypto floor and the RSA yardstick). */
  config: Config;
  /** The API's own models on a connection of the bench, for checks after each phase (never for the load). */
  models: Models;
  /** CPU seconds (user + system) each process has used so far: the bench (load client), the API, devdb, the sandbox. */
  cpu(): CpuSeconds;
  /** Data commands (reads and writes) the database has answered so far by name, from serverStatus's metrics.commands. */
  dbCommands(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export type CpuSeconds = Record<'client' | 'api' | 'devdb' | 'sandbox', number>;

/** The commands that read or write data (not the drivers' monitoring, sessions or serverStatus itself). */
const DATA_COMMANDS = ['find', 'getMore', 'insert', 'update', 'delete', 'findAndModify', 'aggregate', 'count', 'distinct'];

const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

/** CPU seconds a child has used: utime + stime from /proc (0 once it is gone). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

export interface StackOptions {
  /** More variables for the API process (e.g. lifted per-shopper limits). */
  apiEnv?: Record<string, string>;
  /** Writes a V8 CPU profile of each server process into this folder when it stops (see cpu-profile.mjs). */
  cpuProfileDir?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const root = workspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
  const work = mkdtempSync(join(tmpdir(), 'xd-bench-'));
  const profiled = (name: string): Record<string, string> =>
    options.cpuProfileDir
      ? { NODE_OPTIONS: `--import=${fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url))}`, XD_BENCH_CPU_PROF_DIR: options.cpuProfileDir, XD_BENCH_CPU_PROF_NAME: name }
      : {};
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const children: Child[] = [];
  const stopAll = async () => {
    // The API first (it finishes in-flight work against the others), then the rest.
    await Promise.all(children.filter((c) => c.name === 'api').map((c) => c.stop()));
    await Promise.all(children.filter((c) => c.name !== 'api').map((c) => c.stop()));
  };
  try {
    const dbPort = await freePort();
    const db = spawnChild({
      name: 'devdb',
      cwd: join(root, 'packages/devdb'),
      entry: 'src/cli/dev-server.ts',
      env: { ...baseEnv(), ...profiled('devdb'), DEVDB_PORT: String(dbPort), DEVDB_DATA_DIR: join(work, 'devdb') },
      logFile: join(work, 'devdb.log'),
    });
    children.push(db);
    const sandbox = spawnChild({
      name: 'sandbox',
      cwd: join(root, 'apps/sandbox'),
      entry: 'src/main.ts',
      env: { ...baseEnv(), ...profiled('sandbox'), SANDBOX_PORT: '0', SANDBOX_DATA_DIR: join(work, 'sandbox'), SANDBOX_TIME_SCALE: '0.001' },
      logFile: join(work, 'sandbox.log'),
    });
    children.push(sandbox);
    const [dbReady, sandboxReady] = await Promise.all([
      db.waitFor(/devdb: ready on mongodb:\/\/127\.0\.0\.1:(\d+)\//, START_MS),
      sandbox.waitFor(/WeChat sandbox ready at (http:\/\/\S+) /, START_MS),
    ]);
    const mongoUri = `mongodb://127.0.0.1:${dbReady[1]}/xiaodian`;
    const sandboxDir = join(work, 'sandbox');
    const sandboxApiEnv = parseEnvFile(readFileSync(join(sandboxDir, 'api.env'), 'utf8'));
    const env = {
      ...baseEnv(),
      ...sandboxApiEnv,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_URI: mongoUri,
      ADMIN_USERNAME: 'owner',
      ADMIN_PASSWORD: 'owner-password',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-1234',
      // The harness's worlds run no jobs either: nothing but the measured requests uses the API.
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'info',
      ...options.apiEnv,
    };
    // The notify URL names the API itself; its port is known only once it listens, and the bench posts the
    // notifications directly, so the sandbox never needs it.
    const api = spawnChild({ name: 'api', cwd: join(root, 'apps/api'), entry: 'src/server.ts', env: { ...env, ...profiled('api'), PUBLIC_BASE_URL: 'http://127.0.0.1:1' }, logFile: join(work, 'api.log') });
    children.push(api);
    const apiUrl = (await api.waitFor(/Xiaodian API ready on (http:\/\/127\.0\.0\.1:\d+)/, START_MS))[1]!;
    const conn: Connection = mongoose.createConnection(mongoUri, mongooseConnectOptions('congodb'));
    await conn.asPromise();
    const config = loadConfig({ ...env, PUBLIC_BASE_URL: apiUrl });
    return {
      apiUrl,
      control: createControlClient(sandboxReady[1]!),
      sandboxDir,
      sandboxApiEnv,
      config,
      models: defineModels(conn),
      cpu: () => {
        const own = process.cpuUsage();
        return { client: (own.user + own.system) / 1e6, api: cpuOf(api.pid), devdb: cpuOf(db.pid), sandbox: cpuOf(sandbox.pid) };
      },
      async dbCommands() {
        const status = (await conn.db!.admin().command({ serverStatus: 1 })) as { metrics?: { commands?: Record<string, { total: number }> } };
        const counts = status.metrics?.commands ?? {};
        return Object.fromEntries(DATA_COMMANDS.map((name) => [name, counts[name]?.total ?? 0]));
      },
      async stop() {
        await conn.close();
        await stopAll();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
