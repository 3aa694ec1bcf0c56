// The sandbox's state: in memory, persisted so a restart of `pnpm dev` keeps trades, refunds and the
// notification log — the API's `?sync=1`, its refund job and reconciliation ask "WeChat" about them later.
// Two files: journal.jsonl (journal.ts), where every trade, refund and notification change is appended the moment
// it happens, and state.json, an atomic snapshot of everything into which the journal is folded. A snapshot is
// O(all trades), so it is not written per change: only when something outside the journal changed (codes,
// tokens, faults, settings, clock, subscribe quotas and messages; at most every 200 ms), once the journal has
// grown as large as the snapshot (so each journaled byte is rewritten about once), at a reset, at start (when a
// journal is left over) and at a clean close. Identities and keys live in their own files (identity.ts).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SubscribeMessageRecord } from './domain/subscribe';
import type { FaultRecord } from './faults';
import { Journal, readJournal, type JournalEntry, type JournalKind } from './journal';

export type { DeliveryAttempt, DeliveryKind, NotificationRecord, NotificationStatus, RefundRecord, RefundStatus, ShippingRecord, SignatureKind, TradeRecord, TradeState } from './records';
import type { NotificationRecord, RefundRecord, TradeRecord } from './records';

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
  /** One-time subscribe message quotas, `openid|templateId` → messages left (POST /__sandbox/subscribe). */
  subscriptions: Record<string, number>;
  /** Subscribe messages received (`/cgi-bin/message/subscribe/send`), oldest first. */
  messages: SubscribeMessageRecord[];
  clockOffsetMs: number;
  settings: Settings;
  seq: number;
  /** The last journal entry this snapshot includes: replaying the journal skips entries up to it. */
  journalSeq: number;
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
    subscriptions: {},
    messages: [],
    clockOffsetMs: 0,
    settings: { auto_settle_refunds_ms: 0, trade_managed: true, strict_bill_timing: false, ...settings },
    seq: 0,
    journalSeq: 0,
  };
}

export interface StoreFiles {
  /** The snapshot, state.json. */
  state: string;
  /** The journal, journal.jsonl. */
  journal: string;
}

export interface StoreOptions {
  files: StoreFiles;
  /** Settings that override the snapshot's (what the command's environment asks for). */
  initialSettings?: Partial<Settings>;
  log?: (line: string) => void;
  /** At most how often a change outside the journal rewrites the snapshot, in ms. */
  debounceMs?: number;
  /** The journal is folded into the snapshot once it holds this many bytes and at least the snapshot's size. */
  compactMinBytes?: number;
}

/** Below this a journal is cheap to replay however small the snapshot: no compaction for a handful of trades. */
export const COMPACT_MIN_BYTES = 1024 * 1024;

/** The snapshot on disk (with its size), or undefined. One that cannot be read is moved aside (never silently overwritten). */
function readSnapshot(path: string, log: (line: string) => void): { data: Partial<StateData>; bytes: number } | undefined {
  if (!existsSync(path)) return undefined;
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
    const loaded = JSON.parse(text) as Partial<StateData>;
    if (loaded.version === 1) return { data: loaded, bytes: text.length };
  } catch {
    // Handled below: atomic writes make this unlikely, but a hand-edited file can still break.
  }
  const aside = `${path}.unreadable-${Date.now()}`;
  renameSync(path, aside);
  log(`${path} is unreadable: moved to ${aside}; starting from the journal alone`);
  return undefined;
}

/**
 * Keeps the state in memory. Trades, refunds and notifications are saved through saveTrade/saveRefund/
 * saveNotification (journaled at once, in a snapshot later); everything else through changed() (in the next
 * snapshot, at most debounceMs away).
 */
export class Store {
  data: StateData;
  private timer: NodeJS.Timeout | undefined;
  private readonly journal: Journal;
  private closed = false;
  private readonly files: StoreFiles;
  private readonly debounceMs: number;
  private readonly compactMinBytes: number;
  /** prepay_id / transaction_id → out_trade_no (see tradeBy). */
  private readonly byPrepayId = new Map<string, string>();
  private readonly byTransactionId = new Map<string, string>();
  /** The size of the last snapshot written or read (in UTF-16 units: a threshold, not an exact byte count). */
  private snapshotSize = 0;

  constructor(options: StoreOptions) {
    const { files, initialSettings = {}, log = () => {} } = options;
    this.files = files;
    this.debounceMs = options.debounceMs ?? 200;
    this.compactMinBytes = options.compactMinBytes ?? COMPACT_MIN_BYTES;
    this.data = emptyState(initialSettings);
    const loaded = readSnapshot(files.state, log);
    if (loaded) {
      this.data = { ...emptyState(), ...loaded.data, settings: { ...emptyState().settings, ...loaded.data.settings, ...initialSettings } };
      this.snapshotSize = loaded.bytes;
    }
    const { entries, skipped } = readJournal(files.journal);
    let last = this.data.journalSeq;
    // A journal holds about a snapshot's worth of lines, many of them notifications: found by id, not by a scan.
    const notificationAt = new Map(this.data.notifications.map((n, at) => [n.id, at]));
    for (const entry of entries) {
      last = Math.max(last, entry.n);
      // Entries up to journalSeq are in the snapshot already (a crash between its rename and the truncate).
      if (entry.n > this.data.journalSeq) this.apply(entry, notificationAt);
    }
    if (skipped > 0) log(`${files.journal}: skipped ${skipped} unreadable line(s), a write cut short by a crash`);
    this.journal = new Journal(files.journal, last);
    // Fold the journal into a snapshot now: new lines must not be appended after a torn one.
    if (entries.length > 0 || skipped > 0) this.flush();
  }

  private apply(entry: JournalEntry, notificationAt: Map<string, number>): void {
    if (entry.kind === 'trade') this.data.trades[entry.value.out_trade_no] = entry.value;
    else if (entry.kind === 'refund') this.data.refunds[entry.value.out_refund_no] = entry.value;
    else {
      const at = notificationAt.get(entry.value.id);
      if (at !== undefined) this.data.notifications[at] = entry.value;
      else notificationAt.set(entry.value.id, this.data.notifications.push(entry.value) - 1);
      this.data.seq = Math.max(this.data.seq, entry.value.seq);
    }
  }

  /** Records a new or changed trade: journaled now, in a later snapshot. */
  saveTrade(trade: TradeRecord): void {
    this.data.trades[trade.out_trade_no] = trade;
    this.indexTrade(trade);
    this.journaled('trade', trade);
  }

  saveRefund(refund: RefundRecord): void {
    this.data.refunds[refund.out_refund_no] = refund;
    this.journaled('refund', refund);
  }

  /** Records a changed notification of data.notifications. */
  saveNotification(notification: NotificationRecord): void {
    // A delivery still in flight when the control API reset the state must not bring its notification back.
    // Searched from the end: the notifications being delivered are the recent ones.
    if (this.data.notifications.lastIndexOf(notification) < 0) return;
    this.journaled('notification', notification);
  }

  /**
   * The journal line is the change's durable record, so no snapshot is needed for it; one is scheduled only
   * once the journal has grown as large as the snapshot, which keeps the cost per change O(the record).
   */
  private journaled(kind: JournalKind, value: TradeRecord | RefundRecord | NotificationRecord): void {
    if (this.closed) return;
    this.journal.append(kind, value);
    if (this.journal.size >= Math.max(this.compactMinBytes, this.snapshotSize)) this.changed();
  }

  nextSeq(): number {
    this.data.seq += 1;
    return this.data.seq;
  }

  changed(): void {
    if (this.timer || this.closed) return;
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
    this.data.journalSeq = this.journal.lastN;
    const tmp = `${this.files.state}.${process.pid}.tmp`;
    const text = JSON.stringify(this.data);
    writeFileSync(tmp, text);
    renameSync(tmp, this.files.state);
    // Only once the snapshot is in place: a crash before this line replays nothing twice (journalSeq).
    this.journal.truncate();
    this.snapshotSize = text.length;
  }

  /** A last snapshot (everything, the journal folded in); later changes stay in memory only. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.journal.close();
  }

  tradeByPrepayId(prepayId: string): TradeRecord | undefined {
    return this.tradeBy(this.byPrepayId, prepayId, (t) => t.prepay_id);
  }

  tradeByTransactionId(transactionId: string): TradeRecord | undefined {
    return this.tradeBy(this.byTransactionId, transactionId, (t) => t.transaction_id);
  }

  /**
   * A trade by one of its ids without a scan of every trade per query (a long-used data folder holds thousands).
   * The index is a hint, checked on every hit: a trade whose id changed (a new prepay_id) or that a reset
   * forgot is not found through its old entry; one not indexed yet (loaded from disk) is found by a scan once.
   */
  private tradeBy(index: Map<string, string>, id: string, idOf: (trade: TradeRecord) => string | undefined): TradeRecord | undefined {
    const hinted = index.get(id);
    const trade = hinted === undefined ? undefined : this.data.trades[hinted];
    if (trade && idOf(trade) === id) return trade;
    const found = Object.values(this.data.trades).find((t) => idOf(t) === id);
    if (found) index.set(id, found.out_trade_no);
    return found;
  }

  private indexTrade(trade: TradeRecord): void {
    if (trade.prepay_id) this.byPrepayId.set(trade.prepay_id, trade.out_trade_no);
    if (trade.transaction_id) this.byTransactionId.set(trade.transaction_id, trade.out_trade_no);
  }

  refundsOf(outTradeNo: string): RefundRecord[] {
    return Object.values(this.data.refunds).filter((r) => r.out_trade_no === outTradeNo);
  }

  /** Forget trades, refunds, notifications, codes, tokens and faults (identities stay). */
  reset(): void {
    this.data = { ...emptyState(), settings: this.data.settings, seq: this.data.seq, journalSeq: this.data.journalSeq };
    this.byPrepayId.clear();
    this.byTransactionId.clear();
    // At once: the journal still holds what was forgotten, and a restart must not bring it back.
    if (!this.closed) this.flush();
  }
}
