// Test harness: the real API (createApp + a real listener) against the real embedded database and the real
// WeChat sandbox, over HTTP with real crypto. Nothing of ours is mocked; the sandbox stands in for WeChat.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { mongooseConnectOptions, startEmbeddedMongo } from '@xiaodian/devdb';
import { startSandbox, type Sandbox } from '@xiaodian/sandbox';
import { loadConfig, type Config } from '../src/config';
import { createListener } from '../src/http/listener';
import { createLogger } from '../src/logger';
import { startInstance, type Instance } from '../src/start';

export interface ApiInstance {
  url: string;
  server: Server;
  instance: Instance;
  config: Config;
}

export interface World {
  sandbox: Sandbox;
  /** The sandbox's data folder (its WeChat Pay keys, for crafting notifications WeChat could send). */
  dataDir: string;
  db: Connection;
  api: ApiInstance;
  /** How many calls the API instances made to WeChat Pay whose path contains `pathPart` (from their logs). */
  wechatPayCalls(pathPart: string, method?: string): number;
  /** Everything the API instances logged, as written (JSON lines). */
  logText(): string;
  /** Starts another API instance on the same database and sandbox (scale-out tests). */
  startAnotherInstance(): Promise<ApiInstance>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  orderTtlSeconds?: number;
  /** Which WeChat Pay keys the sandbox signs with (public key, platform certificates, or both). */
  keyMode?: 'public_key' | 'certificate' | 'both';
  /** Leave the WeChat Pay public key out of the API's configuration (certificate-only merchants). */
  withoutPublicKey?: boolean;
  env?: Record<string, string>;
  timeScale?: number;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xd-sandbox-'));
  const sandbox = await startSandbox({ port: 0, dataDir, timeScale: options.timeScale ?? 0.001, quiet: true, keyMode: options.keyMode });
  // MONGODB_URI runs the same tests against a real server (each world in its own throw-away database).
  const external = process.env.MONGODB_URI;
  const mongo = external ? { uri: external, kind: 'external' as const, stop: async () => undefined } : await startEmbeddedMongo();
  const db = mongoose.createConnection(mongo.uri, { ...mongooseConnectOptions(mongo.kind), dbName: `xd_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}` });
  db.set('bufferCommands', false);
  await db.asPromise();
  // The API's own logs, kept in memory: tests count the calls it made to WeChat from them.
  const logLines: { path?: string; method?: string; msg?: string }[] = [];
  const rawLog: string[] = [];
  const echo = process.env.XD_TEST_LOG === '1';
  const logger = createLogger('info', {
    write(line: string) {
      rawLog.push(line);
      logLines.push(JSON.parse(line) as { path?: string; method?: string });
      if (echo) process.stdout.write(line);
    },
  });
  const instances: ApiInstance[] = [];

  const startApi = async (): Promise<ApiInstance> => {
    const server = createListener();
    const url = await listen(server);
    const { WECHATPAY_PUBLIC_KEY_ID: _id, WECHATPAY_PUBLIC_KEY: _key, ...certificateOnly } = sandbox.apiEnv;
    const config = loadConfig({
      ...(options.withoutPublicKey ? certificateOnly : sandbox.apiEnv),
      NODE_ENV: 'test',
      PUBLIC_BASE_URL: url,
      ADMIN_USERNAME: 'owner',
      ADMIN_PASSWORD: 'owner-password',
      JWT_SECRET: 'test-secret-test-secret-test-secret-1234',
      ...options.env,
    });
    if (options.orderTtlSeconds) config.orderTtlSeconds = options.orderTtlSeconds;
    const instance = await startInstance(server, { config, logger, db, jobs: false, wechatPayRetryDelayMs: 5 });
    const api = { url, server, instance, config };
    instances.push(api);
    return api;
  };

  const api = await startApi();
  return {
    sandbox,
    dataDir,
    db,
    api,
    startAnotherInstance: startApi,
    logText: () => rawLog.join(''),
    wechatPayCalls(pathPart, method) {
      return logLines.filter((l) => typeof l.path === 'string' && l.path.includes(pathPart) && (!method || l.method === method)).length;
    },
    async stop() {
      for (const i of instances) {
        await i.instance.stop();
        i.server.closeAllConnections();
        await new Promise<void>((resolve) => i.server.close(() => resolve()));
      }
      await sandbox.close();
      if (external) await db.dropDatabase();
      await db.close();
      await mongo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTP client for tests. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  return { status: res.status, body: replyBody(await res.text()) as T, headers: res.headers };
}

/** A reply's body: its JSON, undefined when empty, or the text itself when it is not JSON. */
export function replyBody(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

export async function shopperToken(world: World, user = 'alice', api: ApiInstance = world.api): Promise<string> {
  const { code } = await world.sandbox.control.loginCode(user);
  const res = await call(api.url, 'POST', '/api/auth/login', { body: { code } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export async function adminToken(world: World): Promise<string> {
  const res = await call(world.api.url, 'POST', '/api/admin/login', { body: { username: 'owner', password: 'owner-password' } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status}`);
  return res.body.token as string;
}

export async function createProduct(world: World, token: string, fields: { name?: string; priceFen?: number; stock?: number } = {}): Promise<any> {
  const res = await call(world.api.url, 'POST', '/api/admin/products', {
    token,
    body: { name: fields.name ?? 'Oolong tea', description: 'Fujian', priceFen: fields.priceFen ?? 1999, stock: fields.stock ?? 10 },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const ADDRESS = { name: '张三', phone: '13800000000', province: '广东省', city: '广州市', district: '天河区', detail: '体育西路 1 号' };

/** Polls until `check` is truthy or the time runs out (for work WeChat does asynchronously). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
