// GET /metrics for operators, through HTTP: off unless METRICS_PORT is set, never on the public API, guarded by
// METRICS_TOKEN when given, one registry per instance, and numbers that follow what happened (a paid order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../src/infra/job-runner';
import { endpointOf } from '../src/infra/metrics';
import { adminToken, call, createProduct, eventually, shopperToken, startWorld, type ApiInstance, type World } from './harness';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample of a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

async function scrape(api: ApiInstance, token: string | undefined = TOKEN): Promise<string> {
  const res = await fetch(`${api.instance.metrics!.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('metrics off by default', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.stop());

  it('has no metrics listener and the public API does not answer /metrics', async () => {
    expect(world.api.config.metrics).toBeUndefined();
    expect(world.api.instance.metrics).toBeUndefined();
    expect((await call(world.api.url, 'GET', '/metrics')).status).toBe(404);
  });

  it('logs the public-key merchant’s certificate 404 below info, as the mode it means, not as a failed call', () => {
    const lines = world
      .logText()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; path?: string; status?: number; msg: string });
    expect(lines.some((l) => l.msg.includes('public key mode'))).toBe(true);
    expect(lines.filter((l) => l.path === '/v3/certificates' && l.status === 404)).toEqual([]);
  });
});

describe('metrics on their own port', () => {
  let world: World;
  let second: ApiInstance;
  beforeAll(async () => {
    world = await startWorld({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
    second = await world.startAnotherInstance();
  });
  afterAll(async () => world?.stop());

  it('answers GET /metrics only on the metrics listener, on loopback, and only with the token', async () => {
    const { url } = world.api.instance.metrics!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe(world.api.url);
    expect((await call(world.api.url, 'GET', '/metrics', { token: TOKEN })).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const text = await scrape(world.api);
    expect(text).toContain('# TYPE xiaodian_notifications_total counter');
    expect(sample(text, 'xiaodian_mongodb_ready_state')).toBe(1);
    expect(sample(text, 'xiaodian_mongodb_pool_connections', { state: 'open' })).toBeGreaterThan(0);
    // Public key mode: the start-up certificate download answered 404 and was counted as such.
    expect(sample(text, 'xiaodian_wechat_calls_total', { api: 'pay', method: 'GET', endpoint: '/v3/certificates', status: '404' })).toBe(1);
  });

  it('after a paid order shows the notification applied, the order PAID and the WeChat calls made', async () => {
    const before = await scrape(world.api);
    expect(sample(before, 'xiaodian_orders', { status: 'PAID' })).toBe(0);
    expect(sample(before, 'xiaodian_notifications_total', { kind: 'payment', outcome: 'APPLIED' })).toBeUndefined();

    const admin = await adminToken(world);
    const shopper = await shopperToken(world, 'metrics-shopper');
    const product = await createProduct(world, admin, { priceFen: 1200, stock: 5 });
    const order = await call(world.api.url, 'POST', '/api/orders', { token: shopper, body: { items: [{ productId: product.id, quantity: 1 }] } });
    expect(order.status).toBe(201);
    expect(sample(await scrape(second), 'xiaodian_orders', { status: 'PENDING_PAYMENT' })).toBe(1);
    const prepay = await call(world.api.url, 'POST', `/api/orders/${order.body.id}/pay`, { token: shopper });
    expect(prepay.status).toBe(200);
    await world.sandbox.control.pay(String(prepay.body.package).replace('prepay_id=', ''), 'SUCCESS');
    await eventually(async () => (await call(world.api.url, 'GET', `/api/orders/${order.body.id}`, { token: shopper })).body.status === 'PAID');

    const after = await scrape(world.api);
    expect(sample(after, 'xiaodian_notifications_total', { kind: 'payment', outcome: 'APPLIED' })).toBe(1);
    expect(sample(after, 'xiaodian_orders', { status: 'PAID' })).toBe(1);
    expect(sample(after, 'xiaodian_orders', { status: 'PENDING_PAYMENT' })).toBe(0);
    expect(sample(after, 'xiaodian_wechat_calls_total', { api: 'pay', method: 'POST', endpoint: '/v3/pay/transactions/jsapi', status: '200' })).toBe(1);
    expect(sample(after, 'xiaodian_wechat_call_duration_seconds_count', { api: 'pay', method: 'POST', endpoint: '/v3/pay/transactions/jsapi' })).toBe(1);
    expect(sample(after, 'xiaodian_wechat_calls_total', { api: 'open', method: 'GET', endpoint: '/sns/jscode2session', status: '200' })).toBe(1);
    expect(sample(after, 'xiaodian_payment_sync_overdue_seconds')).toBe(0);
    expect(sample(after, 'xiaodian_refunds_pending', { status: 'PROCESSING' })).toBe(0);
    expect(sample(after, 'xiaodian_anomalies_open', { kind: 'AMOUNT_MISMATCH' })).toBe(0);

    // The other instance has its own registry: it received no notification, made no prepay, yet reads the same
    // database state.
    const other = await scrape(second);
    expect(sample(other, 'xiaodian_notifications_total', { kind: 'payment', outcome: 'APPLIED' })).toBeUndefined();
    expect(sample(other, 'xiaodian_wechat_calls_total', { api: 'pay', method: 'POST', endpoint: '/v3/pay/transactions/jsapi', status: '200' })).toBeUndefined();
    expect(sample(other, 'xiaodian_orders', { status: 'PAID' })).toBe(1);
  });

  it('counts a refused notification', async () => {
    const res = await call(world.api.url, 'POST', '/api/pay/notify', { raw: '{"id":"forged"}' });
    expect(res.status).toBe(401);
    expect(sample(await scrape(world.api), 'xiaodian_notifications_total', { kind: 'payment', outcome: 'REFUSED' })).toBe(1);
  });

  it('counts job runs and failures, with their lag and last success', async () => {
    let runs = 0;
    const runner = startJobs(second.instance.services, [
      { name: 'test-ok', everyMs: 5, run: async () => ++runs },
      {
        name: 'test-failing',
        everyMs: 5,
        run: async () => {
          throw new Error('boom');
        },
      },
    ]);
    await eventually(async () => runs >= 3);
    await runner.stop();
    const text = await scrape(second);
    expect(sample(text, 'xiaodian_job_runs_total', { job: 'test-ok', result: 'ok' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'xiaodian_job_runs_total', { job: 'test-failing', result: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'xiaodian_job_runs_total', { job: 'test-failing', result: 'ok' })).toBeUndefined();
    expect(sample(text, 'xiaodian_job_last_success_timestamp_seconds', { job: 'test-ok' })).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(sample(text, 'xiaodian_job_last_success_timestamp_seconds', { job: 'test-failing' })).toBeUndefined();
    expect(sample(text, 'xiaodian_job_lag_seconds', { job: 'test-ok' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'xiaodian_job_duration_seconds_count', { job: 'test-ok' })).toBeGreaterThanOrEqual(3);
  });

  it('keeps endpoint labels bounded: identifiers in WeChat paths become :id', () => {
    expect(endpointOf('/v3/pay/transactions/out-trade-no/XD20261130123456')).toBe('/v3/pay/transactions/out-trade-no/:id');
    expect(endpointOf('/v3/pay/transactions/out-trade-no/XD1/close')).toBe('/v3/pay/transactions/out-trade-no/:id/close');
    expect(endpointOf('/v3/refund/domestic/refunds/R123')).toBe('/v3/refund/domestic/refunds/:id');
    expect(endpointOf('/v3/pay/transactions/jsapi')).toBe('/v3/pay/transactions/jsapi');
    expect(endpointOf('/cgi-bin/stable_token')).toBe('/cgi-bin/stable_token');
  });
});
