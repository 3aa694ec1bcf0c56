// Two API processes, one database, one shop: the README's "several instances behind a load balancer behave as
// one", run as deployed. One devdb server process, the sandbox command, and two `src/server.ts` processes with
// their jobs on; a round-robin client in front of them (each request to the other instance than the last) and a
// round-robin balancer in front of their notify URL. 30 shoppers rush limited stock, pay through the cashier
// with lost, duplicated and concurrent notifications, cancel while paying, leave orders to expire, get refunds
// and parcels; both instances reconcile the same date at the same moment. Then, once the system is quiet, what
// must hold whatever the interleaving: WeChat's money ⇔ PAID orders, stock conserved, one close per expired
// order, one report per date, one access token, no 5xx.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { mongooseConnectOptions } from '@xiaodian/devdb';
import { createControlClient, type SandboxControl } from '@xiaodian/sandbox';
import { beijingDate, PAID_STATUSES, type OrderStatus } from '@xiaodian/shared';
import { parseEnvFile, workspaceRoot } from '../src/config';
import { ADDRESS, call, type Reply } from './harness';
import { baseEnv, freePort, spawnChild, type Child } from './processes';

const SHOPPERS = 30;
const ORDER_TTL_SECONDS = 60; // the smallest config.ts allows: the expiry wave takes a minute
const JWT_SECRET = 'two-instances-secret-two-instances-secret';
const OWNER = { username: 'owner', password: 'owner-password' };
/** Generous: two cores, shared with other engineers' test runs. */
const START_MS = 90_000;
const QUIET_MS = 240_000;

const root = workspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'xd-two-instances-'));
const children: Child[] = [];
let db: Child;
let sandboxProc: Child;
let apis: { child: Child; url: string; name: 'A' | 'B' }[] = [];
let sandboxUrl = '';
let mongoUri = '';
let control: SandboxControl;
let balancer: Balancer;
let conn: Connection | undefined;
/** A client with the driver's defaults, as the API processes connect with MONGODB_URI: what happens to its connection. */
let watcher: Connection | undefined;
const database = { heartbeatFailures: [] as string[], poolClears: 0 };
const t0 = Date.now();

// ---------------------------------------------------------------------------------------------------------------
// Round-robin client: every request goes to the other instance than the previous one; every status is kept.

interface Seen {
  instance: 'A' | 'B';
  method: string;
  path: string;
  status: number;
}
const seen: Seen[] = [];
let turn = 0;

async function rr<T = any>(method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<Reply<T>> {
  const api = apis[turn++ % apis.length]!;
  return on(api, method, path, options);
}

async function on<T = any>(api: (typeof apis)[number], method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<Reply<T>> {
  try {
    const res = await call<T>(api.url, method, path, options);
    seen.push({ instance: api.name, method, path, status: res.status });
    return res;
  } catch (err) {
    seen.push({ instance: api.name, method, path, status: 0 });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The notify URL's load balancer: WeChat's notifications, duplicates and concurrent copies included, land on
// either instance, byte for byte (the signature covers the raw body).

interface Balancer {
  url: string;
  delivered: { A: number; B: number };
  close(): Promise<void>;
}

async function startBalancer(): Promise<Balancer> {
  let next = 0;
  const delivered = { A: 0, B: 0 };
  const server: Server = createServer((req, res) => {
    const api = apis[next++ % apis.length];
    if (!api) {
      res.writeHead(503).end();
      return;
    }
    delivered[api.name]++;
    const target = new URL(req.url ?? '/', api.url);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    delivered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting: poll a condition until it holds, with a deadline (never a fixed sleep).

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Start and stop the processes.

beforeAll(async () => {
  const dbPort = await freePort();
  db = spawnChild({
    name: 'devdb',
    cwd: join(root, 'packages/devdb'),
    entry: 'src/cli/dev-server.ts',
    env: { ...baseEnv(), DEVDB_PORT: String(dbPort), DEVDB_DATA_DIR: join(work, 'devdb') },
    logFile: join(work, 'devdb.log'),
  });
  children.push(db);
  sandboxProc = spawnChild({
    name: 'sandbox',
    cwd: join(root, 'apps/sandbox'),
    entry: 'src/main.ts',
    env: {
      ...baseEnv(),
      SANDBOX_PORT: '0',
      SANDBOX_DATA_DIR: join(work, 'sandbox'),
      // Retries after 150 ms, 150 ms, 300 ms, 1.8 s … instead of WeChat's 15 s, 15 s, 30 s, 3 min …
      SANDBOX_TIME_SCALE: '0.01',
      // Refunds settle by themselves a second after WeChat accepted them, and notify.
      SANDBOX_AUTO_SETTLE_REFUNDS_MS: '1000',
    },
    logFile: join(work, 'sandbox.log'),
  });
  children.push(sandboxProc);
  const [dbReady, sandboxReady] = await Promise.all([
    db.waitFor(/devdb: ready on mongodb:\/\/127\.0\.0\.1:(\d+)\/\S* in \d+ ms, data in (.+?) \(/, START_MS),
    sandboxProc.waitFor(/WeChat sandbox ready at (http:\/\/\S+) /, START_MS),
  ]);
  // Never the developers' database: the server must be the one on our port with our data directory.
  expect({ port: Number(dbReady[1]), dir: dbReady[2] }).toEqual({ port: dbPort, dir: join(work, 'devdb') });
  mongoUri = `mongodb://127.0.0.1:${dbReady[1]}/xiaodian`;
  sandboxUrl = sandboxReady[1]!;
  control = createControlClient(sandboxUrl);
  balancer = await startBalancer();

  // What the sandbox wrote for the API: its identities and URLs (NODE_ENV=test never reads api.env by itself).
  const apiEnv = parseEnvFile(readFileSync(join(work, 'sandbox', 'api.env'), 'utf8'));
  const env = {
    ...baseEnv(),
    ...apiEnv,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    MONGODB_URI: mongoUri,
    PUBLIC_BASE_URL: balancer.url,
    ADMIN_USERNAME: OWNER.username,
    ADMIN_PASSWORD: OWNER.password,
    JWT_SECRET,
    JOBS_ENABLED: 'true',
    ORDER_TTL_SECONDS: String(ORDER_TTL_SECONDS),
    LOG_LEVEL: 'info',
  };
  // Both start at once, as a deployment rolls out: indexes and the bootstrap owner created concurrently.
  const started = (['A', 'B'] as const).map((name) => {
    const child = spawnChild({ name: `api-${name}`, cwd: join(root, 'apps/api'), entry: 'src/server.ts', env, logFile: join(work, `api-${name}.log`) });
    children.push(child);
    return { name, child };
  });
  apis = await Promise.all(
    started.map(async ({ name, child }) => {
      const ready = await child.waitFor(/Xiaodian API ready on (http:\/\/127\.0\.0\.1:\d+)/, START_MS);
      return { name, child, url: ready[1]! };
    }),
  );
  conn = mongoose.createConnection(mongoUri, { ...mongooseConnectOptions('congodb') });
  await conn.asPromise();
  watcher = mongoose.createConnection(mongoUri);
  await watcher.asPromise();
  watcher.getClient().on('serverHeartbeatFailed', (e) => database.heartbeatFailures.push(`${e.awaited ? 'awaited' : 'polled'} hello: ${e.failure.message}`));
  watcher.getClient().on('connectionPoolCleared', () => database.poolClears++);
}, START_MS * 2);

afterAll(async () => {
  await conn?.close();
  await watcher?.close();
  await balancer?.close();
  // APIs first (they finish in-flight work against the database and the sandbox), then the rest.
  await Promise.all(children.filter((c) => c.name.startsWith('api-')).map((c) => c.stop()));
  await Promise.all(children.filter((c) => !c.name.startsWith('api-')).map((c) => c.stop()));
  rmSync(work, { recursive: true, force: true });
}, 60_000);

function dumpOnFailure(): void {
  onTestFailed(() => {
    for (const child of children) console.log(`----- ${child.name} (last 40 lines)\n${child.lines.slice(-40).join('\n')}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The shop.

interface Shopper {
  user: string;
  token: string;
}
interface Placed {
  id: string;
  outTradeNo: string;
  totalFen: number;
  shopper: Shopper;
}

let owner = '';
const shoppers: Shopper[] = [];
const products: Record<'rush' | 'tea' | 'cup', { id: string; initial: number; priceFen: number }> = {} as never;
/** Orders the API accepted, by role in the story. */
const placed = { rush: [] as Placed[], expiry: [] as Placed[], race: [] as Placed[], basket: [] as Placed[] };
const refused = { rush: 0, basket: 0 };
const race: { id: string; cashier: string; cancels: number[] }[] = [];
const refunds: { orderId: string; outRefundNo: string; amountFen: number }[] = [];
const shipped: { id: string; outTradeNo: string }[] = [];
const droppedTrades = new Set<string>();
let reconciliations: Reply[] = [];
const today = beijingDate(new Date());

async function login(user: string): Promise<Shopper> {
  const { code } = await control.loginCode(user);
  const res = await rr('POST', '/api/auth/login', { body: { code } });
  expect(res.status).toBe(200);
  return { user, token: res.body.token };
}

async function placeOrder(shopper: Shopper, items: { productId: string; quantity: number }[]): Promise<Reply> {
  return rr('POST', '/api/orders', { token: shopper.token, body: { items, address: ADDRESS } });
}

const placedOf = (shopper: Shopper, res: Reply): Placed => ({ id: res.body.id, outTradeNo: res.body.outTradeNo, totalFen: res.body.totalFen, shopper });

/** `POST /api/orders/:id/pay` → the signed requestPayment parameters. */
async function prepay(order: Placed): Promise<Record<string, string>> {
  const res = await rr('POST', `/api/orders/${order.id}/pay`, { token: order.shopper.token });
  expect(res.status).toBe(200);
  return res.body;
}

/** The sandbox cashier, pressed by a script with the parameters the API signed: success | fail (with why). */
async function payAtCashier(params: Record<string, string>, outcome: 'SUCCESS' | 'CANCEL' = 'SUCCESS'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/cashier`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...params, outcome, redirect: 'http://shop.test/done' }),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  return [back.searchParams.get('result'), back.searchParams.get('message')].filter(Boolean).join(':');
}

/** What the shopper's result page does: `GET /api/orders/:id?sync=1` until the API says PAID. */
async function waitPaidBySync(order: Placed): Promise<void> {
  await until(
    `order ${order.id} PAID through ?sync=1`,
    async () => (await rr('GET', `/api/orders/${order.id}?sync=1`, { token: order.shopper.token })).body.status === 'PAID',
    QUIET_MS,
  );
}

async function orderStatus(id: string): Promise<OrderStatus> {
  return (await rr('GET', `/api/admin/orders/${id}`, { token: owner })).body.status;
}

/** Every order, as the admin console lists them. */
async function allOrders(): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; ; page++) {
    const res = await rr('GET', `/api/admin/orders?pageSize=100&page=${page}`, { token: owner });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    if (items.length >= res.body.total || res.body.items.length === 0) return items;
  }
}

/** Notification faults, by shopper index: lost for good, lost twice, duplicated, concurrent copies, or none. */
async function faultFor(i: number, outTradeNo: string): Promise<'drop' | 'drop_first' | 'duplicate' | 'concurrent' | 'none'> {
  switch (i % 5) {
    case 0:
      droppedTrades.add(outTradeNo);
      await control.setFault({ kind: 'drop', outTradeNo });
      return 'drop';
    case 1:
      await control.setFault({ kind: 'drop_first', outTradeNo, count: 2 });
      return 'drop_first';
    case 2:
      await control.setFault({ kind: 'duplicate', outTradeNo, count: 2, ms: 100 });
      return 'duplicate';
    case 3:
      await control.setFault({ kind: 'concurrent_duplicates', outTradeNo, count: 4 });
      return 'concurrent';
    default:
      return 'none';
  }
}

/** Pays one order through the cashier under its fault; lost notifications are found by ?sync=1 or the sync job. */
async function payWithFault(order: Placed, i: number): Promise<void> {
  const params = await prepay(order);
  const fault = await faultFor(i, order.outTradeNo);
  expect(await payAtCashier(params)).toBe('success');
  // Half of the lost ones are found by the shopper's result page, the other half by the payment-sync job.
  if (fault === 'drop' && i % 10 === 0) await waitPaidBySync(order);
}

describe('two API processes, one database, one shop', () => {
  it('starts one database server, the sandbox and two API processes, and serves through either', async () => {
    dumpOnFailure();
    for (const api of apis) expect((await on(api, 'GET', '/api/health')).status).toBe(200);
    const signedIn = await rr('POST', '/api/admin/login', { body: OWNER });
    expect(signedIn.status).toBe(200);
    owner = signedIn.body.token;
    // A session from one instance works on the other: the secret and the session records are shared.
    for (const api of apis) expect((await on(api, 'GET', '/api/admin/me', { token: owner })).status).toBe(200);

    const create = async (name: string, priceFen: number, stock: number) => {
      const res = await rr('POST', '/api/admin/products', { token: owner, body: { name, description: 'two instances', priceFen, stock } });
      expect(res.status).toBe(201);
      return { id: res.body.id as string, initial: stock, priceFen };
    };
    products.rush = await create('限量 rush', 1000, 10);
    products.tea = await create('乌龙茶 tea', 2500, 80);
    products.cup = await create('茶杯 cup', 990, 15);

    shoppers.push(...(await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => login(`two-inst-${i}`)))));
    expect(new Set(shoppers.map((s) => s.token)).size).toBe(SHOPPERS);
  }, START_MS);

  it('leaves 12 prepaid orders unpaid, to expire while the rest of the shop runs', async () => {
    dumpOnFailure();
    await Promise.all(
      shoppers.slice(0, 12).map(async (shopper) => {
        const res = await placeOrder(shopper, [{ productId: products.tea.id, quantity: 2 }]);
        expect(res.status).toBe(201);
        const order = placedOf(shopper, res);
        placed.expiry.push(order);
        await prepay(order); // WeChat holds a NOTPAY trade: expiry must close it there first
      }),
    );
  }, 60_000);

  it('sells exactly the 10 rush items to 30 shoppers at once, and takes their payments through faulty notifications', async () => {
    dumpOnFailure();
    const answers = await Promise.all(shoppers.map((s) => placeOrder(s, [{ productId: products.rush.id, quantity: 1 }])));
    answers.forEach((res, i) => (res.status === 201 ? placed.rush.push(placedOf(shoppers[i]!, res)) : refused.rush++));
    expect(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body?.error?.code}`)).toEqual(Array(20).fill('409 OUT_OF_STOCK'));
    expect(placed.rush).toHaveLength(10);
    await Promise.all(placed.rush.map((order, i) => payWithFault(order, i)));
  }, QUIET_MS);

  it('sells baskets of two products all or nothing (the cup runs out), and takes their payments', async () => {
    dumpOnFailure();
    const answers = await Promise.all(
      shoppers.map((s) =>
        placeOrder(s, [
          { productId: products.tea.id, quantity: 1 },
          { productId: products.cup.id, quantity: 1 },
        ]),
      ),
    );
    answers.forEach((res, i) => (res.status === 201 ? placed.basket.push(placedOf(shoppers[i]!, res)) : refused.basket++));
    expect(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body?.error?.code}`)).toEqual(Array(15).fill('409 OUT_OF_STOCK'));
    expect(placed.basket).toHaveLength(15);
    await Promise.all(placed.basket.map((order, i) => payWithFault(order, i + 1)));
  }, QUIET_MS);

  it('races cancels (on both instances) against payments in the cashier: each order ends PAID or CLOSED, as the cashier said', async () => {
    dumpOnFailure();
    const racers = shoppers.slice(12, 20);
    await Promise.all(
      racers.map(async (shopper, k) => {
        const res = await placeOrder(shopper, [{ productId: products.tea.id, quantity: 1 }]);
        expect(res.status).toBe(201);
        const order = placedOf(shopper, res);
        placed.race.push(order);
        const params = await prepay(order);
        // The cashier is pressed 0, 60 … 420 ms after the cancels leave (a cancel goes through the API to WeChat's
        // close, the cashier straight to WeChat): a spread over the race window so that both sides win some, not a
        // wait for anything.
        const [cashier, ...cancels] = await Promise.all([
          new Promise((r) => setTimeout(r, k * 60)).then(() => payAtCashier(params)),
          on(apis[0]!, 'POST', `/api/orders/${order.id}/cancel`, { token: shopper.token }),
          on(apis[1]!, 'POST', `/api/orders/${order.id}/cancel`, { token: shopper.token }),
        ]);
        race.push({ id: order.id, cashier, cancels: cancels.map((c) => c.status) });
      }),
    );
    for (const r of race) {
      for (const status of r.cancels) expect([200, 409]).toContain(status);
      expect(r.cashier).toMatch(/^(success|fail:ORDER_CLOSED\b)/);
      const expected = r.cashier === 'success' ? 'PAID' : 'CLOSED';
      await until(`raced order ${r.id} ${expected}`, async () => (await orderStatus(r.id)) === expected, QUIET_MS);
      // A cancel answered 200 means the order is closed; a paid one refuses every cancel.
      if (expected === 'PAID') expect(r.cancels).toEqual([409, 409]);
      else expect(r.cancels).toContain(200);
    }
  }, QUIET_MS);

  it('refunds from the owner (one request sent to both instances at once with one Idempotency-Key) and ships parcels', async () => {
    dumpOnFailure();
    // Every rush and basket payment is applied first (lost notifications too, through the payment-sync job).
    for (const order of [...placed.rush, ...placed.basket]) {
      await until(`order ${order.id} PAID`, async () => (await orderStatus(order.id)) === 'PAID', QUIET_MS, 1000);
    }
    const refund = async (order: Placed, amountFen: number, both: boolean) => {
      const body = { amountFen, reason: 'two instances' };
      const headers = { 'Idempotency-Key': `refund-${order.id}` };
      const answers = both
        ? await Promise.all(apis.map((api) => on(api, 'POST', `/api/admin/orders/${order.id}/refunds`, { token: owner, body, headers })))
        : [await rr('POST', `/api/admin/orders/${order.id}/refunds`, { token: owner, body, headers })];
      for (const res of answers) expect(res.status).toBe(201);
      expect(new Set(answers.map((r) => r.body.outRefundNo)).size).toBe(1);
      refunds.push({ orderId: order.id, outRefundNo: answers[0]!.body.outRefundNo, amountFen });
    };
    // Full refunds of three rush orders (the refund notification of one is lost for good: the refund-sync job
    // settles it), partial refunds of two baskets.
    const [r0, r1, r2] = placed.rush.filter((o) => !droppedTrades.has(o.outTradeNo));
    droppedTrades.add(r2!.outTradeNo);
    await control.setFault({ kind: 'drop', outTradeNo: r2!.outTradeNo });
    await Promise.all([refund(r0!, r0!.totalFen, true), refund(r1!, r1!.totalFen, false), refund(r2!, r2!.totalFen, true)]);
    await Promise.all(placed.basket.slice(0, 2).map((o) => refund(o, 1000, false)));

    // Three parcels; the first shipped from both instances at once with the same tracking number.
    const parcels = placed.basket.slice(5, 8);
    for (const [i, order] of parcels.entries()) {
      const body = { trackingNo: `SF20000000${i}`, expressCompany: 'SF' };
      const answers = i === 0 ? await Promise.all(apis.map((api) => on(api, 'POST', `/api/admin/orders/${order.id}/ship`, { token: owner, body }))) : [await rr('POST', `/api/admin/orders/${order.id}/ship`, { token: owner, body })];
      for (const res of answers) expect(res.status).toBe(200);
      shipped.push({ id: order.id, outTradeNo: order.outTradeNo });
    }
  }, QUIET_MS);

  it('becomes quiet: expired orders closed by the jobs, refunds settled, parcels uploaded, notifications delivered', async () => {
    dumpOnFailure();
    await until(
      'the shop is quiet',
      async () => {
        const [pending, refunding] = await Promise.all(
          ['PENDING_PAYMENT', 'REFUNDING'].map(async (status) => (await rr('GET', `/api/admin/orders?status=${status}&pageSize=1`, { token: owner })).body.total as number),
        );
        if (pending !== 0 || refunding !== 0) return false;
        const sandboxRefunds = await control.refunds();
        if (sandboxRefunds.some((r) => r.status === 'PROCESSING')) return false;
        for (const parcel of shipped) if (!(await control.trade(parcel.outTradeNo)).shipping) return false;
        const notifications = await control.notifications();
        return notifications.every((n) => n.status === 'delivered' || n.status === 'failed' || droppedTrades.has(n.out_trade_no));
      },
      QUIET_MS,
      1000,
    );
  }, QUIET_MS + 10_000);

  it('reconciles today on both instances at the same moment: one report, the same answer, nothing to correct', async () => {
    dumpOnFailure();
    reconciliations = await Promise.all(apis.map((api) => on(api, 'POST', '/api/admin/reconciliations', { token: owner, body: { date: today } })));
    for (const res of reconciliations) expect(res.status).toBe(200);
    const [a, b] = reconciliations.map((r) => ({ date: r.body.date, billRows: r.body.billRows, matched: r.body.matched, discrepancies: r.body.discrepancies }));
    expect(a).toEqual(b);
    expect(a!.discrepancies).toEqual([]);
    const listed = (await rr('GET', '/api/admin/reconciliations', { token: owner })).body.items.filter((r: any) => r.date === today);
    expect(listed).toHaveLength(1);
    expect(await conn!.collection('reconciliations').countDocuments({ date: today })).toBe(1);
  }, 90_000);

  describe('invariants, once quiet', () => {
    let orders: any[];
    let trades: Awaited<ReturnType<SandboxControl['trades']>>;
    beforeAll(async () => {
      orders = await allOrders();
      trades = await control.trades();
    }, 60_000);

    it('WeChat took money for an order ⇔ the API says it is paid (one trade, its out_trade_no, transaction and amount)', async () => {
      dumpOnFailure();
      expect(orders).toHaveLength(placed.rush.length + placed.expiry.length + placed.race.length + placed.basket.length);
      const byOrder = new Map<string, typeof trades>();
      for (const t of trades) {
        expect(orders.some((o) => o.id === t.attach)).toBe(true); // no trade the shop does not know
        byOrder.set(t.attach!, [...(byOrder.get(t.attach!) ?? []), t]);
      }
      const mismatches: string[] = [];
      for (const order of orders) {
        const money = (byOrder.get(order.id) ?? []).filter((t) => t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND');
        const paid = PAID_STATUSES.includes(order.status);
        if (paid !== (money.length > 0)) mismatches.push(`${order.id}: ${order.status} but WeChat ${JSON.stringify(money.map((t) => t.trade_state))}`);
        if (!paid) continue;
        if (money.length !== 1) mismatches.push(`${order.id}: ${money.length} payments at WeChat`);
        const [t] = money;
        if (t && (t.out_trade_no !== order.outTradeNo || t.transaction_id !== order.transactionId || t.amount.total !== order.totalFen)) {
          mismatches.push(`${order.id}: API ${order.outTradeNo}/${order.transactionId}/${order.totalFen} vs WeChat ${t.out_trade_no}/${t.transaction_id}/${t.amount.total}`);
        }
      }
      expect(mismatches).toEqual([]);
      // Refunds: what WeChat paid back per order is what the API records.
      const sandboxRefunds = await control.refunds();
      for (const r of refunds) {
        const order = orders.find((o) => o.id === r.orderId);
        const back = sandboxRefunds.filter((x) => x.out_refund_no === r.outRefundNo && x.status === 'SUCCESS');
        expect(back).toHaveLength(1);
        expect(order.refundedFen).toBe(r.amountFen);
        expect(order.status).toBe(r.amountFen === order.totalFen ? 'REFUNDED' : 'PAID');
      }
      expect(sandboxRefunds).toHaveLength(refunds.length);
      // Nothing the console has to look into: no double payment, no payment after close, no unknown trade.
      expect((await rr('GET', '/api/admin/anomalies', { token: owner })).body.items).toEqual([]);
    });

    it('conserves stock per product: initial = available + sold to paid orders + held by unpaid ones', async () => {
      dumpOnFailure();
      const listed = (await rr('GET', '/api/admin/products', { token: owner })).body.items as any[];
      for (const [key, product] of Object.entries(products)) {
        const now = listed.find((p) => p.id === product.id);
        const quantityIn = (statuses: readonly string[]) =>
          orders.filter((o) => statuses.includes(o.status)).reduce((sum, o) => sum + o.items.filter((i: any) => i.productId === product.id).reduce((n: number, i: any) => n + i.quantity, 0), 0);
        const sold = quantityIn(PAID_STATUSES);
        const held = quantityIn(['PENDING_PAYMENT']);
        expect({ key, initial: product.initial, reserved: now.reservedStock }).toEqual({ key, initial: now.stock + sold + held, reserved: held });
      }
      expect(listed.find((p) => p.id === products.rush.id).stock).toBe(0);
      expect(listed.find((p) => p.id === products.cup.id).stock).toBe(0);
    });

    it('closes each expired order at WeChat exactly once, by one instance’s expiry job', async () => {
      dumpOnFailure();
      const closesAtWechat = closeCalls(sandboxProc.lines.map((l) => /POST \/v3\/pay\/transactions\/out-trade-no\/(\S+)\/close → (\d+)/.exec(l)?.[1]));
      const closesByApi = apis.map((api) => expiryCloses(api.child));
      for (const order of placed.expiry) {
        expect(orders.find((o) => o.id === order.id)).toMatchObject({ status: 'CLOSED', closedReason: 'EXPIRED' });
        expect(trades.find((t) => t.out_trade_no === order.outTradeNo)?.trade_state).toBe('CLOSED');
        expect({ order: order.id, closes: closesAtWechat.get(order.outTradeNo) ?? 0 }).toEqual({ order: order.id, closes: 1 });
        expect({ order: order.id, jobCloses: closesByApi.reduce((n, m) => n + (m.get(order.outTradeNo) ?? 0), 0) }).toEqual({ order: order.id, jobCloses: 1 });
      }
    });

    it('fetched one access token for both instances, and uploaded every parcel to WeChat', async () => {
      dumpOnFailure();
      const fetches = sandboxProc.lines.filter((l) => /\] (stable_token|token) → ok/.test(l)).length;
      expect(fetches).toBe(1);
      const [token] = await conn!.collection('wechattokens').find({}).toArray();
      expect(token?.fetches).toBe(1);
      for (const parcel of shipped) {
        expect((await control.trade(parcel.outTradeNo)).shipping).toBeTruthy();
        expect(orders.find((o) => o.id === parcel.id)?.status).toBe('SHIPPED');
      }
    });

    it('answered no request with a 5xx, on either instance, and both served', async () => {
      dumpOnFailure();
      const errors = seen.filter((s) => s.status >= 500 || s.status === 0);
      // Why, from the instances' own logs (the 5xx's request failed line carries the error).
      const why = apis.flatMap((api) => jsonLines(api.child).filter((l) => l.msg === 'request failed').map((l) => `${api.name}: ${l.err?.type}: ${l.err?.message}`));
      expect({ errors, why }).toEqual({ errors: [], why: [] });
      expect(seen.filter((s) => s.instance === 'A').length).toBeGreaterThan(50);
      expect(seen.filter((s) => s.instance === 'B').length).toBeGreaterThan(50);
      // WeChat's notifications too: every answer the sandbox recorded is a success or a dropped delivery.
      const attempts = (await control.notifications()).flatMap((n) => n.attempts);
      expect(attempts.filter((a) => !a.dropped && (a.status ?? 0) >= 500)).toEqual([]);
      expect(balancer.delivered.A).toBeGreaterThan(0);
      expect(balancer.delivered.B).toBeGreaterThan(0);
    });

    // The API processes connect to MONGODB_URI with the driver's defaults (apps/api/src/db.ts), which stream the
    // server's state through awaitable hellos. A failed heartbeat marks the server unknown and clears the pool,
    // failing every operation in flight (MongoPoolClearedError → 500): one database must not drop its clients.
    it('keeps the database connection of a default MongoDB client up: no failed heartbeat, no cleared pool', () => {
      expect(database).toEqual({ heartbeatFailures: [], poolClears: 0 });
    });

    it('prints the figures', async () => {
      const notifications = await control.notifications();
      const attempts = notifications.flatMap((n) => n.attempts);
      const closes = closeCalls(sandboxProc.lines.map((l) => /POST \/v3\/pay\/transactions\/out-trade-no\/(\S+)\/close → (\d+)/.exec(l)?.[1]));
      const [report] = reconciliations.map((r) => r.body);
      const figures = {
        shoppers: SHOPPERS,
        orders: orders.length,
        refusedOutOfStock: refused.rush + refused.basket,
        byStatus: Object.fromEntries([...new Set(orders.map((o) => o.status))].map((s) => [s, orders.filter((o) => o.status === s).length])),
        payments: trades.filter((t) => t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND').length,
        paidFen: trades.filter((t) => t.transaction_id).reduce((n, t) => n + t.amount.total, 0),
        raced: { paid: race.filter((r) => r.cashier === 'success').length, cancelledFirst: race.filter((r) => r.cashier !== 'success').length },
        notifications: {
          events: notifications.length,
          delivered: attempts.filter((a) => a.ok && !a.dropped).length,
          dropped: attempts.filter((a) => a.dropped).length,
          duplicated: attempts.filter((a) => a.kind === 'duplicate').length,
          concurrentCopies: attempts.filter((a) => a.kind === 'concurrent').length,
          toInstance: balancer.delivered,
        },
        refunds: { count: refunds.length, fen: refunds.reduce((n, r) => n + r.amountFen, 0) },
        closesAtWechat: {
          expiredOrders: placed.expiry.reduce((n, o) => n + (closes.get(o.outTradeNo) ?? 0), 0),
          cancelledOrRaced: placed.race.reduce((n, o) => n + (closes.get(o.outTradeNo) ?? 0), 0),
          expiryJobOn: Object.fromEntries(apis.map((api) => [api.name, placed.expiry.reduce((n, o) => n + (expiryCloses(api.child).get(o.outTradeNo) ?? 0), 0)])),
        },
        shipped: shipped.length,
        reconciliation: report && { date: report.date, billRows: report.billRows, matched: report.matched, discrepancies: report.discrepancies.length },
        requests: { A: seen.filter((s) => s.instance === 'A').length, B: seen.filter((s) => s.instance === 'B').length },
        status5xx: seen.filter((s) => s.status >= 500).length,
        databaseHeartbeatFailures: database.heartbeatFailures.length,
        databasePoolClears: database.poolClears,
        elapsedSeconds: Math.round((Date.now() - t0) / 1000),
      };
      console.log(`two-instances figures: ${JSON.stringify(figures, null, 2)}`);
      expect(figures.orders).toBeGreaterThan(0);
    });
  });
});

/** Counts per out_trade_no. */
function closeCalls(outTradeNos: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const no of outTradeNos) if (no) counts.set(no, (counts.get(no) ?? 0) + 1);
  return counts;
}

/** Closes an API process asked WeChat for outside any request (its jobs), per out_trade_no, from its log. */
function expiryCloses(child: Child): Map<string, number> {
  return closeCalls(jsonLines(child).map((l) => (l.method === 'POST' && /\/close$/.test(l.path ?? '') && !l.reqId ? String(l.path).split('/')[5] : undefined)));
}

/** An API process's JSON log lines. */
function jsonLines(child: Child): any[] {
  return child.lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}
