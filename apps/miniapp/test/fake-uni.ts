// A stand-in for the uni-app runtime (that is, for WeChat) in unit tests: storage, uni.request, uni.login,
// uni.requestPayment and toasts, recording every call. Our own code runs unchanged on top of it.

export interface FakeRequest {
  url: string;
  method: string;
  data: unknown;
  header: Record<string, string>;
}

export type FakeAnswer = { status: number; data?: unknown; headers?: Record<string, string> } | 'network-error';
export type Responder = (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void; complete?: () => void };

export class FakeUni {
  readonly storage = new Map<string, unknown>();
  readonly toasts: string[] = [];
  readonly requests: FakeRequest[] = [];
  /** Arguments of every uni.login call. */
  readonly logins: Record<string, unknown>[] = [];
  /** Arguments of every uni.requestPayment call, without the callbacks. */
  readonly payments: Record<string, unknown>[] = [];
  /** What the cashier answers. */
  paymentOutcome: 'success' | 'cancel' | 'fail' = 'success';
  /** Arguments of every uni.requestSubscribeMessage call; what the dialog answers per template. */
  readonly subscribeAsks: Record<string, unknown>[] = [];
  subscribeAnswer: 'accept' | 'reject' | 'fail' = 'accept';
  /** Answers uni.uploadFile (file path, Authorization header) → status and body. */
  uploader: (filePath: string, authorization: string | undefined) => { status: number; data: unknown } = () => ({ status: 404, data: {} });
  responder: Responder = () => ({ status: 404, data: { error: { code: 'NOT_FOUND', message: 'no route' } } });
  private codeSeq = 0;

  getStorageSync = (key: string): unknown => (this.storage.has(key) ? this.storage.get(key) : '');
  setStorageSync = (key: string, value: unknown): void => {
    this.storage.set(key, value);
  };
  removeStorageSync = (key: string): void => {
    this.storage.delete(key);
  };

  showToast = (opts: { title: string }): void => {
    this.toasts.push(opts.title);
  };

  login = (opts: Record<string, unknown> & Callbacks<{ code: string; errMsg: string }>): void => {
    const { success, fail: _fail, complete: _complete, ...args } = opts;
    this.logins.push(args);
    const code = `wx-code-${++this.codeSeq}`;
    queueMicrotask(() => success?.({ code, errMsg: 'login:ok' }));
  };

  requestPayment = (opts: Record<string, unknown> & Callbacks<{ errMsg: string }>): void => {
    const { success, fail, complete: _complete, ...args } = opts;
    this.payments.push(args);
    queueMicrotask(() => {
      if (this.paymentOutcome === 'success') success?.({ errMsg: 'requestPayment:ok' });
      else fail?.({ errMsg: this.paymentOutcome === 'cancel' ? 'requestPayment:fail cancel' : 'requestPayment:fail system error' });
    });
  };

  requestSubscribeMessage = (opts: { tmplIds: string[] } & Callbacks<Record<string, string>>): void => {
    const { success, fail, complete: _complete, ...args } = opts;
    this.subscribeAsks.push(args);
    queueMicrotask(() => {
      if (this.subscribeAnswer === 'fail') fail?.({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
      else success?.({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries(opts.tmplIds.map((id) => [id, this.subscribeAnswer])) });
    });
  };

  uploadFile = (opts: { filePath: string; header?: Record<string, string> } & Callbacks<{ statusCode: number; data: string }>): void => {
    const answer = this.uploader(opts.filePath, opts.header?.Authorization);
    queueMicrotask(() => opts.success?.({ statusCode: answer.status, data: JSON.stringify(answer.data) }));
  };

  request = (
    opts: { url: string; method?: string; data?: unknown; header?: Record<string, string> } & Callbacks<{
      statusCode: number;
      data: unknown;
      header: Record<string, string>;
    }>,
  ): void => {
    const req: FakeRequest = { url: opts.url, method: opts.method ?? 'GET', data: opts.data, header: opts.header ?? {} };
    this.requests.push(req);
    void Promise.resolve()
      .then(() => this.responder(req))
      .then((answer) => {
        if (answer === 'network-error') opts.fail?.({ errMsg: 'request:fail timeout' });
        else opts.success?.({ statusCode: answer.status, data: answer.data ?? '', header: answer.headers ?? {} });
      });
  };

  /** The stored JSON value of a key (our storage helper writes strings). */
  stored(key: string): unknown {
    const raw = this.storage.get(key);
    return typeof raw === 'string' ? JSON.parse(raw) : raw;
  }
}

export function installFakeUni(): FakeUni {
  const fake = new FakeUni();
  (globalThis as unknown as { uni: unknown }).uni = fake;
  return fake;
}

export function fakeUni(): FakeUni {
  return (globalThis as unknown as { uni: FakeUni }).uni;
}
