// What services need, built once per process (or per test instance) and passed down explicitly.
import type { KeyObject } from 'node:crypto';
import type { KeyRing, WechatPayClient } from '@xiaodian/wechatpay';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Models } from './collections';
import type { EventBus } from './events';
import type { Metrics } from './infra/metrics';
import type { TokenService } from './infra/session-tokens';
import type { ImageStore } from './modules/images/image-store';
import type { WechatOpenApi } from './modules/wechat/open-api';

export interface Services {
  config: Config;
  logger: Logger;
  models: Models;
  /** Domain events: how a lower feature makes a higher one act without importing it. */
  events: EventBus;
  tokens: TokenService;
  wechat: WechatOpenApi;
  wechatPay: WechatPayClient;
  /** serial → WeChat Pay public key: the public key id and/or platform certificates. */
  keyRing: KeyRing;
  merchantKey: KeyObject;
  /** Fetches WeChat Pay's certificates again when `serial` is unknown (rotation); throttled, never throws. */
  refreshKeysFor(serial: string): Promise<void>;
  /** This instance's Prometheus registry (`GET /metrics` on METRICS_PORT). */
  metrics: Metrics;
  /** Where uploaded images' bytes are kept (GridFS on the API's database). */
  imageStore: ImageStore;
  /** Identifies this process in leases, so several instances can share jobs safely. */
  instanceId: string;
  /** Runs work after the HTTP answer has gone (notifications must be answered within 5 s). */
  defer(name: string, work: () => Promise<unknown>): void;
}
