import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type Order, type OrderStatus } from '@xiaodian/shared';
import { ApiError } from '@/api/request';
import type { ClientPayResult } from '@/platform/types';
import { confirmPayment, pollDelays, viewAfterPoll, type PaymentView } from './payment';

const order = (status: OrderStatus): Order => ({
  id: 'o1',
  outTradeNo: 'XD1',
  status,
  totalFen: 4990,
  items: [{ productId: 'p', skuId: 's', name: 'n', specs: {}, priceFen: 4990, quantity: 1 }],
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-01T00:15:00Z',
});

const networkError = () => new ApiError('network', 0, 'NETWORK_ERROR', 'offline');

/** Runs confirmPayment against a scripted API, with instant sleeps; returns views, sleeps and fetch count. */
async function run(client: ClientPayResult | undefined, answers: (OrderStatus | Error)[]) {
  const views: PaymentView[] = [];
  const slept: number[] = [];
  let fetches = 0;
  const final = await confirmPayment({
    client,
    fetchOrder: async () => {
      const a = answers[Math.min(fetches++, answers.length - 1)]!;
      if (a instanceof Error) throw a;
      return order(a);
    },
    onView: (v) => views.push(v),
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { final, views, slept, fetches };
}

describe('poll delays', () => {
  it('grows 1 s, 2 s, 3 s … and stays within about 30 s', () => {
    const d = pollDelays();
    expect(d).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000]);
    expect(d.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
  });
  it('follows the budget', () => {
    expect(pollDelays(6000)).toEqual([1000, 2000, 3000]);
    expect(pollDelays(500)).toEqual([]);
  });
});

describe('confirming a payment', () => {
  it('shows "confirming" until the API answers PAID, polling with backoff', async () => {
    const r = await run('success', ['PENDING_PAYMENT', 'PENDING_PAYMENT', 'PAID']);
    expect(r.final.kind).toBe('paid');
    expect(r.views.map((v) => v.kind)).toEqual(['confirming', 'confirming', 'confirming', 'paid']);
    expect(r.slept).toEqual([1000, 2000]);
    expect(r.fetches).toBe(3);
  });

  it('does not believe the cashier: "success" with an order still pending ends unconfirmed, never paid', async () => {
    const r = await run('success', ['PENDING_PAYMENT']);
    expect(r.final).toMatchObject({ kind: 'unconfirmed', trouble: false });
    expect(r.fetches).toBe(8);
    expect(r.slept.reduce((a, b) => a + b, 0)).toBe(28_000);
    expect(r.views.some((v) => v.kind === 'paid')).toBe(false);
  });

  it('never shows paid when the network fails, whatever the cashier said', async () => {
    const r = await run('success', [networkError()]);
    expect(r.final).toMatchObject({ kind: 'unconfirmed', trouble: true });
    expect(r.views.some((v) => v.kind === 'paid')).toBe(false);
    expect(r.views.slice(0, -1).every((v) => v.kind === 'confirming')).toBe(true);
    expect(r.views[1]).toMatchObject({ kind: 'confirming', trouble: true });
  });

  it('keeps polling through network errors and shows paid once the API says so', async () => {
    const r = await run(undefined, [networkError(), networkError(), 'PAID']);
    expect(r.final.kind).toBe('paid');
    expect(r.views.map((v) => v.kind)).toEqual(['confirming', 'confirming', 'confirming', 'paid']);
  });

  it('a cancel in the cashier with the order still pending is "not paid" at once', async () => {
    const r = await run('cancel', ['PENDING_PAYMENT']);
    expect(r.final).toMatchObject({ kind: 'not_paid', reason: 'cancel' });
    expect(r.fetches).toBe(1);
  });

  it('a cashier failure is "not paid" too', async () => {
    const r = await run('fail', ['PENDING_PAYMENT']);
    expect(r.final).toMatchObject({ kind: 'not_paid', reason: 'fail' });
  });

  it('a cancel that the API reports paid (the money went through after all) is paid', async () => {
    const r = await run('cancel', ['PAID']);
    expect(r.final.kind).toBe('paid');
  });

  it('a closed order ends the polling as closed', async () => {
    const r = await run('success', ['PENDING_PAYMENT', 'CLOSED']);
    expect(r.final.kind).toBe('closed');
  });

  it('a cancel with the network down is not "not paid" either: it keeps confirming and ends unconfirmed', async () => {
    const r = await run('cancel', [networkError()]);
    expect(r.final).toMatchObject({ kind: 'unconfirmed', trouble: true });
  });

  it('stops when the page is left', async () => {
    let fetches = 0;
    let left = false;
    const final = await confirmPayment({
      client: 'success',
      fetchOrder: async () => {
        fetches++;
        left = true;
        return order('PENDING_PAYMENT');
      },
      onView: () => undefined,
      sleep: async () => undefined,
      stopped: () => left,
    });
    expect(fetches).toBe(1);
    expect(final.kind).toBe('confirming');
  });

  it('only a paid status can ever produce "paid"', () => {
    const clients: (ClientPayResult | undefined)[] = ['success', 'cancel', 'fail', undefined];
    for (const c of clients) {
      expect(viewAfterPoll(c, { error: networkError() }).view.kind).toBe('confirming');
      expect(viewAfterPoll(c, { error: new ApiError('http', 500, 'INTERNAL', 'x') }).view.kind).toBe('confirming');
      for (const s of ORDER_STATUSES) {
        const kind = viewAfterPoll(c, { order: order(s) }).view.kind;
        const paid = ['PAID', 'SHIPPED', 'COMPLETED', 'REFUNDING', 'REFUNDED'].includes(s);
        expect(kind === 'paid').toBe(paid);
      }
    }
  });
});
