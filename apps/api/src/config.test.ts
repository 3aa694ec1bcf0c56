import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEnvFile } from './config';

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
});
