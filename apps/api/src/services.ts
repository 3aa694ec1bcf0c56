// Builds the services of one API instance from its configuration and database connection.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  PlatformCertificateRefresher,
  WechatPayApiError,
  WechatPayClient,
  keyRingFromConfig,
  loadPrivateKey,
  type KeyRing,
  type WechatPayLogger,
} from '@xiaodian/wechatpay';
import type { Config } from './config';
import type { Services } from './context';
import type { Logger } from './logger';
import { defineModels } from './collections';
import { EventBus } from './events';
import { followRefund } from './modules/aftersales/follow-refund';
import { scheduleAutomaticRefund } from './modules/refunds/automatic-refund';
import { isShopperSessionCurrent } from './modules/shoppers/check-shopper-session';
import { isAdminSessionCurrent } from './modules/staff/check-admin-session';
import { endpointOf, Metrics } from './infra/metrics';
import { TokenService } from './infra/session-tokens';
import { gridFsImageStore } from './modules/images/image-store';
import { WechatOpenApi } from './modules/wechat/open-api';

export interface BuiltServices extends Services {
  /** Resolves when every deferred piece of work started so far has finished (tests, shutdown). */
  drain(): Promise<void>;
  certificates: PlatformCertificateRefresher;
}

export function buildServices(config: Config, logger: Logger, db: Connection, options: { wechatPayRetryDelayMs?: number } = {}): BuiltServices {
  const keyRing: KeyRing = keyRingFromConfig({ publicKeyId: config.wechatPay.publicKeyId, publicKey: config.wechatPay.publicKey });
  const merchantKey = loadPrivateKey(config.wechatPay.privateKey);
  // A serial we do not know is usually a rotated platform certificate: fetch the certificates again, but at
  // most once a minute per instance, so that forged serials cannot make us hammer WeChat.
  let lastRefreshAt = 0;
  const refreshKeysFor = async (serial: string): Promise<void> => {
    if (keyRing.has(serial) || Date.now() - lastRefreshAt < 60_000) return;
    lastRefreshAt = Date.now();
    await certificates.refresh().catch((err: unknown) => logger.warn({ err: (err as Error).message, serial }, 'certificate refresh failed'));
  };
  const metrics = new Metrics();
  const wechatPay = new WechatPayClient({
    baseUrl: config.wechatPay.base,
    mchid: config.wechatPay.mchid,
    serial: config.wechatPay.serial,
    privateKey: merchantKey,
    apiV3Key: config.wechatPay.apiV3Key,
    verifier: keyRing,
    logger: observedWechatPayLogger(logger, metrics, keyRing),
    timeoutMs: 8_000,
    retries: 2,
    ...(options.wechatPayRetryDelayMs !== undefined ? { retryDelayMs: options.wechatPayRetryDelayMs } : {}),
    onUnknownSerial: refreshKeysFor,
  });
  const certificates = new PlatformCertificateRefresher(wechatPay, keyRing, { logger });
  const pending = new Set<Promise<unknown>>();
  const models = defineModels(db);
  const services: BuiltServices = {
    config,
    logger,
    models,
    events: new EventBus(),
    tokens: new TokenService(config.jwtSecret, {
      adminSessionCurrent: (session) => isAdminSessionCurrent(models, session),
      shopperSessionCurrent: (session) => isShopperSessionCurrent(models, session),
    }),
    wechat: new WechatOpenApi({
      appid: config.wechat.appid,
      secret: config.wechat.secret,
      apiBase: config.wechat.apiBase,
      log: logger,
      onCall: (call) => metrics.wechatCall({ api: 'open', method: call.method, endpoint: endpointOf(call.path), status: call.status, seconds: call.ms / 1000 }),
    }),
    wechatPay,
    keyRing,
    merchantKey,
    metrics,
    imageStore: gridFsImageStore(db),
    instanceId: randomUUID(),
    certificates,
    refreshKeysFor,
    defer(name, work) {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(work)
        .catch((err: unknown) => logger.error({ err, work: name }, 'deferred work failed; a job will retry it'))
        .finally(() => pending.delete(run));
      pending.add(run);
    },
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  // Who acts on which domain event: the features above the ones that raise them.
  services.events.on('payment.unkept', (payment) => scheduleAutomaticRefund(services, payment));
  services.events.on('refund.changed', (change) => followRefund(services, change));
  return services;
}

/**
 * The WeChat Pay client logs each call once (method, path, status, ms): the same line feeds the metrics. The
 * start-up certificate download answers 404 for a merchant in public key mode (docs/wechat-pay.md), which is how
 * that mode is recognised, not a failure: with a public key configured it is logged at debug level.
 */
function observedWechatPayLogger(logger: Logger, metrics: Metrics, keyRing: KeyRing): WechatPayLogger {
  const observe = (obj: object): boolean => {
    const call = obj as { method?: unknown; path?: unknown; status?: unknown; ms?: unknown };
    if (typeof call.method !== 'string' || typeof call.path !== 'string' || typeof call.ms !== 'number') return false;
    metrics.wechatCall({
      api: 'pay',
      method: call.method,
      endpoint: endpointOf(call.path),
      status: typeof call.status === 'number' ? String(call.status) : 'error',
      seconds: call.ms / 1000,
    });
    return call.path === '/v3/certificates' && call.status === 404 && keyRing.size > 0;
  };
  return {
    info(obj, msg) {
      if (observe(obj)) logger.debug(obj, `${msg} (no platform certificates: public key mode)`);
      else logger.info(obj, msg);
    },
    warn(obj, msg) {
      if (observe(obj)) logger.debug(obj, msg);
      else logger.warn(obj, msg);
    },
  };
}

/**
 * Loads WeChat Pay platform certificates when the merchant has them (certificate mode, or both during a
 * migration to the public key); resolves whether it has. Merchants with only the public key get 404, which is
 * fine if a public key is configured.
 */
export async function loadPlatformCertificates(s: BuiltServices): Promise<boolean> {
  try {
    await s.certificates.refresh();
    return true;
  } catch (err) {
    if (err instanceof WechatPayApiError && err.status === 404) {
      if (s.keyRing.size === 0) throw new Error('WeChat Pay has no platform certificates for this merchant: set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY');
      s.logger.info('WeChat Pay public key mode: this merchant has no platform certificates');
      return false;
    }
    if (s.keyRing.size === 0) throw err;
    s.logger.warn({ err: (err as Error).message }, 'could not refresh WeChat Pay platform certificates; using the public key');
    // They may exist and be back later: keep trying on the usual schedule.
    return true;
  }
}
