// The WeChat open API (api.weixin.qq.com): code2Session today; access tokens and shipping build on the same
// call helper. WeChat answers errors as HTTP 200 with `{ errcode, errmsg }`.
import type { Logger } from '../../logger';

export interface OpenApiOptions {
  appid: string;
  secret: string;
  apiBase: string;
  timeoutMs?: number;
  log: Logger;
  /** Told of every call (status `error` when no answer came), e.g. for metrics. */
  onCall?: (call: { method: string; path: string; status: string; ms: number }) => void;
}

export class WechatOpenApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatOpenApiError';
  }
}

/** The network failed or WeChat answered 5xx: the outcome is unknown. */
export class WechatOpenApiUnavailableError extends Error {
  override name = 'WechatOpenApiUnavailableError';
}

export interface Code2SessionResult {
  openid: string;
  session_key: string;
  unionid?: string;
}

export class WechatOpenApi {
  constructor(private readonly options: OpenApiOptions) {}

  get appid(): string {
    return this.options.appid;
  }

  async code2Session(code: string): Promise<Code2SessionResult> {
    const query = new URLSearchParams({
      appid: this.options.appid,
      secret: this.options.secret,
      js_code: code,
      grant_type: 'authorization_code',
    });
    return this.call<Code2SessionResult>('GET', '/sns/jscode2session', query);
  }

  /** Calls an open API path; the query may carry secrets, so only the path is ever logged. */
  async call<T>(method: 'GET' | 'POST', path: string, query: URLSearchParams, body?: unknown): Promise<T> {
    const started = performance.now();
    const url = `${this.options.apiBase}${path}?${query.toString()}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (err) {
      this.options.onCall?.({ method, path, status: 'error', ms: Math.round(performance.now() - started) });
      this.options.log.warn({ wechat: path, err: (err as Error).message }, 'wechat open api unreachable');
      throw new WechatOpenApiUnavailableError(`WeChat ${path} unreachable: ${(err as Error).message}`);
    }
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    this.options.onCall?.({ method, path, status: String(response.status), ms });
    if (response.status >= 500) {
      this.options.log.warn({ wechat: path, status: response.status, ms }, 'wechat open api failed');
      throw new WechatOpenApiUnavailableError(`WeChat ${path} answered ${response.status}`);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new WechatOpenApiUnavailableError(`WeChat ${path} answered something that is not JSON`);
    }
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    this.options.log.info({ wechat: path, status: response.status, errcode, ms }, 'wechat open api call');
    if (errcode !== 0) throw new WechatOpenApiError(errcode, String(json.errmsg ?? ''));
    return json as T;
  }
}
