// The sandbox's state: in memory, persisted (debounced) to state.json so a restart of `pnpm dev` keeps trades,
// refunds and the notification log. Identities and keys live in their own files (identity.ts).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { FaultRecord } from './faults';

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

export interface ShippingRecord {
  uploads: number;
  last: unknown;
  uploaded_at: string;
}

export interface TradeRecord {
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  notify_url: string;
  attach?: string;
  /** As the merchant sent it on the first prepay (later calls cannot change it). */
  time_expire?: string;
  expireAt?: number;
  amount: { total: number; currency: string };
  payer: { openid: string };
  prepay_id?: string;
  prepayExpiresAt?: number;
  trade_state: TradeState;
  trade_state_desc: string;
  transaction_id?: string;
  success_time?: string;
  successAt?: number;
  bank_type?: string;
  createdAt: number;
  updatedAt: number;
  /** What must be identical when the same out_trade_no is prepaid again. */
  fingerprint: string;
  /** `inserted`: created by the control API as a payment the merchant never initiated through prepay. */
  origin: 'prepay' | 'inserted';
  shipping?: ShippingRecord;
}

export interface RefundRecord {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  reason?: string;
  notify_url?: string;
  status: RefundStatus;
  amount: { refund: number; total: number; currency: string };
  create_time: string;
  createdAt: number;
  success_time?: string;
  successAt?: number;
  settledAt?: number;
}

export type DeliveryKind = 'scheduled' | 'redeliver' | 'duplicate' | 'concurrent';
export type SignatureKind = 'valid' | 'signtest' | 'tampered';

export interface DeliveryAttempt {
  /** 1 for the first scheduled delivery, 2..16 for WeChat's 15 retries; absent for manual/duplicate sends. */
  n?: number;
  kind: DeliveryKind;
  /** ISO time the attempt started (real clock). */
  at: string;
  atMs: number;
  /** The fault `drop` swallowed it: the merchant never saw it. */
  dropped?: boolean;
  signature: SignatureKind;
  serial: string;
  status?: number;
  ok: boolean;
  durationMs: number;
  answer?: string;
  error?: string;
  /** The merchant answered 200/204 to a probe or a tampered signature: a verification bug. */
  acceptedBadSignature?: boolean;
}

export type NotificationStatus = 'scheduled' | 'held' | 'delivered' | 'failed';

export interface NotificationRecord {
  id: string;
  seq: number;
  event_type: string;
  summary: string;
  out_trade_no: string;
  out_refund_no?: string;
  notify_url: string;
  /** The exact body sent on every attempt (same id, same ciphertext). */
  body: string;
  /** The decrypted resource, for the inspector. */
  resource: unknown;
  create_time: string;
  createdAt: number;
  status: NotificationStatus;
  attempts: DeliveryAttempt[];
  /** Scheduled attempts made so far (1 + retries). */
  scheduledAttempts: number;
  nextAttemptAt?: number;
  deliveredAt?: number;
  /** `out_of_order`: held until a refund notification of the same trade went out (or this time passes). */
  heldUntil?: number;
}

export interface LoginCode {
  code: string;
  user: string;
  openid: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  kind: 'stable' | 'classic';
  expiresAt: number;
}

export interface Settings {
  /** Settle PROCESSING refunds automatically after this many ms (0 = only on demand). */
  auto_settle_refunds_ms: number;
  /** What `is_trade_managed` answers. */
  trade_managed: boolean;
  /** Refuse a day's bill before 10:00 Beijing time the next day, as WeChat does (off: bills are ready at once). */
  strict_bill_timing: boolean;
}

export interface StateData {
  version: 1;
  trades: Record<string, TradeRecord>;
  refunds: Record<string, RefundRecord>;
  notifications: NotificationRecord[];
  loginCodes: Record<string, LoginCode>;
  tokens: AccessToken[];
  faults: FaultRecord[];
  clockOffsetMs: number;
  settings: Settings;
  seq: number;
}

export function emptyState(settings: Partial<Settings> = {}): StateData {
  return {
    version: 1,
    trades: {},
    refunds: {},
    notifications: [],
    loginCodes: {},
    tokens: [],
    faults: [],
    clockOffsetMs: 0,
    settings: { auto_settle_refunds_ms: 0, trade_managed: true, strict_bill_timing: false, ...settings },
    seq: 0,
  };
}

/** Keeps the state and writes it to disk at most every `debounceMs`. */
export class Store {
  data: StateData;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    initialSettings: Partial<Settings> = {},
    private readonly debounceMs = 200,
  ) {
    this.data = emptyState(initialSettings);
    if (existsSync(path)) {
      try {
        const loaded = JSON.parse(readFileSync(path, 'utf8')) as StateData;
        if (loaded.version === 1) {
          this.data = { ...emptyState(), ...loaded, settings: { ...emptyState().settings, ...loaded.settings, ...initialSettings } };
        }
      } catch {
        // A corrupt state file (e.g. a crash mid-write before atomic writes) only costs the history.
      }
    }
  }

  nextSeq(): number {
    this.data.seq += 1;
    return this.data.seq;
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
  }

  tradeByPrepayId(prepayId: string): TradeRecord | undefined {
    return Object.values(this.data.trades).find((t) => t.prepay_id === prepayId);
  }

  tradeByTransactionId(transactionId: string): TradeRecord | undefined {
    return Object.values(this.data.trades).find((t) => t.transaction_id === transactionId);
  }

  refundsOf(outTradeNo: string): RefundRecord[] {
    return Object.values(this.data.refunds).filter((r) => r.out_trade_no === outTradeNo);
  }

  /** Forget trades, refunds, notifications, codes, tokens and faults (identities stay). */
  reset(): void {
    this.data = { ...emptyState(), settings: this.data.settings, seq: this.data.seq };
    this.changed();
  }
}
