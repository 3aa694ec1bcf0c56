// The one typed request wrapper. Every call to the API goes through `createClient(...).request`: it adds the
// session token, logs in again once on a 401 and retries, turns failures into `ApiError` and shows the toast.
// It knows nothing of uni-app: the transport, the token and the toast are injected (see `http.ts`), so the
// same logic is unit-tested without a WeChat runtime.
import type { ErrorBody } from '@xiaodian/shared';
import { errorTextOf, retryAfterOf } from '@/utils/error-text';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface TransportRequest {
  url: string;
  method: Method;
  data?: unknown;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Any HTTP answer, whatever its status. */
export interface TransportResponse {
  status: number;
  data: unknown;
  /** Response headers, when the transport has them (names in any case). */
  headers?: Record<string, string>;
}

/** Sends one request. Resolves with every HTTP answer; rejects only when no answer came (network, timeout). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * `network`: no answer at all (offline, timeout, DNS, CORS); `http`: the API answered with an error status;
 * `login`: no session could be obtained (WeChat's login failed or was refused).
 */
export type ApiErrorKind = 'network' | 'http' | 'login';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    /** HTTP status; 0 for network errors. */
    readonly status: number,
    /** The API's error code (`OUT_OF_STOCK`, …), or `NETWORK_ERROR`. */
    readonly code: string,
    /** What a person reads: rendered from the code (see utils/error-text.ts), in Chinese. */
    message: string,
    extra: { apiMessage?: string; retryAfterSeconds?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.apiMessage = extra.apiMessage;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.details = extra.details;
  }

  /** The API's own message (English, for developers and logs), never shown as is. */
  readonly apiMessage: string | undefined;
  /** A 429's wait, in seconds (Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** The error's data, when the API gives some (OUT_OF_STOCK: `name`, `available`). */
  readonly details: Record<string, unknown> | undefined;

  get isNetwork(): boolean {
    return this.kind === 'network';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** How the shopper's session plugs into the wrapper. */
export interface SessionHooks {
  /** The current token, if any. */
  token(): string | undefined;
  /** Obtains a fresh token (login). Called when there is no token or the API answered 401. */
  login(): Promise<void>;
  /** A login already under way (started by launch, say): requests wait for it rather than use the old token. */
  pending?(): Promise<unknown> | undefined;
}

export interface ClientOptions {
  /** Prefix for relative paths; '' means same origin. */
  baseUrl: string;
  transport: Transport;
  /** Shows a short message to the user (uni.showToast in the app). */
  toast(message: string): void;
  session?: SessionHooks;
  timeoutMs?: number;
}

/**
 * - `user` (default): the shopper's token; logs in first if there is none, and once more after a 401.
 * - `none`: no token (login, catalog, the sandbox).
 * - `{ bearer }`: a given token (the admin console); a 401 is returned as an error, no re-login.
 */
export type AuthMode = 'user' | 'none' | { bearer: string };

export interface RequestOptions {
  method?: Method;
  data?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  auth?: AuthMode;
  /** Show the error toast (default true). Callers that render the error themselves pass false. */
  toast?: boolean;
  /** Extra request headers (the admin console's `Idempotency-Key`). */
  headers?: Record<string, string>;
  /** This call's timeout, when it may legitimately take longer than the client's default. */
  timeoutMs?: number;
}

export const NETWORK_MESSAGE = '网络异常，请检查网络后重试';

export interface Client {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: Omit<RequestOptions, 'method' | 'data'>): Promise<T>;
  post<T>(path: string, data?: unknown, options?: Omit<RequestOptions, 'method' | 'data'>): Promise<T>;
  patch<T>(path: string, data?: unknown, options?: Omit<RequestOptions, 'method' | 'data'>): Promise<T>;
  /** Connects the shopper's session (done once at start, see main.ts). */
  useSession(hooks: SessionHooks): void;
}

export function buildUrl(baseUrl: string, path: string, query?: RequestOptions['query']): string {
  const absolute = /^https?:\/\//i.test(path);
  let url = absolute ? path : `${baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
  const pairs = Object.entries(query ?? {}).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  if (pairs.length > 0) {
    const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
    url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers![key]);
}

function errorFromResponse(res: TransportResponse): ApiError {
  const body = res.data as Partial<ErrorBody> | undefined;
  const err = body && typeof body === 'object' ? body.error : undefined;
  const code = typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`;
  const apiMessage = typeof err?.message === 'string' && err.message ? err.message : undefined;
  const retryAfterSeconds = res.status === 429 ? retryAfterOf(headerOf(res.headers, 'retry-after'), apiMessage) : undefined;
  const rawDetails: unknown = (err as { details?: unknown } | undefined)?.details;
  const details = rawDetails && typeof rawDetails === 'object' && !Array.isArray(rawDetails) ? (rawDetails as Record<string, unknown>) : undefined;
  // The code says what happened; the API's message is English for developers and never shown. An answer that
  // is not the API's (a proxy's 502 page), or a code this client does not know, keeps its message only when
  // that is already Chinese, and gets a general text otherwise.
  const readable = apiMessage && /[\u4e00-\u9fff]/.test(apiMessage) ? apiMessage : undefined;
  const message =
    errorTextOf(code, { retryAfterSeconds, apiMessage, details }) ??
    (res.status >= 500 ? '服务暂时不可用，请稍后重试' : (readable ?? `请求失败（${res.status}），请稍后重试`));
  return new ApiError('http', res.status, code, message, { apiMessage, retryAfterSeconds, details });
}

export function createClient(options: ClientOptions): Client {
  let session = options.session;
  // One login at a time: several requests answered 401 together share the same new token.
  let loginInFlight: Promise<void> | undefined;

  function login(): Promise<void> {
    if (!session) return Promise.reject(new ApiError('http', 401, 'UNAUTHORIZED', '请先登录'));
    loginInFlight ??= session
      .login()
      .catch((cause: unknown) => {
        if (isApiError(cause)) throw cause;
        const err = new ApiError('login', 0, 'LOGIN_FAILED', '登录失败，请重试');
        (err as { cause?: unknown }).cause = cause;
        throw err;
      })
      .finally(() => {
        loginInFlight = undefined;
      });
    return loginInFlight;
  }

  async function send(path: string, opts: RequestOptions, token: string | undefined): Promise<TransportResponse> {
    const headers: Record<string, string> = { ...opts.headers, Accept: 'application/json' };
    if (opts.data !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await options.transport({
        url: buildUrl(options.baseUrl, path, opts.query),
        method: opts.method ?? 'GET',
        data: opts.data,
        headers,
        timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? 15_000,
      });
    } catch (cause) {
      const err = new ApiError('network', 0, 'NETWORK_ERROR', NETWORK_MESSAGE);
      (err as { cause?: unknown }).cause = cause;
      throw err;
    }
  }

  async function perform<T>(path: string, opts: RequestOptions): Promise<T> {
    const auth = opts.auth ?? 'user';
    let token: string | undefined;
    if (auth === 'user') {
      await session?.pending?.()?.catch(() => undefined);
      if (!session?.token()) await login();
      token = session?.token();
    } else if (auth !== 'none') {
      token = auth.bearer;
    }

    let res = await send(path, opts, token);
    if (res.status === 401 && auth === 'user') {
      // The token expired or the API restarted with a new key: log in again, transparently, once.
      await login();
      res = await send(path, opts, session?.token());
    }
    if (res.status >= 200 && res.status < 300) return res.data as T;
    throw errorFromResponse(res);
  }

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    try {
      return await perform<T>(path, opts);
    } catch (err) {
      if (opts.toast !== false) {
        options.toast(isApiError(err) ? err.message : NETWORK_MESSAGE);
      }
      throw err;
    }
  }

  return {
    request,
    get: (path, opts) => request(path, { ...opts, method: 'GET' }),
    post: (path, data, opts) => request(path, { ...opts, method: 'POST', data: data ?? {} }),
    patch: (path, data, opts) => request(path, { ...opts, method: 'PATCH', data: data ?? {} }),
    useSession(hooks) {
      session = hooks;
    },
  };
}
