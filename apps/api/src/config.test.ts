import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig as loadConfigFrom, parseEnvFile } from './config';

// Development keeps its JWT secret in a folder: these tests use their own, never the developer's `.dev/`.
const scratchDevDir = join(mkdtempSync(join(tmpdir(), 'xd-config-')), '.dev');
const loadConfig: typeof loadConfigFrom = (env, options = {}) => loadConfigFrom(env, { devDataDir: scratchDevDir, ...options });

const complete = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.example/xiaodian',
  JWT_SECRET: 'x'.repeat(40),
  PUBLIC_BASE_URL: 'https://shop.example.com',
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: 'secret',
  WECHATPAY_MCHID: '1900000001',
  WECHATPAY_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY: '/etc/xiaodian/apiclient_key.pem',
  WECHATPAY_APIV3_KEY: 'a'.repeat(32),
  WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000000012024',
  WECHATPAY_PUBLIC_KEY: '/etc/xiaodian/pub_key.pem',
};

describe('configuration', () => {
  it('accepts a complete production environment', () => {
    const config = loadConfig(complete);
    expect(config).toMatchObject({ env: 'production', port: 3000, orderTtlSeconds: 900, publicBaseUrl: 'https://shop.example.com' });
    expect(config.admin).toBeUndefined();
  });

  it.each(['MONGODB_URI', 'JWT_SECRET', 'WECHATPAY_APIV3_KEY', 'WECHAT_APPID', 'PUBLIC_BASE_URL'])('refuses production without %s, naming it', (name) => {
    const env: Record<string, string> = { ...complete };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('takes the message push Token and EncodingAESKey, refuses malformed ones, and the after-sale window', () => {
    expect(loadConfig(complete).wechatPush).toBeUndefined();
    expect(loadConfig(complete).afterSaleDays).toBe(7);
    const key = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456';
    expect(loadConfig({ ...complete, WECHAT_PUSH_TOKEN: 'tok3n', WECHAT_PUSH_AES_KEY: key, AFTER_SALE_DAYS: '15' })).toMatchObject({ wechatPush: { token: 'tok3n', aesKey: key }, afterSaleDays: 15 });
    expect(() => loadConfig({ ...complete, WECHAT_PUSH_TOKEN: 'tok3n', WECHAT_PUSH_AES_KEY: `${key}=` })).toThrow('WECHAT_PUSH_AES_KEY');
    expect(() => loadConfig({ ...complete, WECHAT_PUSH_TOKEN: 'has space' })).toThrow('WECHAT_PUSH_TOKEN');
  });

  it('names a malformed variable', () => {
    expect(() => loadConfig({ ...complete, WECHATPAY_APIV3_KEY: 'short' })).toThrow(/WECHATPAY_APIV3_KEY must be exactly 32 bytes/);
    expect(() => loadConfig({ ...complete, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...complete, PUBLIC_BASE_URL: 'http://shop.example.com' })).toThrow(/PUBLIC_BASE_URL must be https/);
    expect(() => loadConfig({ ...complete, WECHATPAY_PUBLIC_KEY: '' })).toThrow(/WECHATPAY_PUBLIC_KEY/);
  });

  it('gives development the documented defaults', () => {
    const { NODE_ENV: _n, MONGODB_URI: _m, JWT_SECRET: _j, PUBLIC_BASE_URL: _p, ...wechat } = complete;
    const config = loadConfig({ ...wechat, NODE_ENV: 'development', PORT: '4000', SANDBOX_DATA_DIR: '/nonexistent' });
    expect(config.mongodbUri).toBeUndefined();
    expect(config.admin).toEqual({ username: 'admin', password: 'admin' });
    expect(config.publicBaseUrl).toBe('http://127.0.0.1:4000');
    expect(config.jwtSecret).toHaveLength(64);
    expect(config.wechat.apiBase).toBe('https://api.weixin.qq.com');
    expect(config.wechatPay.base).toBe('https://api.mch.weixin.qq.com');
  });

  it('reads the sandbox api.env format', () => {
    expect(parseEnvFile('# comment\nWECHAT_APPID=wx1\nWECHATPAY_PRIVATE_KEY="/tmp/a b.pem"\n')).toEqual({ WECHAT_APPID: 'wx1', WECHATPAY_PRIVATE_KEY: '/tmp/a b.pem' });
  });

  it('refuses to start without NODE_ENV when a WeChat variable is set, and names NODE_ENV', () => {
    const { NODE_ENV: _n, ...unset } = complete;
    expect(() => loadConfig(unset)).toThrow(ConfigError);
    expect(() => loadConfig(unset)).toThrow(/NODE_ENV is not set.*WECHAT_APPID/);
    // One real WeChat variable is enough: it means credentials, not the sandbox's.
    expect(() => loadConfig({ WECHATPAY_MCHID: '1900000001', SANDBOX_DATA_DIR: '/nonexistent' })).toThrow(/NODE_ENV/);
    // An empty one is an unset one.
    expect(() => loadConfig({ WECHAT_APPID: '', SANDBOX_DATA_DIR: '/nonexistent' })).not.toThrow(/NODE_ENV/);
  });

  it('listens on 127.0.0.1 in development and on every interface in production, unless HOST says otherwise', () => {
    const { NODE_ENV: _n, MONGODB_URI: _m, JWT_SECRET: _j, PUBLIC_BASE_URL: _p, ...wechat } = complete;
    expect(loadConfig(complete).host).toBe('0.0.0.0');
    expect(loadConfig({ ...complete, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(loadConfig({ ...wechat, NODE_ENV: 'development' }).host).toBe('127.0.0.1');
    expect(loadConfig({ ...wechat, NODE_ENV: 'test' }).host).toBe('127.0.0.1');
  });

  it('offers admin/admin only on a loopback address', () => {
    const { NODE_ENV: _n, MONGODB_URI: _m, JWT_SECRET: _j, PUBLIC_BASE_URL: _p, ...wechat } = complete;
    const dev = { ...wechat, NODE_ENV: 'development' };
    expect(loadConfig({ ...dev, HOST: 'localhost' }).admin).toEqual({ username: 'admin', password: 'admin' });
    expect(() => loadConfig({ ...dev, HOST: '0.0.0.0' })).toThrow(/ADMIN_USERNAME and ADMIN_PASSWORD are required when HOST/);
    expect(() => loadConfig({ ...dev, HOST: '0.0.0.0', ADMIN_USERNAME: 'boss' })).toThrow(/ADMIN_PASSWORD/);
    expect(loadConfig({ ...dev, HOST: '0.0.0.0', ADMIN_USERNAME: 'boss', ADMIN_PASSWORD: 'a long password' }).admin).toEqual({
      username: 'boss',
      password: 'a long password',
    });
  });

  it("reads the sandbox's api.env in development only: tests never see a developer's .sandbox/", () => {
    const dir = mkdtempSync(join(tmpdir(), 'xd-config-'));
    try {
      writeFileSync(join(dir, 'api.env'), 'WECHAT_APPID=wxsandbox\nWECHATPAY_PUBLIC_KEY_ID=PUB_KEY_ID_FROM_SANDBOX\nWECHATPAY_PUBLIC_KEY=/tmp/pub.pem\n');
      const { NODE_ENV: _n, WECHATPAY_PUBLIC_KEY_ID: _i, WECHATPAY_PUBLIC_KEY: _k, ...certificateOnly } = complete;
      // A test removed the public key from its environment: it must stay removed.
      const test = loadConfig({ ...certificateOnly, NODE_ENV: 'test', SANDBOX_DATA_DIR: dir });
      expect(test.wechatPay.publicKeyId).toBeUndefined();
      expect(test.wechat.appid).toBe(complete.WECHAT_APPID);
      // Development fills the gaps from the sandbox; the environment still wins.
      const dev = loadConfig({ ...certificateOnly, NODE_ENV: 'development', SANDBOX_DATA_DIR: dir });
      expect(dev.wechatPay.publicKeyId).toBe('PUB_KEY_ID_FROM_SANDBOX');
      expect(dev.wechat.appid).toBe(complete.WECHAT_APPID);
      // NODE_ENV unset and nothing of WeChat's set is development too (what `pnpm dev` runs).
      writeFileSync(
        join(dir, 'api.env'),
        Object.entries({ ...certificateOnly, WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_FROM_SANDBOX', WECHATPAY_PUBLIC_KEY: '/tmp/pub.pem' })
          .filter(([k]) => k.startsWith('WECHAT'))
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      );
      const unset = loadConfig({ SANDBOX_DATA_DIR: dir });
      expect(unset.env).toBe('development');
      expect(unset.wechatPay.publicKeyId).toBe('PUB_KEY_ID_FROM_SANDBOX');
      // An explicit option decides for callers that know better.
      expect(loadConfig({ ...certificateOnly, NODE_ENV: 'development', SANDBOX_DATA_DIR: dir }, { sandboxEnv: false }).wechatPay.publicKeyId).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the generated development JWT secret with the development data, so a restart keeps sessions', () => {
    const { NODE_ENV: _n, MONGODB_URI: _m, JWT_SECRET: _j, PUBLIC_BASE_URL: _p, ...wechat } = complete;
    const dir = mkdtempSync(join(tmpdir(), 'xd-devdata-'));
    try {
      const dev = { ...wechat, NODE_ENV: 'development', SANDBOX_DATA_DIR: '/nonexistent' };
      const first = loadConfig(dev, { devDataDir: join(dir, '.dev') });
      expect(first.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
      const file = join(dir, '.dev', 'jwt-secret');
      expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
      expect(statSync(file).mode & 0o077).toBe(0);
      // A restart reads it back.
      expect(loadConfig(dev, { devDataDir: join(dir, '.dev') }).jwtSecret).toBe(first.jwtSecret);
      // A file cut short (a crash while writing) is replaced, not trusted.
      writeFileSync(file, 'short');
      const replaced = loadConfig(dev, { devDataDir: join(dir, '.dev') }).jwtSecret;
      expect(replaced).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(file, 'utf8').trim()).toBe(replaced);
      // JWT_SECRET wins; tests and production never read or write the file.
      expect(loadConfig({ ...dev, JWT_SECRET: 'y'.repeat(40) }, { devDataDir: join(dir, '.dev') }).jwtSecret).toBe('y'.repeat(40));
      const test = loadConfig({ ...wechat, NODE_ENV: 'test' }, { devDataDir: join(dir, '.dev') });
      expect(test.jwtSecret).not.toBe(replaced);
      expect(loadConfig({ ...wechat, NODE_ENV: 'test' }, { devDataDir: join(dir, '.dev') }).jwtSecret).not.toBe(test.jwtSecret);
      expect(() => loadConfig({ ...complete, JWT_SECRET: undefined } as never, { devDataDir: join(dir, '.dev') })).toThrow(/JWT_SECRET/);
      rmSync(join(dir, '.dev'), { recursive: true });
      loadConfig({ ...wechat, NODE_ENV: 'test' }, { devDataDir: join(dir, '.dev') });
      expect(() => statSync(join(dir, '.dev'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns the metrics listener on with METRICS_PORT only, on loopback unless a token guards it', () => {
    expect(loadConfig(complete).metrics).toBeUndefined();
    expect(loadConfig({ ...complete, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1', token: undefined });
    expect(() => loadConfig({ ...complete, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_TOKEN is required when METRICS_HOST/);
    expect(loadConfig({ ...complete, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 't'.repeat(16) }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
      token: 't'.repeat(16),
    });
    expect(() => loadConfig({ ...complete, METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ ...complete, METRICS_PORT: '9464', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16/);
  });

  it('formats logs for people only in development (LOG_PRETTY, else whether stdout is a terminal)', () => {
    const { NODE_ENV: _n, MONGODB_URI: _m, JWT_SECRET: _j, PUBLIC_BASE_URL: _p, ...wechat } = complete;
    const dev = { ...wechat, NODE_ENV: 'development', SANDBOX_DATA_DIR: '/nonexistent', JWT_SECRET: 'z'.repeat(40) };
    expect(loadConfig(dev).logPretty).toBeUndefined();
    expect(loadConfig({ ...dev, LOG_PRETTY: '1' }).logPretty).toBe(true);
    expect(loadConfig({ ...dev, LOG_PRETTY: '0' }).logPretty).toBe(false);
    expect(loadConfig({ ...complete, LOG_PRETTY: '1' }).logPretty).toBe(false);
    expect(loadConfig({ ...wechat, NODE_ENV: 'test', LOG_PRETTY: '1' }).logPretty).toBe(false);
  });
});
