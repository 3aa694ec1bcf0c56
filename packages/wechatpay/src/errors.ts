// The errors a WeChat Pay call can end in. Each kind asks for a different reaction from the caller:
// an API error is WeChat's definite answer (do not retry blindly), an unavailable error means
// "unknown outcome, retry later with the same parameters", a forged answer must never be acted upon.

export class WechatPayError extends Error {
  override name = 'WechatPayError';
}

/** A 4xx answer: WeChat's `{ code, message, detail? }` (`ORDER_NOT_EXIST`, `ORDERPAID`, `PARAM_ERROR` …). */
export class WechatPayApiError extends WechatPayError {
  override name = 'WechatPayApiError';
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; detail?: unknown; requestId?: string | undefined }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
  }
}

export type ForgedReason = 'UNSIGNED' | 'STALE_TIMESTAMP' | 'UNKNOWN_SERIAL' | 'BAD_SIGNATURE' | 'SIGNTEST_PROBE';

/** A 2xx answer that does not carry a valid WeChat Pay signature: never act on its content. */
export class WechatPayForgedResponseError extends WechatPayError {
  override name = 'WechatPayForgedResponseError';
  readonly reason: ForgedReason;
  readonly status: number;
  readonly requestId: string | undefined;

  constructor(init: { reason: ForgedReason; status: number; requestId?: string | undefined }) {
    super(`WeChat Pay answer rejected: ${init.reason}`);
    this.reason = init.reason;
    this.status = init.status;
    this.requestId = init.requestId;
  }
}

/**
 * 5xx answers, network errors or timeouts on every attempt. The outcome is unknown (a timed-out
 * prepay may have been created): retry later with the same parameters, or query.
 */
export class WechatPayUnavailableError extends WechatPayError {
  override name = 'WechatPayUnavailableError';
  readonly attempts: number;
  /** The last HTTP status received, undefined when the last attempt got no answer at all. */
  readonly lastStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(init: { attempts: number; lastStatus?: number | undefined; requestId?: string | undefined; cause?: unknown }) {
    super(
      `WeChat Pay unavailable after ${init.attempts} attempt(s)` +
        (init.lastStatus === undefined ? '' : ` (last status ${init.lastStatus})`),
      { cause: init.cause },
    );
    this.attempts = init.attempts;
    this.lastStatus = init.lastStatus;
    this.requestId = init.requestId;
  }
}

/** A 2xx answer that is signed but not what WeChat documents (not JSON, a certificate that does not parse …). */
export class WechatPayInvalidResponseError extends WechatPayError {
  override name = 'WechatPayInvalidResponseError';
  readonly requestId: string | undefined;

  constructor(message: string, requestId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.requestId = requestId;
  }
}

/** The downloaded bill does not have the hash `tradeBill()` announced: it was altered or truncated. */
export class WechatPayBillHashMismatchError extends WechatPayError {
  override name = 'WechatPayBillHashMismatchError';
  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super(`bill SHA1 mismatch: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A trade bill file that does not follow WeChat's format; `line` is 1-based. */
export class TradeBillFormatError extends WechatPayError {
  override name = 'TradeBillFormatError';
  readonly line: number | undefined;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.line = line;
  }
}
