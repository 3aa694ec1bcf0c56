// Typed helpers for the control API, for tests of other packages (and scripts): `sandbox.control.pay(…)`.
import type { PushRecord } from './domain/push';
import type { SubscribeMessageRecord } from './domain/subscribe';
import type { NotificationView } from './routes/control';
import type { RefundView, TransactionView } from './domain/views';
import type { Endpoint, FaultKind, FaultRecord } from './faults';
import type { KeyMode, KeyStatus } from './keys';
import type { DeliveryAttempt, RefundStatus, Settings } from './store';

export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FaultInput {
  kind: FaultKind;
  /** Limit the fault to one trade; absent = everything. */
  outTradeNo?: string;
  endpoints?: Endpoint[];
  count?: number;
  ms?: number;
  status?: 500 | 502 | 503 | 504;
}

export interface NotificationFilter {
  outTradeNo?: string;
  outRefundNo?: string;
  eventType?: string;
  status?: 'scheduled' | 'held' | 'delivered' | 'failed';
}

export interface InsertTradeInput {
  outTradeNo: string;
  totalFen: number;
  openid: string;
  description?: string;
  attach?: string;
  /** RFC 3339; default now (sandbox clock). */
  successTime?: string;
  /** Deliver TRANSACTION.SUCCESS here (default: no notification at all). */
  notifyUrl?: string;
}

export type PayOutcomeInput = 'SUCCESS' | 'CANCEL' | 'FAIL' | 'PAYERROR';

export interface SandboxControl {
  /** A one-time login code for a test user, and the user's (stable) openid. */
  loginCode(user: string): Promise<{ code: string; openid: string }>;
  openid(user: string): Promise<string>;
  /** The shopper pays (SUCCESS → notification unless `notify: false`), cancels, or fails. */
  pay(prepayId: string, outcome?: PayOutcomeInput, options?: { notify?: boolean; successTime?: string }): Promise<TransactionView>;
  /** A payment WeChat knows and the merchant never initiated (reconciliation tests). */
  insertTrade(input: InsertTradeInput): Promise<TransactionView>;
  trade(outTradeNo: string): Promise<{ transaction: TransactionView; prepay_id?: string; refunds: RefundView[]; notifications: NotificationView[]; shipping?: unknown }>;
  trades(): Promise<Array<TransactionView & { prepay_id?: string; description: string; notify_url: string }>>;
  refunds(): Promise<RefundView[]>;
  /** Settles a PROCESSING refund (default SUCCESS, or ABNORMAL under the refund_abnormal fault) and notifies. */
  settleRefund(outRefundNo: string, outcome?: RefundStatus): Promise<RefundView>;
  setFault(fault: FaultInput): Promise<FaultRecord>;
  faults(): Promise<FaultRecord[]>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  notifications(filter?: NotificationFilter): Promise<NotificationView[]>;
  redeliver(notificationId: string): Promise<DeliveryAttempt>;
  /** Polls notifications until `predicate` holds for one of them (default timeout 5 s). */
  waitForNotification(filter: NotificationFilter, predicate?: (n: NotificationView) => boolean, timeoutMs?: number): Promise<NotificationView>;
  clock(): Promise<{ now: string; offset_ms: number }>;
  advanceClock(ms: number): Promise<{ now: string; offset_ms: number }>;
  setClockOffset(ms: number): Promise<{ now: string; offset_ms: number }>;
  keys(): Promise<KeyStatus>;
  setKeyMode(mode: KeyMode): Promise<KeyStatus>;
  rotateCertificate(): Promise<KeyStatus>;
  settings(patch?: Partial<Settings>): Promise<Settings>;
  /** Grants one subscribe message per template to `openid` (what tapping "allow" does); answers the quotas left. */
  subscribe(openid: string, templateIds: string[]): Promise<{ openid: string; quotas: Record<string, number> }>;
  /** Subscribe messages received, oldest first (every openid's when none is given). */
  messages(openid?: string): Promise<SubscribeMessageRecord[]>;
  /** The shopper confirms receipt in WeChat: the `trade_manage_order_settlement` push (safe mode), after its first attempt. */
  confirmReceipt(transactionId: string): Promise<PushRecord>;
  /** The shopper asks the shop to ship: the `trade_manage_remind_shipping` push, after its first attempt. */
  remindShipping(transactionId: string): Promise<PushRecord>;
  /** Pushes sent (each with every attempt), and where they go. */
  pushes(transactionId?: string): Promise<{ push_url: string; items: PushRecord[] }>;
  /** Where pushes go from now on (the API's `/api/wechat/push`). */
  setPushUrl(url: string): Promise<{ push_url: string }>;
  /** Forgets trades, refunds, notifications, codes, tokens, faults and the clock shift; keys stay. */
  reset(): Promise<void>;
  env(): Promise<Record<string, string>>;
}

export function createControlClient(baseUrl: string): SandboxControl {
  const base = baseUrl.replace(/\/$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let code = 'HTTP_ERROR';
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = parsed.error?.code ?? code;
        message = parsed.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new SandboxControlError(res.status, code, `${method} /__sandbox${path}: ${res.status} ${code} ${message}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const query = (filter: NotificationFilter = {}) => {
    const params = new URLSearchParams();
    if (filter.outTradeNo) params.set('out_trade_no', filter.outTradeNo);
    if (filter.outRefundNo) params.set('out_refund_no', filter.outRefundNo);
    if (filter.eventType) params.set('event_type', filter.eventType);
    if (filter.status) params.set('status', filter.status);
    const s = params.toString();
    return s ? `?${s}` : '';
  };
  const control: SandboxControl = {
    loginCode: (user) => call('POST', '/login-code', { user }),
    openid: async (user) => (await call<{ openid: string }>('GET', `/users/${encodeURIComponent(user)}`)).openid,
    pay: (prepayId, outcome = 'SUCCESS', options = {}) =>
      call('POST', '/pay', { prepay_id: prepayId, outcome, ...(options.notify === false ? { notify: false } : {}), ...(options.successTime ? { success_time: options.successTime } : {}) }),
    insertTrade: (input) =>
      call('POST', '/trades', {
        out_trade_no: input.outTradeNo,
        amount: { total: input.totalFen },
        openid: input.openid,
        description: input.description,
        attach: input.attach,
        success_time: input.successTime,
        notify_url: input.notifyUrl,
      }),
    trade: (outTradeNo) => call('GET', `/trades/${encodeURIComponent(outTradeNo)}`),
    trades: async () => (await call<{ items: Awaited<ReturnType<SandboxControl['trades']>> }>('GET', '/trades')).items,
    refunds: async () => (await call<{ items: RefundView[] }>('GET', '/refunds')).items,
    settleRefund: (outRefundNo, outcome) => call('POST', `/refunds/${encodeURIComponent(outRefundNo)}/settle`, outcome ? { outcome } : {}),
    setFault: (fault) =>
      call('POST', '/faults', {
        kind: fault.kind,
        ...(fault.outTradeNo ? { out_trade_no: fault.outTradeNo } : {}),
        ...(fault.endpoints ? { endpoints: fault.endpoints } : {}),
        ...(fault.count !== undefined ? { count: fault.count } : {}),
        ...(fault.ms !== undefined ? { ms: fault.ms } : {}),
        ...(fault.status !== undefined ? { status: fault.status } : {}),
      }),
    faults: async () => (await call<{ items: FaultRecord[] }>('GET', '/faults')).items,
    removeFault: (id) => call('DELETE', `/faults/${encodeURIComponent(id)}`),
    clearFaults: () => call('DELETE', '/faults'),
    notifications: async (filter) => (await call<{ items: NotificationView[] }>('GET', `/notifications${query(filter)}`)).items,
    redeliver: (id) => call('POST', `/notifications/${encodeURIComponent(id)}/redeliver`),
    async waitForNotification(filter, predicate = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await control.notifications(filter)).find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no notification matching ${JSON.stringify(filter)} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    clock: () => call('GET', '/clock'),
    advanceClock: (ms) => call('POST', '/clock', { advance_ms: ms }),
    setClockOffset: (ms) => call('POST', '/clock', { offset_ms: ms }),
    keys: () => call('GET', '/keys'),
    setKeyMode: (mode) => call('POST', '/keys', { mode }),
    rotateCertificate: () => call('POST', '/keys', { rotate: true }),
    settings: (patch) => (patch ? call('POST', '/settings', patch) : call('GET', '/settings')),
    subscribe: (openid, templateIds) => call('POST', '/subscribe', { openid, templateIds }),
    confirmReceipt: (transactionId) => call('POST', '/confirm-receipt', { transaction_id: transactionId }),
    remindShipping: (transactionId) => call('POST', '/remind-shipping', { transaction_id: transactionId }),
    pushes: (transactionId) => call('GET', `/pushes${transactionId ? `?transaction_id=${encodeURIComponent(transactionId)}` : ''}`),
    setPushUrl: (url) => call('POST', '/push-url', { url }),
    messages: async (openid) => (await call<{ items: SubscribeMessageRecord[] }>('GET', `/messages${openid ? `?openid=${encodeURIComponent(openid)}` : ''}`)).items,
    reset: () => call('POST', '/reset'),
    env: () => call('GET', '/env'),
  };
  return control;
}
