// `pnpm --filter @xiaodian/sandbox start` on its own: environment, one ready line, api.env, SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, readSandboxConfig } from '../src/index';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('configuration', () => {
  it('defaults to port 3100, .sandbox/ at the repo root, time scale 1, public-key mode, refunds settled by hand, pushes to the API on 3000', () => {
    const root = findRepoRoot()!;
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(readSandboxConfig({})).toMatchObject({
      port: 3100,
      dataDir: join(root, '.sandbox'),
      timeScale: 1,
      keyMode: 'public_key',
      host: '127.0.0.1',
      autoSettleRefundsMs: 0,
      pushUrl: 'http://127.0.0.1:3000/api/wechat/push',
    });
    expect(readSandboxConfig({ SANDBOX_PUSH_URL: 'http://127.0.0.1:4000/api/wechat/push' }).pushUrl).toBe('http://127.0.0.1:4000/api/wechat/push');
    // SANDBOX_REFUND_SETTLE decides; the older SANDBOX_AUTO_SETTLE_REFUNDS_MS still works alone and sets auto's delay.
    expect(readSandboxConfig({ SANDBOX_REFUND_SETTLE: 'auto' }).autoSettleRefundsMs).toBe(5000);
    expect(readSandboxConfig({ SANDBOX_REFUND_SETTLE: 'auto', SANDBOX_AUTO_SETTLE_REFUNDS_MS: '800' }).autoSettleRefundsMs).toBe(800);
    expect(readSandboxConfig({ SANDBOX_REFUND_SETTLE: 'manual', SANDBOX_AUTO_SETTLE_REFUNDS_MS: '800' }).autoSettleRefundsMs).toBe(0);
    expect(readSandboxConfig({ SANDBOX_AUTO_SETTLE_REFUNDS_MS: '0' }).autoSettleRefundsMs).toBe(0); // by hand
    expect(readSandboxConfig({ SANDBOX_PORT: '0', SANDBOX_DATA_DIR: '/tmp/x', SANDBOX_TIME_SCALE: '0.01', SANDBOX_KEY_MODE: 'both', SANDBOX_AUTO_SETTLE_REFUNDS_MS: '2000' })).toMatchObject({
      port: 0,
      dataDir: '/tmp/x',
      timeScale: 0.01,
      keyMode: 'both',
      autoSettleRefundsMs: 2000,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readSandboxConfig({ SANDBOX_PORT: 'abc' })).toThrow(/SANDBOX_PORT/);
    expect(() => readSandboxConfig({ SANDBOX_TIME_SCALE: '0' })).toThrow(/SANDBOX_TIME_SCALE/);
    expect(() => readSandboxConfig({ SANDBOX_KEY_MODE: 'x' })).toThrow(/SANDBOX_KEY_MODE/);
    expect(() => readSandboxConfig({ SANDBOX_AUTO_SETTLE_REFUNDS_MS: 'soon' })).toThrow(/SANDBOX_AUTO_SETTLE_REFUNDS_MS/);
    expect(() => readSandboxConfig({ SANDBOX_REFUND_SETTLE: 'sometimes' })).toThrow(/SANDBOX_REFUND_SETTLE/);
  });
});

describe('start', () => {
  it('runs alone: logs one ready line, writes api.env (with the push token and key), serves it, settles refunds by itself when told, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xd-sandbox-main-'));
    try {
      const { SANDBOX_AUTO_SETTLE_REFUNDS_MS: _unset, SANDBOX_REFUND_SETTLE: _mode, ...env } = process.env;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: packageDir,
        env: { ...env, SANDBOX_PORT: '0', SANDBOX_DATA_DIR: dir, SANDBOX_TIME_SCALE: '0.01', SANDBOX_REFUND_SETTLE: 'auto' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 20_000;
      while (!/ready at (http:\/\/\S+)/.test(output)) {
        if (Date.now() > deadline) throw new Error(`no ready line: ${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /ready at (http:\/\/\S+)/.exec(output)![1]!;
      expect(output.trim().split('\n')).toHaveLength(1);
      const apiEnv = (await (await fetch(`${url}/__sandbox/env`)).json()) as Record<string, string>;
      expect(apiEnv.WECHATPAY_BASE).toBe(url);
      expect(readFileSync(join(dir, 'api.env'), 'utf8')).toContain(`WECHATPAY_BASE=${url}\n`);
      expect(existsSync(apiEnv.WECHATPAY_PRIVATE_KEY!)).toBe(true);
      expect(apiEnv.WECHAT_PUSH_TOKEN).toMatch(/^[a-f0-9]{32}$/);
      expect(apiEnv.WECHAT_PUSH_AES_KEY).toMatch(/^[A-Za-z0-9+/]{43}$/);
      expect(JSON.parse(readFileSync(join(dir, 'push.json'), 'utf8'))).toEqual({ token: apiEnv.WECHAT_PUSH_TOKEN, encodingAesKey: apiEnv.WECHAT_PUSH_AES_KEY });
      expect(output).toMatch(/refunds settle by themselves after 5000 ms/);
      expect(((await (await fetch(`${url}/__sandbox/settings`)).json()) as { auto_settle_refunds_ms: number }).auto_settle_refunds_ms).toBe(5000);
      await fetch(`${url}/__sandbox/login-code`, { method: 'POST', body: '{"user":"alice"}', headers: { 'Content-Type': 'application/json' } });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).loginCodes).not.toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
