// The sandbox's environment (for `pnpm --filter @xiaodian/sandbox start`), parsed once, failing fast.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY_MODES, type KeyMode } from './keys';

/** Where the API listens in development (`pnpm dev`): WeChat's message push goes there. */
export const DEFAULT_PUSH_URL = 'http://127.0.0.1:3000/api/wechat/push';

export interface SandboxConfig {
  port: number;
  host: string;
  dataDir: string;
  timeScale: number;
  keyMode: KeyMode;
  /** 0: refunds stay PROCESSING until settled by hand (control API, dashboard). */
  autoSettleRefundsMs: number;
  publicUrl: string | undefined;
  /** Where WeChat's message push goes (the API's `/api/wechat/push`). */
  pushUrl: string;
}

/**
 * With `SANDBOX_REFUND_SETTLE=auto` (what `pnpm dev` sets) refunds settle by themselves after this long, as
 * WeChat's do within seconds to minutes, so a developer clicking through the shop sees them end. Started alone the
 * sandbox keeps them PROCESSING until settled by hand (`manual`), as do startSandbox() and the API's tests.
 */
export const DEV_REFUND_SETTLE_MS = 5000;

export const REFUND_SETTLE_MODES = ['manual', 'auto'] as const;

/**
 * How refunds settle: SANDBOX_REFUND_SETTLE (manual | auto) decides; SANDBOX_AUTO_SETTLE_REFUNDS_MS, the older
 * variable, still works alone (0: manual, more: auto after that many ms) and sets the delay of `auto`.
 */
function refundSettleMs(env: NodeJS.ProcessEnv, delayMs: number | undefined): number {
  const mode = env.SANDBOX_REFUND_SETTLE;
  if (mode === undefined || mode === '') return delayMs ?? 0;
  if (!(REFUND_SETTLE_MODES as readonly string[]).includes(mode)) throw new Error(`SANDBOX_REFUND_SETTLE must be manual or auto (got ${JSON.stringify(mode)})`);
  if (mode === 'manual') return 0;
  return delayMs && delayMs > 0 ? delayMs : DEV_REFUND_SETTLE_MS;
}

/** The workspace root: the nearest directory upwards holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function readSandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const number = (name: string, fallback: number, check: (n: number) => boolean, rule: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${rule} (got ${JSON.stringify(raw)})`);
    return value;
  };
  const port = number('SANDBOX_PORT', 3100, (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number');
  const timeScale = number('SANDBOX_TIME_SCALE', 1, (n) => n > 0, 'a number > 0');
  const settleDelay = env.SANDBOX_AUTO_SETTLE_REFUNDS_MS ? number('SANDBOX_AUTO_SETTLE_REFUNDS_MS', 0, (n) => n >= 0, 'a number of ms ≥ 0 (0: settle by hand)') : undefined;
  const autoSettle = refundSettleMs(env, settleDelay);
  const keyMode = (env.SANDBOX_KEY_MODE || 'public_key') as KeyMode;
  if (!KEY_MODES.includes(keyMode)) throw new Error(`SANDBOX_KEY_MODE must be one of ${KEY_MODES.join(', ')} (got ${JSON.stringify(env.SANDBOX_KEY_MODE)})`);
  let dataDir = env.SANDBOX_DATA_DIR;
  if (!dataDir) {
    const root = findRepoRoot() ?? findRepoRoot(process.cwd());
    dataDir = join(root ?? process.cwd(), '.sandbox');
  }
  return {
    port,
    host: env.SANDBOX_HOST || '127.0.0.1',
    dataDir: resolve(dataDir),
    timeScale,
    keyMode,
    autoSettleRefundsMs: autoSettle,
    publicUrl: env.SANDBOX_PUBLIC_URL || undefined,
    pushUrl: env.SANDBOX_PUSH_URL || DEFAULT_PUSH_URL,
  };
}
