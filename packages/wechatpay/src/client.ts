// The merchant side of WeChat Pay v3 (docs/wechat-pay.md §3–§9): every request signed, every 2xx answer
// verified against the key ring before its content is believed, 4xx mapped to a typed error,
// 5xx / network errors / timeouts retried with the very same body.
import { createHash, type KeyObject } from 'node:crypto';
import {
  REPLAY_WINDOW_SECONDS,
  authorizationHeader,
  decryptAeadAes256Gcm,
  loadPrivateKey,
  unixSeconds,
  verifyWechatpaySignature,
} from './crypto';
import {
  WechatPayApiError,
  WechatPayBillHashMismatchError,
  WechatPayForgedResponseError,
  WechatPayInvalidResponseError,
  WechatPayUnavailableError,
  type ForgedReason,
} from './errors';
import { fetchTransport, networkErrorCode, nodeHttpTransport, type AnswerHeaders, type Transport, type TransportAnswer } from './http-transport';
import { certificateSerial, publicKeyFromCertificate, type KeyRing } from './key-ring';
import type {
  CertificatesResponse,
  JsapiPrepayRequest,
  JsapiPrepayResponse,
  PlatformCertificate,
  Refund,
  RefundRequest,
  TradeBillResponse,
  TradeBillType,
  Transaction,
} from './types';

/** pino-compatible: `logger.info({ … }, 'message')`. */
export interface WechatPayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WechatPayClientOptions {
  /** `https://api.mch.weixin.qq.com`, or the sandbox's URL. */
  baseUrl: string;
  mchid: string;
  /** Merchant API certificate serial number. */
  serial: string;
  /** Merchant API private key: a KeyObject, PEM text or a path to a PEM file. */
  privateKey: KeyObject | string;
  /** The 32-character APIv3 key (decrypts platform certificates). */
  apiV3Key: string;
  /** Keys that answers must be signed with, by serial. */
  verifier: KeyRing;
  /** Per attempt, including reading the body. Default 10 000. */
  timeoutMs?: number;
  /** Further attempts after a 5xx, a network error or a timeout. Default 2. */
  retries?: number;
  /** First backoff; doubles on each retry. Default 200. */
  retryDelayMs?: number;
  logger?: WechatPayLogger;
  /** Sends through this fetch instead of the default node:http / node:https keep-alive transport. */
  fetch?: typeof fetch;
  /** Clock for the replay window, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Sent as `User-Agent` (WeChat asks for one). */
  userAgent?: string;
  /**
   * Called once when a 2xx answer is signed with a serial the key ring does not hold (a rotated platform
   * certificate); the answer is verified again afterwards. Typically refreshes the certificates.
   */
  onUnknownSerial?: (serial: string) => Promise<void>;
}

interface Answer {
  status: number;
  headers: AnswerHeaders;
  /** The raw body as received: what the signature covers. */
  body: string;
  requestId: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const segment = (value: string): string => encodeURIComponent(value);

export class WechatPayClient {
  readonly mchid: string;
  readonly #baseUrl: string;
  readonly #serial: string;
  readonly #privateKey: KeyObject;
  readonly #apiV3Key: string;
  readonly #verifier: KeyRing;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #logger: WechatPayLogger | undefined;
  readonly #transport: Transport;
  readonly #now: () => number;
  readonly #userAgent: string;
  readonly #onUnknownSerial: ((serial: string) => Promise<void>) | undefined;

  constructor(options: WechatPayClientOptions) {
    if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32) throw new TypeError('the APIv3 key must be exactly 32 bytes');
    this.mchid = options.mchid;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#serial = options.serial;
    this.#privateKey = loadPrivateKey(options.privateKey);
    this.#apiV3Key = options.apiV3Key;
    this.#verifier = options.verifier;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retries = options.retries ?? 2;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
    this.#logger = options.logger;
    this.#transport = options.fetch ? fetchTransport(options.fetch) : nodeHttpTransport;
    this.#now = options.now ?? Date.now;
    this.#userAgent = options.userAgent ?? 'xiaodian-wechatpay/0.1';
    this.#onUnknownSerial = options.onUnknownSerial;
  }

  /** `POST /v3/pay/transactions/jsapi` → `{ prepay_id }` (valid 2 h). */
  async jsapiPrepay(body: JsapiPrepayRequest): Promise<JsapiPrepayResponse> {
    const request = body.mchid === undefined ? { ...body, mchid: this.mchid } : body;
    return this.#json<JsapiPrepayResponse>('POST', '/v3/pay/transactions/jsapi', request);
  }

  /** `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=`; 404 `ORDER_NOT_EXIST` before prepay. */
  async queryByOutTradeNo(outTradeNo: string): Promise<Transaction> {
    const query = new URLSearchParams({ mchid: this.mchid });
    return this.#json<Transaction>('GET', `/v3/pay/transactions/out-trade-no/${segment(outTradeNo)}?${query}`);
  }

  /** `GET /v3/pay/transactions/id/{transaction_id}?mchid=`. */
  async queryByTransactionId(transactionId: string): Promise<Transaction> {
    const query = new URLSearchParams({ mchid: this.mchid });
    return this.#json<Transaction>('GET', `/v3/pay/transactions/id/${segment(transactionId)}?${query}`);
  }

  /** `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close` → 204. Idempotent. */
  async close(outTradeNo: string): Promise<void> {
    await this.#request('POST', `/v3/pay/transactions/out-trade-no/${segment(outTradeNo)}/close`, {
      mchid: this.mchid,
    });
  }

  /** `POST /v3/refund/domestic/refunds`. Accepted is not done: watch `status`. Retry with the same `out_refund_no`. */
  async refund(body: RefundRequest): Promise<Refund> {
    return this.#json<Refund>('POST', '/v3/refund/domestic/refunds', body);
  }

  /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
  async queryRefund(outRefundNo: string): Promise<Refund> {
    return this.#json<Refund>('GET', `/v3/refund/domestic/refunds/${segment(outRefundNo)}`);
  }

  /** `GET /v3/bill/tradebill?bill_date=YYYY-MM-DD&bill_type=ALL`. */
  async tradeBill(params: { billDate: string; billType?: TradeBillType }): Promise<TradeBillResponse> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(params.billDate)) throw new TypeError('billDate must be YYYY-MM-DD');
    const query = new URLSearchParams({ bill_date: params.billDate, bill_type: params.billType ?? 'ALL' });
    return this.#json<TradeBillResponse>('GET', `/v3/bill/tradebill?${query}`);
  }

  /**
   * Downloads a bill from `download_url` with a signed GET. WeChat does not sign this answer, so its
   * SHA1 is checked against `hash_value` instead; a mismatch throws WechatPayBillHashMismatchError.
   */
  async downloadBill(downloadUrl: string, expectedSha1: string): Promise<string> {
    const url = new URL(downloadUrl, `${this.#baseUrl}/`);
    const answer = await this.#send('GET', url, undefined, () => undefined);
    const actual = createHash('sha1').update(answer.raw).digest('hex');
    if (actual.toLowerCase() !== expectedSha1.trim().toLowerCase()) {
      throw new WechatPayBillHashMismatchError(expectedSha1, actual);
    }
    return answer.body;
  }

  /**
   * `GET /v3/certificates`, decrypted with the APIv3 key. The answer is verified with the key ring when
   * it knows the signing serial, otherwise with the certificate of that serial in this very answer:
   * the bootstrap WeChat describes, safe because AES-GCM under the APIv3 key (shared only with WeChat)
   * authenticates each certificate. It also lets a rotated certificate in when the old one is retired.
   * Merchants in public key mode get 404 here (WechatPayApiError).
   */
  async certificates(): Promise<PlatformCertificate[]> {
    const certificates: PlatformCertificate[] = [];
    const received = new Map<string, KeyObject>();
    let unusable: unknown;
    const answer = await this.#send('GET', this.#url('/v3/certificates'), undefined, (answer) => {
      // Decrypted before the signature is checked only because the signature may need these keys;
      // nothing is returned unless the signature then holds.
      try {
        const parsed = JSON.parse(answer.body) as CertificatesResponse;
        if (!Array.isArray(parsed.data)) throw new Error('no data array');
        for (const entry of parsed.data) {
          const { ciphertext, nonce, associated_data } = entry.encrypt_certificate;
          const pem = decryptAeadAes256Gcm(ciphertext, this.#apiV3Key, nonce, associated_data);
          const actualSerial = certificateSerial(pem);
          if (actualSerial.replace(/^0+/, '') !== entry.serial_no.toUpperCase().replace(/^0+/, '')) {
            throw new Error(`certificate ${entry.serial_no} has serial ${actualSerial}`);
          }
          received.set(entry.serial_no.toUpperCase(), publicKeyFromCertificate(pem));
          certificates.push({
            serial_no: entry.serial_no,
            effective_time: entry.effective_time,
            expire_time: entry.expire_time,
            pem,
          });
        }
      } catch (error) {
        unusable = error;
      }
      return this.#verify(answer, received);
    });
    if (unusable !== undefined) {
      throw new WechatPayInvalidResponseError(`unusable certificates answer: ${(unusable as Error).message}`, answer.requestId, {
        cause: unusable,
      });
    }
    return certificates;
  }

  #url(pathWithQuery: string): URL {
    return new URL(`${this.#baseUrl}${pathWithQuery}`);
  }

  async #json<T>(method: string, pathWithQuery: string, body?: object): Promise<T> {
    const answer = await this.#request(method, pathWithQuery, body);
    try {
      return JSON.parse(answer.body) as T;
    } catch (cause) {
      throw new WechatPayInvalidResponseError(`answer of ${method} ${pathWithQuery} is not JSON`, answer.requestId, { cause });
    }
  }

  /** A signed, verified call; resolves only with a verified 2xx answer. */
  async #request(method: string, pathWithQuery: string, body?: object): Promise<Answer> {
    return this.#send(method, this.#url(pathWithQuery), body, (answer) => this.#verify(answer), true);
  }

  /**
   * Sends with retries and maps the outcome: 2xx is returned once `verify` accepts it, 4xx throws
   * WechatPayApiError, 5xx / network / timeout is retried then throws WechatPayUnavailableError.
   * Logs once per call.
   */
  async #send(
    method: string,
    url: URL,
    body: object | undefined,
    verify: (answer: Answer) => ForgedReason | undefined,
    // Not for the certificate download itself: it verifies with the certificates it carries.
    mayRefreshKeys = false,
  ): Promise<Answer & { raw: Buffer }> {
    // Serialised once: every attempt sends (and signs) the very same bytes.
    const payload = body === undefined ? '' : JSON.stringify(body);
    const pathWithQuery = `${url.pathname}${url.search}`;
    const started = performance.now();
    const log = (level: 'info' | 'warn', fields: Record<string, unknown>, msg: string): void => {
      this.#logger?.[level](
        { method, path: url.pathname, ms: Math.round(performance.now() - started), ...fields },
        msg,
      );
    };

    let lastStatus: number | undefined;
    let lastRequestId: string | undefined;
    let lastError: unknown;
    const attempts = this.#retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.#retryDelayMs * 2 ** (attempt - 2));
      let response: TransportAnswer;
      try {
        const headers: Record<string, string> = {
          Accept: 'application/json',
          'User-Agent': this.#userAgent,
          Authorization: authorizationHeader(
            { method, pathWithQuery, body: payload },
            { mchid: this.mchid, serial: this.#serial, privateKey: this.#privateKey },
          ),
        };
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        // A timer cleared once answered: AbortSignal.timeout's would fire after every call, building an abort
        // error that nothing reads.
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(new DOMException('The operation timed out.', 'TimeoutError')), this.#timeoutMs);
        try {
          response = await this.#transport(url, {
            method,
            headers,
            ...(body === undefined ? {} : { body: payload }),
            signal: abort.signal,
          });
        } finally {
          clearTimeout(timer);
        }
      } catch (error) {
        lastError = error;
        lastStatus = undefined;
        lastRequestId = undefined;
        continue;
      }
      const answer = {
        status: response.status,
        headers: response.headers,
        body: response.body.toString('utf8'),
        raw: response.body,
        requestId: response.headers.get('request-id') ?? undefined,
      };
      if (answer.status >= 500) {
        lastStatus = answer.status;
        lastRequestId = answer.requestId;
        lastError = undefined;
        continue;
      }
      const fields = { status: answer.status, requestId: answer.requestId, attempts: attempt };
      if (answer.status >= 200 && answer.status < 300) {
        let failure = verify(answer);
        if (failure === 'UNKNOWN_SERIAL' && mayRefreshKeys && this.#onUnknownSerial) {
          await this.#onUnknownSerial(answer.headers.get('wechatpay-serial') ?? '');
          failure = verify(answer);
        }
        if (failure) {
          log('warn', { ...fields, reason: failure }, 'wechatpay answer rejected');
          throw new WechatPayForgedResponseError({ reason: failure, status: answer.status, requestId: answer.requestId });
        }
        log('info', fields, 'wechatpay call');
        return answer;
      }
      log('info', fields, 'wechatpay call');
      throw this.#unexpected(answer);
    }
    log(
      'warn',
      {
        status: lastStatus,
        requestId: lastRequestId,
        attempts,
        error: lastError instanceof Error ? lastError.name : undefined,
        // ECONNREFUSED, ECONNRESET (a reset keep-alive socket too) …; undefined for a timeout.
        errorCode: networkErrorCode(lastError),
      },
      'wechatpay unavailable',
    );
    throw new WechatPayUnavailableError({ attempts, lastStatus, requestId: lastRequestId, cause: lastError });
  }

  /** undefined when the answer carries a valid, fresh signature by a known key. */
  #verify(answer: Answer, extraKeys?: ReadonlyMap<string, KeyObject>): ForgedReason | undefined {
    const timestamp = answer.headers.get('wechatpay-timestamp');
    const nonce = answer.headers.get('wechatpay-nonce');
    const signature = answer.headers.get('wechatpay-signature');
    const serial = answer.headers.get('wechatpay-serial');
    if (!timestamp || !nonce || !signature || !serial) return 'UNSIGNED';
    if (signature.startsWith('WECHATPAY/SIGNTEST/')) return 'SIGNTEST_PROBE';
    if (!/^\d+$/.test(timestamp) || Math.abs(unixSeconds(this.#now()) - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
      return 'STALE_TIMESTAMP';
    }
    const key = this.#verifier.get(serial) ?? extraKeys?.get(serial.toUpperCase());
    if (!key) return 'UNKNOWN_SERIAL';
    return verifyWechatpaySignature(answer.body, { timestamp, nonce, signature }, key) ? undefined : 'BAD_SIGNATURE';
  }

  /**
   * 4xx (and the odd 1xx/3xx). WeChat does not sign every error answer, so these are not verified:
   * a 4xx is never a reason to give up on a payment without asking again (e.g. ORDER_NOT_EXIST).
   */
  #unexpected(answer: Answer): WechatPayApiError {
    let code = `HTTP_${answer.status}`;
    let message = `WeChat Pay answered ${answer.status}`;
    let detail: unknown;
    try {
      const parsed = JSON.parse(answer.body) as { code?: unknown; message?: unknown; detail?: unknown };
      if (typeof parsed.code === 'string') code = parsed.code;
      if (typeof parsed.message === 'string') message = parsed.message;
      detail = parsed.detail;
    } catch {
      // not JSON: keep the HTTP status as the code
    }
    return new WechatPayApiError({ status: answer.status, code, message, detail, requestId: answer.requestId });
  }
}
