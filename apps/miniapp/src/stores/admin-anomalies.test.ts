import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AnomalyView } from '@xiaodian/shared';
import { fakeUni } from '../../test/fake-uni';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminAnomaliesStore } from './admin-anomalies';
import { useAdminDashboardStore } from './admin-dashboard';

let api: FakeAdminApi;

const anomaly = (id: string, status: AnomalyView['status']): AnomalyView => ({
  id,
  kind: 'REFUND_ABNORMAL',
  status,
  detail: `refund of ${id} is ABNORMAL`,
  orderId: 'order-1',
  createdAt: '2026-05-20T04:00:00.000Z',
});

async function start(user: 'owner' | 'staff' = 'owner') {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login(user, `${user}-password`);
}

beforeEach(() => {
  api = new FakeAdminApi();
  api.anomalies.set('x1', anomaly('x1', 'OPEN'));
  api.anomalies.set('x2', anomaly('x2', 'RESOLVED'));
  fakeUni().responder = api.respond;
});

describe('anomalies', () => {
  it('lists by filter, and resolves one with a note (trimmed), shown resolved in place', async () => {
    await start();
    const anomalies = useAdminAnomaliesStore();
    await anomalies.load();
    expect(anomalies.items.map((a) => a.id)).toEqual(['x1']);
    anomalies.filter = 'ALL';
    await anomalies.load();
    expect(anomalies.items.map((a) => a.id)).toEqual(['x1', 'x2']);

    expect(await anomalies.resolve('x1', '  ')).toEqual({ ok: false, error: '请填写处理说明' });
    expect(fakeUni().requests.filter((r) => r.url.endsWith('/resolve'))).toHaveLength(0);
    expect(await anomalies.resolve('x1', ' 已在商户平台处理 ')).toMatchObject({ ok: true });
    expect(fakeUni().requests.find((r) => r.url.endsWith('/resolve'))!.data).toEqual({ note: '已在商户平台处理' });
    expect(anomalies.items.find((a) => a.id === 'x1')).toMatchObject({ status: 'RESOLVED', resolvedBy: 'owner' });
  });

  it('keeps the newest filter’s answer when an older one arrives last', async () => {
    await start();
    const anomalies = useAdminAnomaliesStore();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const respond = api.respond;
    fakeUni().responder = async (req) => {
      if (req.url.includes('status=OPEN')) await slow;
      return respond(req);
    };
    const first = anomalies.load(); // OPEN, answered late
    anomalies.filter = 'RESOLVED';
    await anomalies.load();
    release();
    await first;
    expect(anomalies.items.map((a) => a.id)).toEqual(['x2']);
  });

  it("shows the API's refusal when staff try to resolve", async () => {
    await start('staff');
    const anomalies = useAdminAnomaliesStore();
    await anomalies.load();
    expect(await anomalies.resolve('x1', 'note')).toEqual({ ok: false, error: '没有权限进行此操作' });
    expect(api.anomalies.get('x1')!.status).toBe('OPEN');
  });
});

describe('dashboard', () => {
  it('reads the figures and counts the open anomalies', async () => {
    await start('staff');
    const home = useAdminDashboardStore();
    const figures = await home.load();
    expect(figures.today).toEqual({ paidFen: 1999, orders: 1, refundedFen: 0, refunds: 0 });
    expect(home.dashboard).toEqual(api.dashboard);
    expect(home.loadedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await waitUntil(() => home.openAnomalies === 1);
  });

  it('rejects with the API error and keeps no figures', async () => {
    await start();
    api.override(/\/dashboard$/, { status: 503, data: { error: { code: 'UNAVAILABLE', message: 'down' } } });
    const home = useAdminDashboardStore();
    await expect(home.load()).rejects.toMatchObject({ status: 503 });
    expect(home.dashboard).toBeUndefined();
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
}
