// WeChat's message push (消息推送) to the shop's server URL, JSON format, safe mode: the events of WeChat's trade
// management that a mini program shop receives (`trade_manage_order_settlement` when the shopper confirms receipt
// in WeChat's UI, `trade_manage_remind_shipping`). The push token and EncodingAESKey are generated once into the
// data directory and handed to the API in api.env. A push not answered `success` is pushed again (time-scaled).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Timers } from '../timers';

export interface PushKeys {
  /** The Token (3–32 letters or digits). */
  token: string;
  /** The EncodingAESKey: 43 characters of base64 (the 32-byte AES key without its final '='). */
  encodingAesKey: string;
}

/** Reads `push.json` from the data directory, creating it on the first start. */
export function ensurePushKeys(dataDir: string): PushKeys {
  const file = join(dataDir, 'push.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<PushKeys>;
    if (typeof stored.token === 'string' && typeof stored.encodingAesKey === 'string' && stored.encodingAesKey.length === 43) return stored as PushKeys;
  }
  const keys: PushKeys = {
    token: randomBytes(16).toString('hex'),
    encodingAesKey: randomBytes(32).toString('base64').slice(0, 43),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return keys;
}

export function pushEnv(keys: PushKeys): Record<string, string> {
  return { WECHAT_PUSH_TOKEN: keys.token, WECHAT_PUSH_AES_KEY: keys.encodingAesKey };
}

export const signPush = (...parts: string[]): string => createHash('sha1').update([...parts].sort().join('')).digest('hex');

/** WeChat's layout: 16 random bytes, the length (4 bytes big-endian), the message, the appid; PKCS#7 to 32 bytes. */
export function encryptPush(encodingAesKey: string, message: string, appid: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appid, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** Seconds between a push and its repeats when the server does not answer `success` (then it is given up). */
export const PUSH_RETRY_SECONDS = [5, 10, 30, 60] as const;

export interface PushAttempt {
  at: string;
  status?: number;
  answer?: string;
  error?: string;
}

export interface PushRecord {
  id: string;
  event: string;
  transaction_id: string;
  url: string;
  status: 'scheduled' | 'delivered' | 'failed';
  message: Record<string, unknown>;
  attempts: PushAttempt[];
  next_attempt_at?: string;
}

export interface PushSenderOptions {
  keys: PushKeys;
  appid: string;
  /** Where pushes go (SANDBOX_PUSH_URL; changeable at run time). */
  url: string;
  timers: Timers;
  timeScale: number;
  log: (line: string) => void;
  /** How long a push waits for the answer (WeChat: 5 s). */
  timeoutMs?: number;
}

/** Sends pushes and keeps them (in memory: the dashboard and tests read them) with every attempt. */
export class PushSender {
  url: string;
  readonly records: PushRecord[] = [];
  private seq = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: PushSenderOptions) {
    this.url = options.url;
  }

  /** Pushes `message` at once and answers after the first attempt; repeats follow on the schedule. */
  async push(message: Record<string, unknown> & { Event: string; transaction_id: string }): Promise<PushRecord> {
    const record: PushRecord = { id: `push_${++this.seq}_${randomBytes(4).toString('hex')}`, event: message.Event, transaction_id: message.transaction_id, url: this.url, status: 'scheduled', message, attempts: [] };
    this.records.push(record);
    await this.track(this.attempt(record));
    return record;
  }

  find(id: string): PushRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** Resolves when no attempt is running (close). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async attempt(record: PushRecord): Promise<void> {
    const { keys, appid } = this.options;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const encrypted = encryptPush(keys.encodingAesKey, JSON.stringify(record.message), appid);
    const query = new URLSearchParams({
      signature: signPush(keys.token, timestamp, nonce),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: signPush(keys.token, timestamp, nonce, encrypted),
    });
    const attempt: PushAttempt = { at: new Date().toISOString() };
    record.attempts.push(attempt);
    try {
      const res = await fetch(`${record.url}${record.url.includes('?') ? '&' : '?'}${query.toString()}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ToUserName: record.message.ToUserName, Encrypt: encrypted }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      attempt.status = res.status;
      attempt.answer = (await res.text()).slice(0, 500);
    } catch (error) {
      attempt.error = (error as Error).message;
    }
    const ok = attempt.status === 200 && attempt.answer?.trim() === 'success';
    this.options.log(`push ${record.event} ${record.transaction_id} → ${attempt.status ?? attempt.error} ${ok ? 'success' : '(will retry)'}`);
    if (ok) {
      record.status = 'delivered';
      delete record.next_attempt_at;
      return;
    }
    const waitSeconds = PUSH_RETRY_SECONDS[record.attempts.length - 1];
    if (waitSeconds === undefined) {
      record.status = 'failed';
      delete record.next_attempt_at;
      return;
    }
    const delayMs = waitSeconds * 1000 * this.options.timeScale;
    record.next_attempt_at = new Date(Date.now() + delayMs).toISOString();
    this.options.timers.set(() => void this.track(this.attempt(record)), delayMs);
  }
}
