// Notifications: encrypted, signed, delivered to notify_url until the merchant answers 200/204, on WeChat's
// retry schedule scaled by the time scale, shaped by the notification faults. Every attempt is recorded.
import { randomBytes, randomUUID } from 'node:crypto';
import { encryptResource, signedHeaders } from '@xiaodian/wechatpay';
import type { Clock } from './clock';
import { postOnce } from './delivery';
import type { FaultRecord, Faults } from './faults';
import type { KeyManager } from './keys';
import type { DeliveryAttempt, DeliveryKind, NotificationRecord, SignatureKind, Store } from './store';
import { rfc3339 } from './time';
import type { Timers } from './timers';

/** Gaps between deliveries after a failure, in seconds: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];

const ANSWER_SNIPPET = 500;

export interface NotifierOptions {
  store: Store;
  keys: KeyManager;
  faults: Faults;
  clock: Clock;
  timers: Timers;
  timeScale: number;
  apiV3Key: string;
  log: (line: string) => void;
  /** How long WeChat waits for the merchant's answer (5 s). */
  deliveryTimeoutMs?: number;
}

export interface NewNotification {
  event_type: string;
  summary: string;
  original_type: 'transaction' | 'refund';
  resource: Record<string, unknown>;
  out_trade_no: string;
  out_refund_no?: string;
  notify_url: string;
}

export class Notifier {
  private readonly timers = new Map<string, NodeJS.Timeout | undefined>();
  private readonly aborter = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly deliveryTimeoutMs: number;

  constructor(private readonly o: NotifierOptions) {
    this.deliveryTimeoutMs = o.deliveryTimeoutMs ?? 5000;
  }

  private scaled(ms: number): number {
    return ms * this.o.timeScale;
  }

  find(id: string): NotificationRecord | undefined {
    return this.o.store.data.notifications.find((n) => n.id === id);
  }

  /** Creates a notification and schedules its first delivery (now, or later under delay/out_of_order). */
  create(input: NewNotification): NotificationRecord {
    const now = this.o.clock.now();
    const id = randomUUID();
    const create_time = rfc3339(now);
    const resource = encryptResource(JSON.stringify(input.resource), this.o.apiV3Key, input.original_type, input.original_type);
    const body = JSON.stringify({
      id,
      create_time,
      resource_type: 'encrypt-resource',
      event_type: input.event_type,
      summary: input.summary,
      resource: {
        original_type: input.original_type,
        algorithm: resource.algorithm,
        ciphertext: resource.ciphertext,
        associated_data: resource.associated_data,
        nonce: resource.nonce,
      },
    });
    const record: NotificationRecord = {
      id,
      seq: this.o.store.nextSeq(),
      event_type: input.event_type,
      summary: input.summary,
      out_trade_no: input.out_trade_no,
      notify_url: input.notify_url,
      body,
      resource: input.resource,
      create_time,
      createdAt: Date.now(),
      status: 'scheduled',
      attempts: [],
      scheduledAttempts: 0,
    };
    if (input.out_refund_no) record.out_refund_no = input.out_refund_no;
    // Saved (journaled) by arm() below, once its schedule is known.
    this.o.store.data.notifications.push(record);

    const outOfOrder = input.original_type === 'transaction' ? this.o.faults.find('out_of_order', input.out_trade_no) : undefined;
    const delay = this.o.faults.find('delay', input.out_trade_no);
    if (outOfOrder) {
      this.o.faults.touched(outOfOrder);
      record.status = 'held';
      record.heldUntil = Date.now() + (outOfOrder.ms ?? this.scaled(5 * 60_000));
      this.arm(record, record.heldUntil - Date.now());
      this.o.log(`notification ${input.event_type} ${input.out_trade_no} held (out_of_order)`);
    } else if (delay) {
      this.o.faults.touched(delay);
      this.arm(record, delay.ms ?? 3000);
    } else {
      this.arm(record, 0);
    }
    return record;
  }

  /** Schedules the next scheduled attempt of `record` in `ms`. */
  private arm(record: NotificationRecord, ms: number): void {
    this.o.timers.clear(this.timers.get(record.id));
    record.nextAttemptAt = Date.now() + ms;
    this.o.store.saveNotification(record);
    this.timers.set(
      record.id,
      this.o.timers.set(() => {
        this.timers.delete(record.id);
        this.track(this.runScheduled(record));
      }, ms),
    );
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise));
    return promise;
  }

  /** Re-arms timers after a restart (state.json and the journal keep scheduled and held notifications). */
  resume(): void {
    for (const record of this.o.store.data.notifications) {
      if (record.status === 'held') this.arm(record, (record.heldUntil ?? 0) - Date.now());
      else if (record.status === 'scheduled') this.arm(record, (record.nextAttemptAt ?? 0) - Date.now());
    }
  }

  private async runScheduled(record: NotificationRecord): Promise<void> {
    if (record.status === 'held') record.status = 'scheduled';
    if (record.status !== 'scheduled' || this.o.timers.isStopped) return;
    const index = record.scheduledAttempts;
    record.scheduledAttempts += 1;
    record.nextAttemptAt = undefined;
    const n = index + 1;

    let success = false;
    const drop = this.o.faults.find('drop', record.out_trade_no) ?? this.o.faults.find('drop_first', record.out_trade_no);
    const dropLimit = drop ? (drop.count ?? (drop.kind === 'drop_first' ? 1 : Number.POSITIVE_INFINITY)) : 0;
    if (drop && index === 0) this.o.faults.touched(drop);
    if (index < dropLimit) {
      this.record(record, {
        n,
        kind: 'scheduled',
        at: new Date().toISOString(),
        atMs: Date.now(),
        dropped: true,
        signature: 'valid',
        serial: this.o.keys.notificationSigner(record.seq).serial,
        ok: false,
        durationMs: 0,
      });
      this.o.log(`notify ${record.event_type} ${record.out_trade_no} attempt ${n} dropped (fault)`);
    } else {
      const signature = this.badSignatureFor(record, index);
      const concurrent = index === 0 ? this.o.faults.find('concurrent_duplicates', record.out_trade_no) : undefined;
      if (concurrent) {
        this.o.faults.touched(concurrent);
        const copies = concurrent.count ?? 3;
        const attempts = await Promise.all(Array.from({ length: copies }, () => this.send(record, 'concurrent', signature, n)));
        success = attempts.some((a) => a.ok && a.signature === 'valid');
      } else {
        const attempt = await this.send(record, 'scheduled', signature, n);
        success = attempt.ok && attempt.signature === 'valid';
      }
      if (record.out_refund_no) this.releaseHeld(record.out_trade_no);
    }
    if (record.status !== 'scheduled') return; // a redelivery succeeded meanwhile
    if (success) {
      this.markDelivered(record);
      this.scheduleDuplicates(record);
    } else if (index < RETRY_SCHEDULE_SECONDS.length) {
      this.arm(record, this.scaled(RETRY_SCHEDULE_SECONDS[index]! * 1000));
    } else {
      record.status = 'failed';
      this.o.store.saveNotification(record);
      this.o.log(`notify ${record.event_type} ${record.out_trade_no} gave up after ${n} attempts`);
    }
  }

  private badSignatureFor(record: NotificationRecord, index: number): SignatureKind {
    for (const kind of ['signtest', 'tamper_signature'] as const) {
      const fault = this.o.faults.find(kind, record.out_trade_no);
      if (fault && index < (fault.count ?? 1)) {
        if (index === 0) this.o.faults.touched(fault);
        return kind === 'signtest' ? 'signtest' : 'tampered';
      }
    }
    return 'valid';
  }

  private markDelivered(record: NotificationRecord): void {
    record.status = 'delivered';
    record.deliveredAt = Date.now();
    record.nextAttemptAt = undefined;
    this.o.timers.clear(this.timers.get(record.id));
    this.timers.delete(record.id);
    this.o.store.saveNotification(record);
  }

  /** WeChat sends duplicates even after a success; the `duplicate` fault makes that happen now. */
  private scheduleDuplicates(record: NotificationRecord): void {
    const fault: FaultRecord | undefined = this.o.faults.find('duplicate', record.out_trade_no);
    if (!fault) return;
    this.o.faults.touched(fault);
    const gap = fault.ms ?? this.scaled(15_000);
    for (let i = 1; i <= (fault.count ?? 1); i++) {
      this.o.timers.set(() => void this.track(this.send(record, 'duplicate', 'valid')), gap * i);
    }
  }

  /** out_of_order: the payment notification goes out once a refund notification of its trade has. */
  private releaseHeld(outTradeNo: string): void {
    for (const held of this.o.store.data.notifications) {
      if (held.status === 'held' && held.out_trade_no === outTradeNo) {
        held.status = 'scheduled';
        this.arm(held, 0);
      }
    }
  }

  /** One manual delivery now, outside the schedule and without faults (the dashboard's redeliver button). */
  async redeliver(id: string): Promise<DeliveryAttempt | undefined> {
    const record = this.find(id);
    if (!record) return undefined;
    const attempt = await this.track(this.send(record, 'redeliver', 'valid'));
    if (attempt.ok && (record.status === 'scheduled' || record.status === 'held' || record.status === 'failed')) this.markDelivered(record);
    return attempt;
  }

  private async send(record: NotificationRecord, kind: DeliveryKind, signature: SignatureKind, n?: number): Promise<DeliveryAttempt> {
    const signer = this.o.keys.notificationSigner(record.seq);
    const headers: Record<string, string> = {
      ...signedHeaders(record.body, signer),
      'Content-Type': 'application/json',
      'User-Agent': 'Mozilla/4.0 (Xiaodian WeChat Pay sandbox)',
      'Request-ID': randomUUID(),
    };
    if (signature === 'signtest') {
      headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${randomBytes(24).toString('base64')}`;
    } else if (signature === 'tampered') {
      // Valid Base64 of the right length, wrong bytes: only a real verification catches it.
      const bytes = Buffer.from(headers['Wechatpay-Signature']!, 'base64');
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x5a;
      headers['Wechatpay-Signature'] = bytes.toString('base64');
    }
    const atMs = Date.now();
    const result = await postOnce(record.notify_url, headers, record.body, this.deliveryTimeoutMs, this.aborter.signal);
    const ok = result.status === 200 || result.status === 204;
    const attempt: DeliveryAttempt = {
      kind,
      at: new Date(atMs).toISOString(),
      atMs,
      signature,
      serial: signer.serial,
      ok,
      durationMs: result.durationMs,
      answer: result.body.slice(0, ANSWER_SNIPPET),
    };
    if (n !== undefined) attempt.n = n;
    if (result.status !== undefined) attempt.status = result.status;
    if (result.error) attempt.error = result.error;
    if (ok && signature !== 'valid') attempt.acceptedBadSignature = true;
    this.record(record, attempt);
    this.o.log(
      `notify ${record.event_type} ${record.out_trade_no}${record.out_refund_no ? `/${record.out_refund_no}` : ''} ${kind}${n ? ` #${n}` : ''}` +
        `${signature === 'valid' ? '' : ` (${signature} signature)`} → ${result.status ?? result.error} ${result.durationMs}ms`,
    );
    return attempt;
  }

  private record(record: NotificationRecord, attempt: DeliveryAttempt): void {
    record.attempts.push(attempt);
    this.o.store.saveNotification(record);
  }

  /** Forgets every scheduled delivery (after a control reset). */
  cancelAll(): void {
    for (const timer of this.timers.values()) this.o.timers.clear(timer);
    this.timers.clear();
  }

  /** Stops every timer and aborts deliveries in flight. */
  async close(): Promise<void> {
    this.aborter.abort();
    await Promise.allSettled([...this.inflight]);
  }
}
