// Faults: the misbehaviours of real WeChat that a merchant must survive, switched on per trade or for
// everything. Two families:
//  - notification faults (drop, drop_first, duplicate, concurrent_duplicates, delay, out_of_order, signtest,
//    tamper_signature) shape each matching notification; `count` is per notification;
//  - request faults (http_5xx, timeout, slow, not_enough, login_busy, tamper_bill, and signtest/tamper_signature
//    with `endpoints`) fire on matching calls; `count` is a total budget (absent: until cleared).
import { randomUUID } from 'node:crypto';

export const FAULT_KINDS = [
  'drop',
  'drop_first',
  'duplicate',
  'concurrent_duplicates',
  'delay',
  'out_of_order',
  'signtest',
  'tamper_signature',
  'http_5xx',
  'timeout',
  /**
   * A WeChat Pay call is held for `ms` before it is carried out, then answered as usual: the latency under which a
   * merchant's own steps (a cancel, a second request) overtake a call already sent, e.g. a close that finds no
   * trade yet and the prepay that creates it a moment later.
   */
  'slow',
  'refund_abnormal',
  'login_busy',
  'not_enough',
  'tamper_bill',
  /** An open API call answers 40001 as if its access token were no longer valid (only for the endpoints named). */
  'token_invalid',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const ENDPOINTS = [
  'prepay',
  'query',
  'close',
  'refund',
  'refund_query',
  'bill',
  'bill_download',
  'certificates',
  // WeChat's open API (api.weixin.qq.com): only when named, never by default.
  'jscode2session',
  'stable_token',
  'token',
  'upload_shipping_info',
  'is_trade_managed',
  'subscribe_send',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
/** Where http_5xx, timeout and slow apply when no `endpoints` are given. */
export const DEFAULT_FAILING_ENDPOINTS: readonly Endpoint[] = ['prepay', 'query', 'close', 'refund'];

export interface FaultSpec {
  kind: FaultKind;
  /** Only this trade (its notifications, its calls); absent = everything. */
  out_trade_no?: string;
  /** For http_5xx / timeout / slow (default prepay, query, close, refund); for signtest / tamper_signature it
   * switches the fault from notifications to the answers of these endpoints. */
  endpoints?: Endpoint[];
  count?: number;
  /** delay: how long the first delivery waits; timeout: how long the answer is held before the connection is
   * dropped; slow: how long the call is held before it is carried out; duplicate: gap before each copy;
   * out_of_order: longest hold. Real milliseconds. */
  ms?: number;
  /** http_5xx: 500 (WeChat's signed SYSTEM_ERROR, default), or 502/503/504 (an unsigned gateway error). */
  status?: number;
}

export interface FaultRecord extends FaultSpec {
  id: string;
  /** How many times it fired (request faults) or how many notifications it shaped. */
  fired: number;
  created_at: string;
}

export class FaultError extends Error {}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Validates control-API input: `{kind, scope?: 'all' | {out_trade_no}, out_trade_no?, endpoints?, count?, ms?, status?}`. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new FaultError('body must be a JSON object');
  const raw = input as Record<string, unknown>;
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const spec: FaultSpec = { kind: kind as FaultKind };
  const scope = raw.scope;
  let outTradeNo = raw.out_trade_no;
  if (scope !== undefined && scope !== 'all') {
    if (!scope || typeof scope !== 'object') throw new FaultError("scope must be 'all' or {out_trade_no}");
    outTradeNo = (scope as Record<string, unknown>).out_trade_no;
  }
  if (outTradeNo !== undefined) {
    if (typeof outTradeNo !== 'string' || !outTradeNo) throw new FaultError('out_trade_no must be a string');
    spec.out_trade_no = outTradeNo;
  }
  if (raw.endpoints !== undefined) {
    if (!Array.isArray(raw.endpoints) || raw.endpoints.some((e) => !(ENDPOINTS as readonly unknown[]).includes(e))) {
      throw new FaultError(`endpoints must be a list of ${ENDPOINTS.join(', ')}`);
    }
    spec.endpoints = raw.endpoints as Endpoint[];
  }
  if (raw.count !== undefined) {
    if (!isPositiveInt(raw.count)) throw new FaultError('count must be a positive integer');
    spec.count = raw.count;
  }
  if (raw.ms !== undefined) {
    if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms) || raw.ms < 0) throw new FaultError('ms must be a number ≥ 0');
    spec.ms = raw.ms;
  }
  if (raw.status !== undefined) {
    if (![500, 502, 503, 504].includes(raw.status as number)) throw new FaultError('status must be 500, 502, 503 or 504');
    spec.status = raw.status as number;
  }
  return spec;
}

const ANSWER_SIGNATURE_KINDS: readonly FaultKind[] = ['signtest', 'tamper_signature'];

export class Faults {
  constructor(
    private readonly list: () => FaultRecord[],
    private readonly changed: () => void,
    private readonly now: () => string,
  ) {}

  add(spec: FaultSpec): FaultRecord {
    const record: FaultRecord = { ...spec, id: randomUUID(), fired: 0, created_at: this.now() };
    this.list().push(record);
    this.changed();
    return record;
  }

  all(): FaultRecord[] {
    return this.list();
  }

  remove(id: string): boolean {
    const list = this.list();
    const index = list.findIndex((f) => f.id === id);
    if (index < 0) return false;
    list.splice(index, 1);
    this.changed();
    return true;
  }

  clear(): void {
    this.list().splice(0);
    this.changed();
  }

  private matches(f: FaultRecord, kind: FaultKind, outTradeNo: string | undefined): boolean {
    return f.kind === kind && (f.out_trade_no === undefined || f.out_trade_no === outTradeNo);
  }

  /** A notification (or refund) fault for this trade, if one is on; signature faults aimed at answers excluded. */
  find(kind: FaultKind, outTradeNo: string): FaultRecord | undefined {
    return this.list().find(
      (f) => this.matches(f, kind, outTradeNo) && !(ANSWER_SIGNATURE_KINDS.includes(kind) && f.endpoints !== undefined),
    );
  }

  /** Records that a notification fault shaped something (for the dashboard). */
  touched(fault: FaultRecord): void {
    fault.fired += 1;
    this.changed();
  }

  /** Consumes one firing of a request fault matching this call; undefined when none applies. */
  take(kind: FaultKind, call: { endpoint?: Endpoint; outTradeNo?: string | undefined }): FaultRecord | undefined {
    const fault = this.list().find((f) => {
      if (!this.matches(f, kind, call.outTradeNo)) return false;
      if (f.count !== undefined && f.fired >= f.count) return false;
      if (call.endpoint === undefined) return true;
      const endpoints = f.endpoints ?? (ANSWER_SIGNATURE_KINDS.includes(kind) ? undefined : DEFAULT_FAILING_ENDPOINTS);
      return endpoints !== undefined && endpoints.includes(call.endpoint);
    });
    if (fault) {
      fault.fired += 1;
      this.changed();
    }
    return fault;
  }
}
