// What an operator scrapes: one Prometheus registry per API instance (never prom-client's global one, so that
// two instances in one process — the tests — count apart). Counters and histograms are fed where things happen
// (notifications, WeChat calls, job runs); gauges that describe the shop's state are computed from the database
// at scrape time by collectors registered with `gauge()`, so every instance reports the same truth.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds; WeChat's calls are timed out at 8 s (WeChat Pay) and 5 s (open API). */
const CALL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

export interface WechatCall {
  /** `pay` (api.mch.weixin.qq.com) or `open` (api.weixin.qq.com). */
  api: 'pay' | 'open';
  method: string;
  /** A path without ids (see `endpointOf`), so that the label stays bounded. */
  endpoint: string;
  /** HTTP status as a string, or `error` when no answer came (network, timeout). */
  status: string;
  seconds: number;
}

/**
 * WeChat paths carry ids (`/v3/pay/transactions/out-trade-no/XD…`, `/v3/refund/domestic/refunds/R…`): keep the
 * fixed words and replace every segment that looks like an identifier, so one endpoint is one label value.
 */
export function endpointOf(path: string): string {
  const segments = path.split('?')[0]!.split('/');
  return segments
    .map((segment, i) => {
      if (i > 0 && ID_AFTER.has(segments[i - 1]!)) return ':id';
      return segment === '' || /^(v\d+|[a-z][a-z0-9_-]*)$/.test(segment) ? segment : ':id';
    })
    .join('/');
}

/** Path words WeChat follows with an identifier (`…/out-trade-no/{out_trade_no}`, `…/refunds/{out_refund_no}`). */
const ID_AFTER = new Set(['out-trade-no', 'id', 'refunds', 'out-refund-no']);

export class Metrics {
  readonly registry = new Registry();
  readonly #notifications: Counter<'kind' | 'outcome'>;
  readonly #wechatCalls: Counter<'api' | 'method' | 'endpoint' | 'status'>;
  readonly #wechatSeconds: Histogram<'api' | 'method' | 'endpoint'>;
  readonly #jobRuns: Counter<'job' | 'result'>;
  readonly #jobSeconds: Histogram<'job'>;
  readonly #jobLag: Gauge<'job'>;
  readonly #jobLastSuccess: Gauge<'job'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.#notifications = new Counter({
      name: 'xiaodian_notifications_total',
      help: 'WeChat Pay notifications received, by kind (payment, refund) and outcome (APPLIED, DUPLICATE, IGNORED, REFUSED, ANOMALY); every refusal is counted, also those only sampled in the database',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.#wechatCalls = new Counter({
      name: 'xiaodian_wechat_calls_total',
      help: 'Calls to WeChat (api=pay: WeChat Pay v3, api=open: the open API), by endpoint and HTTP status (error: no answer)',
      labelNames: ['api', 'method', 'endpoint', 'status'],
      registers,
    });
    this.#wechatSeconds = new Histogram({
      name: 'xiaodian_wechat_call_duration_seconds',
      help: 'Duration of calls to WeChat, retries included',
      labelNames: ['api', 'method', 'endpoint'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.#jobRuns = new Counter({
      name: 'xiaodian_job_runs_total',
      help: 'Background job runs on this instance, by job and result (ok, failed)',
      labelNames: ['job', 'result'],
      registers,
    });
    this.#jobSeconds = new Histogram({
      name: 'xiaodian_job_duration_seconds',
      help: 'Duration of background job runs on this instance',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.#jobLag = new Gauge({
      name: 'xiaodian_job_lag_seconds',
      help: 'How late the last run of a job started after it was due on this instance (a busy event loop or a slow previous run)',
      labelNames: ['job'],
      registers,
    });
    this.#jobLastSuccess = new Gauge({
      name: 'xiaodian_job_last_success_timestamp_seconds',
      help: 'When a job last finished without failing on this instance (Unix time)',
      labelNames: ['job'],
      registers,
    });
  }

  notification(kind: 'payment' | 'refund', outcome: string): void {
    this.#notifications.inc({ kind, outcome });
  }

  wechatCall(call: WechatCall): void {
    const { api, method, endpoint } = call;
    this.#wechatCalls.inc({ api, method, endpoint, status: call.status });
    this.#wechatSeconds.observe({ api, method, endpoint }, call.seconds);
  }

  jobRun(job: string, run: { ok: boolean; seconds: number; lagSeconds: number; at: Date }): void {
    this.#jobRuns.inc({ job, result: run.ok ? 'ok' : 'failed' });
    this.#jobSeconds.observe({ job }, run.seconds);
    this.#jobLag.set({ job }, run.lagSeconds);
    if (run.ok) this.#jobLastSuccess.set({ job }, run.at.getTime() / 1000);
  }

  /**
   * A gauge computed at scrape time. `read` returns the values by label set; label sets it no longer returns
   * disappear (e.g. `{ status: 'PAID' }` when no order is paid any more, unless `read` reports it as 0).
   * A failing read is reported by the scrape, not hidden behind a stale value.
   */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Promise<Array<[Partial<Record<L, string>>, number]>>): void {
    new Gauge<L>({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      async collect() {
        const values = await read();
        this.reset();
        for (const [labels, value] of values) this.set(labels, value);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
