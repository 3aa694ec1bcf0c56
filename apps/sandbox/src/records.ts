// The records the sandbox keeps of trades, refunds and notifications: in its snapshot (store.ts) and its
// journal (journal.ts), which both need them without needing each other.
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
