// The API's configuration: parsed once, from the environment, at start (README.md, Configuration). Nothing else in
// the API reads process.env. Production refuses to start on a missing or malformed variable and names it;
// development fills the gaps with safe defaults and the WeChat sandbox's identities.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

const WECHAT_VARIABLES = [
  'WECHAT_APPID',
  'WECHAT_SECRET',
  'WECHAT_API_BASE',
  'WECHATPAY_MCHID',
  'WECHATPAY_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_BASE',
  // The sandbox writes development subscribe message templates, so development sends every message.
  'WECHAT_TEMPLATE_PAID',
  'WECHAT_TEMPLATE_SHIPPED',
  'WECHAT_TEMPLATE_REFUNDED',
  'WECHAT_TEMPLATE_OWNER_ORDER',
  'WECHAT_TEMPLATE_OWNER_AFTERSALE',
  'WECHAT_PUSH_TOKEN',
  'WECHAT_PUSH_AES_KEY',
] as const;

const nonEmpty = z.string().trim().min(1);
const url = z.string().trim().url().transform((u) => u.replace(/\/+$/, ''));
const port = z.coerce.number().int().min(0).max(65535);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    /** The interface to listen on: loopback in development and tests, every interface in production. */
    HOST: nonEmpty.optional(),
    MONGODB_URI: nonEmpty.optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ADMIN_USERNAME: nonEmpty.max(64).optional(),
    ADMIN_PASSWORD: z.string().min(1).optional(),
    WECHAT_APPID: nonEmpty.optional(),
    WECHAT_SECRET: nonEmpty.optional(),
    WECHAT_API_BASE: url.default('https://api.weixin.qq.com'),
    WECHATPAY_MCHID: z.string().regex(/^\d{1,32}$/, 'must be digits').optional(),
    WECHATPAY_SERIAL: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'must be a hex certificate serial').optional(),
    WECHATPAY_PRIVATE_KEY: nonEmpty.optional(),
    WECHATPAY_APIV3_KEY: z
      .string()
      .refine((k) => Buffer.byteLength(k, 'utf8') === 32, 'must be exactly 32 bytes')
      .optional(),
    WECHATPAY_PUBLIC_KEY_ID: z.string().regex(/^PUB_KEY_ID_\w+$/, 'must look like PUB_KEY_ID_…').optional(),
    WECHATPAY_PUBLIC_KEY: nonEmpty.optional(),
    WECHATPAY_BASE: url.default('https://api.mch.weixin.qq.com'),
    PUBLIC_BASE_URL: url.optional(),
    ORDER_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(900),
    /** Days after shipping when a SHIPPED order completes by itself (the shopper never confirmed receipt). */
    AUTO_COMPLETE_DAYS: z.coerce.number().int().min(1).max(365).default(10),
    /** Unpaid orders one shopper may hold at once (their stock is held too). */
    MAX_PENDING_ORDERS: z.coerce.number().int().min(1).max(10_000).default(5),
    /** Orders one shopper may place per 10 minutes, across every instance. */
    ORDER_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Images one shopper may upload per 24 hours (after-sale photos), across every instance. */
    SHOPPER_IMAGE_UPLOADS_PER_DAY: z.coerce.number().int().min(1).max(10_000).default(20),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Development only: 1 = human-readable logs, 0 = JSON; unset = readable when stdout is a terminal. */
    LOG_PRETTY: z.enum(['0', '1']).optional(),
    /** `GET /metrics` (Prometheus) on its own listener; unset = no metrics endpoint. */
    METRICS_PORT: port.optional(),
    METRICS_HOST: nonEmpty.default('127.0.0.1'),
    /** Bearer token the metrics listener asks for; required when METRICS_HOST is not a loopback address. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Set to "false" to run an instance that only serves HTTP (jobs run on the others). */
    JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
    SANDBOX_DATA_DIR: nonEmpty.optional(),
    /** Subscribe message template ids (the mini program's 订阅消息 templates); unset: that message is never sent. */
    WECHAT_TEMPLATE_PAID: nonEmpty.max(128).optional(),
    WECHAT_TEMPLATE_SHIPPED: nonEmpty.max(128).optional(),
    WECHAT_TEMPLATE_REFUNDED: nonEmpty.max(128).optional(),
    WECHAT_TEMPLATE_OWNER_ORDER: nonEmpty.max(128).optional(),
    WECHAT_TEMPLATE_OWNER_AFTERSALE: nonEmpty.max(128).optional(),
    /** Days after completion during which a shopper may still ask for an after-sale. */
    AFTER_SALE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** The Token of WeChat's message push (the mini program's 消息推送 settings): signs every push. */
    WECHAT_PUSH_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3 to 32 letters or digits').optional(),
    /** The EncodingAESKey of the message push (safe mode): 43 characters of base64 without the final '='. */
    WECHAT_PUSH_AES_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}$/, 'must be the 43-character EncodingAESKey')
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const required = [
      'MONGODB_URI',
      'JWT_SECRET',
      'PUBLIC_BASE_URL',
      'WECHAT_APPID',
      'WECHAT_SECRET',
      'WECHATPAY_MCHID',
      'WECHATPAY_SERIAL',
      'WECHATPAY_PRIVATE_KEY',
      'WECHATPAY_APIV3_KEY',
    ] as const;
    for (const name of required) {
      if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
    }
    if (Boolean(env.WECHATPAY_PUBLIC_KEY_ID) !== Boolean(env.WECHATPAY_PUBLIC_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.WECHATPAY_PUBLIC_KEY_ID ? 'WECHATPAY_PUBLIC_KEY' : 'WECHATPAY_PUBLIC_KEY_ID'],
        message: 'WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY go together',
      });
    }
    if (env.PUBLIC_BASE_URL && !env.PUBLIC_BASE_URL.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'must be https in production (WeChat only notifies https URLs)' });
    }
  });

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  mongodbUri?: string;
  jwtSecret: string;
  admin?: { username: string; password: string };
  publicBaseUrl: string;
  orderTtlSeconds: number;
  /** Days after shipping when the auto-complete job completes a SHIPPED order. */
  autoCompleteDays: number;
  maxPendingOrders: number;
  /** Orders per shopper per 10 minutes. */
  orderRateLimit: number;
  /** Images per shopper per 24 hours. */
  shopperImageUploadsPerDay: number;
  logLevel: string;
  /** Human-readable logs (development only); undefined: when stdout is a terminal. */
  logPretty?: boolean;
  /** The Prometheus endpoint's listener; undefined: off. */
  metrics?: { port: number; host: string; token?: string };
  jobsEnabled: boolean;
  /** Subscribe message template ids; an absent one is never sent (its messages are recorded SKIPPED). */
  subscribeTemplates: { paid?: string; shipped?: string; refunded?: string; ownerOrder?: string; ownerAfterSale?: string };
  /** Days after completion during which after-sale requests are accepted. */
  afterSaleDays: number;
  /** WeChat's message push (`/api/wechat/push`); undefined: no token configured, every push is refused. */
  wechatPush?: { token: string; aesKey?: string };
  wechat: { appid: string; secret: string; apiBase: string };
  wechatPay: {
    mchid: string;
    serial: string;
    /** PEM text or a path to a .pem file. */
    privateKey: string;
    apiV3Key: string;
    publicKeyId?: string;
    /** PEM text or a path to a .pem file. */
    publicKey?: string;
    base: string;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Finds the workspace root (where pnpm-workspace.yaml is), for the sandbox's default data folder. */
export function workspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
  return dir;
}

/** `KEY=value` lines, as the sandbox writes its api.env. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) out[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** True for the addresses only this machine can reach (admin/admin is acceptable there and nowhere else). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The WeChat variables actually set (an empty one is unset): they mean real credentials, not the sandbox's. */
function wechatVariablesSet(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((k) => /^WECHAT(PAY)?_/.test(k) && env[k] !== undefined && env[k] !== '');
}

export interface LoadConfigOptions {
  /**
   * Merge the sandbox's api.env under the environment. Default: only in development (NODE_ENV=development, or
   * NODE_ENV unset and no WECHAT* variable), so tests (NODE_ENV=test) never see a developer's `.sandbox/`.
   */
  sandboxEnv?: boolean;
  /**
   * Where development keeps the JWT secret it generates once (so that a restart keeps the admin signed in).
   * Default: `.dev/` at the workspace root, git-ignored. Only used in development without JWT_SECRET.
   */
  devDataDir?: string;
}

/**
 * The development JWT secret: generated on first use into `dir/jwt-secret` (owner-only) and read back on every
 * start, so that tsx watch restarting the API on each save does not sign everyone out. Two processes starting
 * at once agree: the file is created exclusively and the loser reads the winner's.
 */
export function developmentJwtSecret(dir: string): string {
  const file = join(dir, 'jwt-secret');
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  const existing = read();
  if (existing.length >= 32) return existing;
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    // A file too short to be ours (a crash while writing) is replaced; otherwise only created.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: existing ? 'w' : 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return read();
  }
}

/** In development the WeChat identities default to the sandbox's (its api.env), for a zero-configuration start. */
function sandboxDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  const dataDir = env.SANDBOX_DATA_DIR ?? join(workspaceRoot(), '.sandbox');
  const file = join(dataDir, 'api.env');
  if (!existsSync(file)) return {};
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  return Object.fromEntries(WECHAT_VARIABLES.filter((k) => values[k]).map((k) => [k, values[k]!]));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  // Real credentials with no NODE_ENV would otherwise run on the development defaults (embedded database,
  // admin/admin, a random JWT secret): say so instead of guessing.
  const setWechat = wechatVariablesSet(env);
  if (!env.NODE_ENV && setWechat.length > 0) {
    throw new ConfigError(
      `Invalid configuration: NODE_ENV is not set, but ${setWechat.join(', ')} ${setWechat.length > 1 ? 'are' : 'is'} set. ` +
        'Set NODE_ENV=production for a real deployment, or NODE_ENV=development for the development defaults.',
    );
  }
  const production = env.NODE_ENV === 'production';
  const development = !env.NODE_ENV || env.NODE_ENV === 'development';
  const effective: Record<string, string | undefined> = (options.sandboxEnv ?? development) ? { ...sandboxDefaults(env), ...env } : { ...env };
  // An empty variable is a missing one: deployment tools often export VAR= for unset values.
  for (const [key, value] of Object.entries(effective)) if (value === '') delete effective[key];

  const parsed = schema.safeParse(effective);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const host = e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  if (e.METRICS_PORT !== undefined && !e.METRICS_TOKEN && !isLoopbackHost(e.METRICS_HOST)) {
    throw new ConfigError(
      `Invalid configuration: METRICS_TOKEN is required when METRICS_HOST (${e.METRICS_HOST}) is not a loopback address.`,
    );
  }
  const defaultAdmin = !production && !(e.ADMIN_USERNAME && e.ADMIN_PASSWORD);
  if (defaultAdmin && !isLoopbackHost(host)) {
    throw new ConfigError(
      `Invalid configuration: ADMIN_USERNAME and ADMIN_PASSWORD are required when HOST (${host}) is not a loopback address; ` +
        'the development login admin/admin is only offered on 127.0.0.1.',
    );
  }
  const missingWechat = (
    ['WECHAT_APPID', 'WECHAT_SECRET', 'WECHATPAY_MCHID', 'WECHATPAY_SERIAL', 'WECHATPAY_PRIVATE_KEY', 'WECHATPAY_APIV3_KEY'] as const
  ).filter((k) => !e[k]);
  if (missingWechat.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${missingWechat.join(', ')} not set. In development start the WeChat sandbox first ` +
        '(pnpm dev does it), or set them to your merchant account.',
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host,
    mongodbUri: e.MONGODB_URI,
    // Development keeps its generated secret with the development data, so a restart (every save under tsx
    // watch) keeps the admin signed in; tests without JWT_SECRET get one per process.
    jwtSecret:
      e.JWT_SECRET ??
      (e.NODE_ENV === 'development' ? developmentJwtSecret(options.devDataDir ?? join(workspaceRoot(), '.dev')) : randomBytes(32).toString('hex')),
    admin:
      e.ADMIN_USERNAME && e.ADMIN_PASSWORD
        ? { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD }
        : production
          ? undefined
          : { username: e.ADMIN_USERNAME ?? 'admin', password: e.ADMIN_PASSWORD ?? 'admin' },
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`,
    orderTtlSeconds: e.ORDER_TTL_SECONDS,
    autoCompleteDays: e.AUTO_COMPLETE_DAYS,
    maxPendingOrders: e.MAX_PENDING_ORDERS,
    orderRateLimit: e.ORDER_RATE_LIMIT,
    shopperImageUploadsPerDay: e.SHOPPER_IMAGE_UPLOADS_PER_DAY,
    logLevel: e.LOG_LEVEL,
    logPretty: e.NODE_ENV !== 'development' ? false : e.LOG_PRETTY === undefined ? undefined : e.LOG_PRETTY === '1',
    metrics: e.METRICS_PORT === undefined ? undefined : { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    jobsEnabled: e.JOBS_ENABLED === 'true',
    subscribeTemplates: {
      ...(e.WECHAT_TEMPLATE_PAID ? { paid: e.WECHAT_TEMPLATE_PAID } : {}),
      ...(e.WECHAT_TEMPLATE_SHIPPED ? { shipped: e.WECHAT_TEMPLATE_SHIPPED } : {}),
      ...(e.WECHAT_TEMPLATE_REFUNDED ? { refunded: e.WECHAT_TEMPLATE_REFUNDED } : {}),
      ...(e.WECHAT_TEMPLATE_OWNER_ORDER ? { ownerOrder: e.WECHAT_TEMPLATE_OWNER_ORDER } : {}),
      ...(e.WECHAT_TEMPLATE_OWNER_AFTERSALE ? { ownerAfterSale: e.WECHAT_TEMPLATE_OWNER_AFTERSALE } : {}),
    },
    afterSaleDays: e.AFTER_SALE_DAYS,
    wechatPush: e.WECHAT_PUSH_TOKEN ? { token: e.WECHAT_PUSH_TOKEN, ...(e.WECHAT_PUSH_AES_KEY ? { aesKey: e.WECHAT_PUSH_AES_KEY } : {}) } : undefined,
    wechat: { appid: e.WECHAT_APPID!, secret: e.WECHAT_SECRET!, apiBase: e.WECHAT_API_BASE },
    wechatPay: {
      mchid: e.WECHATPAY_MCHID!,
      serial: e.WECHATPAY_SERIAL!,
      privateKey: e.WECHATPAY_PRIVATE_KEY!,
      apiV3Key: e.WECHATPAY_APIV3_KEY!,
      publicKeyId: e.WECHATPAY_PUBLIC_KEY_ID,
      publicKey: e.WECHATPAY_PUBLIC_KEY,
      base: e.WECHATPAY_BASE,
    },
  };
}
