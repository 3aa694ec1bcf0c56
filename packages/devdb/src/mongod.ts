// The real-mongod path: mongodb-memory-server-core with a binary that is already on this machine. Finding one
// costs a few file-system checks; downloading one (minutes, and impossible offline) happens only when allowed.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

export interface MongodBinary {
  /** Path of the binary; undefined when mongodb-memory-server is to download one. */
  path?: string;
  source: 'MONGOMS_SYSTEM_BINARY' | 'PATH' | 'cache' | 'download';
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string, pathVariable: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVariable ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Where a mongod can come from, in order: MONGOMS_SYSTEM_BINARY, `mongod` on PATH, mongodb-memory-server's cache, a download. */
export async function locateMongod(env: NodeJS.ProcessEnv, allowDownload: boolean): Promise<MongodBinary | undefined> {
  const system = env.MONGOMS_SYSTEM_BINARY;
  if (system && (await isExecutable(system))) return { path: system, source: 'MONGOMS_SYSTEM_BINARY' };
  const fromPath = await onPath('mongod', env.PATH);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const { DryMongoBinary } = await import('mongodb-memory-server-core');
  const cached = await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions());
  if (cached) return { path: cached, source: 'cache' };
  return allowDownload ? { source: 'download' } : undefined;
}

export interface RunningMongod {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startMongod(binary: MongodBinary, port: number | undefined): Promise<RunningMongod> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create({
    instance: { ip: '127.0.0.1', ...(port ? { port } : {}) },
    binary: binary.path ? { systemBinary: binary.path } : {},
  });
  const { hostname, port: actualPort } = new URL(server.getUri());
  let stopping: Promise<void> | undefined;
  return {
    host: hostname,
    port: Number(actualPort),
    stop() {
      stopping ??= server.stop({ doCleanup: true, force: true }).then(() => undefined);
      return stopping;
    },
  };
}
