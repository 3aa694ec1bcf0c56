// Builds and starts the sandbox: identities from the data directory, state, the Koa app, the listener.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import Koa from 'koa';
import { Clock } from './clock';
import { createControlClient, type SandboxControl } from './client';
import { DEFAULT_PUSH_URL } from './config';
import type { Core } from './core';
import { ensurePushKeys, pushEnv, PushSender } from './domain/push';
import { scheduleAutoSettle } from './domain/refunds';
import { WxPayError } from './errors';
import { Faults } from './faults';
import { rawBody, sendJson } from './http';
import { apiEnvFor, ensureIdentity, writeApiEnv } from './identity';
import { bufferedLineLog } from './log';
import { KeyManager, type KeyMode } from './keys';
import { Notifier } from './notifier';
import { controlErrors, controlRoutes } from './routes/control';
import { openRoutes } from './routes/open';
import { pageRoutes } from './routes/pages';
import { payRoutes, unknownV3 } from './routes/pay';
import { pushRoutes } from './routes/push';
import { Store, type Settings } from './store';
import { rfc3339 } from './time';
import { Timers } from './timers';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where identities, keys, api.env, state.json and journal.jsonl live. */
  dataDir: string;
  /** Multiplies WeChat's delays (notification retries, out_of_order hold): 0.01 turns 15 s into 150 ms. Default 1. */
  timeScale?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** No log lines. */
  quiet?: boolean;
  /** Which key signs answers and notifications (default public_key). */
  keyMode?: KeyMode;
  /** Settle PROCESSING refunds by themselves after this many ms (default: only on demand; kept in state.json). */
  autoSettleRefundsMs?: number;
  /** The URL written into api.env and download URLs, when the sandbox is reached through another address. */
  publicUrl?: string;
  /** How long a notification waits for the merchant's answer (WeChat: 5 s). */
  deliveryTimeoutMs?: number;
  /**
   * At most how often a change outside the journal (codes, tokens, faults, settings…) rewrites state.json, the
   * snapshot, in ms (default 200); it bounds what of those a crash can lose. Trades, refunds and notifications
   * are journaled at once whatever this is.
   */
  snapshotIntervalMs?: number;
  /** Where WeChat's message push goes (default http://127.0.0.1:3000/api/wechat/push; changeable: POST /__sandbox/push-url). */
  pushUrl?: string;
  /** Where log lines go (default stdout with a `[sandbox] ` prefix, written in batches at most 100 ms apart). */
  log?: (line: string) => void;
}

export interface SandboxIdentity {
  appid: string;
  secret: string;
  mchid: string;
  merchantSerial: string;
  apiV3Key: string;
  publicKeyId: string;
  dataDir: string;
  paths: {
    identity: string;
    merchantPrivateKey: string;
    merchantPublicKey: string;
    /** `merchant/apiclient_cert.pem`: a self-signed certificate of the merchant key, serial = merchantSerial. */
    merchantCertificate: string;
    wechatpayPublicKey: string;
    apiEnv: string;
    /** The snapshot of trades, refunds, notifications, faults, settings… */
    state: string;
    /** Every trade, refund and notification change since the snapshot, one JSON line each. */
    journal: string;
  };
  /** Platform certificates (certificate key mode), newest last. */
  platformCertificates: Array<{ serial: string; certificatePem: string; certificatePath: string; notBefore: number; notAfter: number }>;
}

export interface Sandbox {
  url: string;
  /** The API's WECHAT_* / WECHATPAY_* variables pointing at this sandbox (also written to `dataDir/api.env`). */
  apiEnv: Record<string, string>;
  identity: SandboxIdentity;
  /** True when this start generated the identities (first start on this data directory). */
  created: boolean;
  control: SandboxControl;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error('timeScale must be a positive number');
  // Without a `log` of the caller's, lines go to stdout in batches (log.ts): a console call per request costs.
  const lineLog = options.quiet || options.log ? undefined : bufferedLineLog((text) => process.stdout.write(text), '[sandbox] ');
  const log = options.quiet ? () => {} : (options.log ?? ((line: string) => lineLog!.log(line)));

  const { identity, created } = await ensureIdentity(dataDir);
  const initialSettings: Partial<Settings> = {};
  if (options.autoSettleRefundsMs !== undefined) initialSettings.auto_settle_refunds_ms = options.autoSettleRefundsMs;
  const store = new Store({ files: { state: identity.paths.state, journal: identity.paths.journal }, initialSettings, log, debounceMs: options.snapshotIntervalMs });
  const clock = new Clock(store.data.clockOffsetMs);
  const timers = new Timers();
  const faults = new Faults(
    () => store.data.faults,
    () => store.changed(),
    () => rfc3339(clock.now()),
  );
  const keys = new KeyManager(identity, options.keyMode ?? 'public_key');
  const notifier = new Notifier({
    store,
    keys,
    faults,
    clock,
    timers,
    timeScale,
    apiV3Key: identity.apiV3Key,
    log,
    deliveryTimeoutMs: options.deliveryTimeoutMs,
  });
  const pushKeys = ensurePushKeys(dataDir);
  const pusher = new PushSender({ keys: pushKeys, appid: identity.appid, url: options.pushUrl ?? DEFAULT_PUSH_URL, timers, timeScale, log });
  let url = '';
  const core: Core = { identity, store, clock, faults, keys, notifier, pusher, timers, timeScale, log, url: () => url };
  let apiEnv: Record<string, string> = {};

  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status && status < 500) {
        sendJson(ctx, status, { error: { code: 'BAD_REQUEST', message: (error as Error).message } });
        return;
      }
      lineLog?.flush(); // the lines before it first, in order
      console.error('[sandbox] unexpected error', error);
      if (ctx.path.startsWith('/v3/')) {
        const e = new WxPayError(500, 'SYSTEM_ERROR', '系统错误');
        sendJson(ctx, 500, { code: e.code, message: e.message });
      } else sendJson(ctx, 500, { error: { code: 'INTERNAL', message: (error as Error).message } });
    }
  });
  app.use(rawBody);
  app.use(controlErrors);
  app.use(unknownV3(core));
  for (const router of [payRoutes(core), openRoutes(core), controlRoutes(core, () => apiEnv), pushRoutes(core), pageRoutes(core)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/' && ctx.status === 404) ctx.redirect('/__sandbox/');
  });

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('listening', resolveListen);
    server.once('error', rejectListen);
  });
  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = (options.publicUrl ?? `http://${reachableHost}:${port}`).replace(/\/$/, '');
  apiEnv = { ...apiEnvFor(identity, url), ...pushEnv(pushKeys) };
  writeApiEnv(identity, apiEnv);

  notifier.resume();
  for (const refund of Object.values(store.data.refunds)) scheduleAutoSettle(core, refund);
  // What starting said (a journal replayed, a file moved aside) comes before whatever the caller prints next.
  lineLog?.flush();

  let closing: Promise<void> | undefined;
  return {
    url,
    apiEnv,
    created,
    identity: {
      appid: identity.appid,
      secret: identity.secret,
      mchid: identity.mchid,
      merchantSerial: identity.merchantSerial,
      apiV3Key: identity.apiV3Key,
      publicKeyId: identity.publicKeyId,
      dataDir,
      paths: {
        identity: identity.paths.identity,
        merchantPrivateKey: identity.paths.merchantPrivateKey,
        merchantPublicKey: identity.paths.merchantPublicKey,
        merchantCertificate: identity.paths.merchantCertificate,
        wechatpayPublicKey: identity.paths.wechatpayPublicKey,
        apiEnv: identity.paths.apiEnv,
        state: identity.paths.state,
        journal: identity.paths.journal,
      },
      get platformCertificates() {
        return identity.platformCertificates.map(({ serial, certificatePem, certificatePath, notBefore, notAfter }) => ({ serial, certificatePem, certificatePath, notBefore, notAfter }));
      },
    },
    control: createControlClient(url),
    close() {
      closing ??= (async () => {
        timers.stop();
        await notifier.close();
        await pusher.settle();
        await new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeAllConnections();
        });
        store.close();
        lineLog?.close();
      })();
      return closing;
    },
  };
}
