// `pnpm bench`: throughput of the payment core, measured in one run on this machine and printed as ratios,
// so that the figures compare like with like whatever the hardware.
//  1. the crypto floor: verify + decrypt of a notification, nothing else;
//  2. notifications through HTTP: verify + decrypt + apply (compare-and-set) + record, for distinct orders;
//  3. orders + prepay against the sandbox: create an order (stock reserved) and get signed payment parameters.
import { parseNotification } from '@xiaodian/wechatpay';
import { adminToken, call, createProduct, shopperToken, startWorld } from '../test/harness';
import { forgeNotification, transactionFor } from '../test/wechat-forge';

const NOTIFICATIONS = Number(process.env.XD_BENCH_NOTIFICATIONS ?? 400);
const ORDERS = Number(process.env.XD_BENCH_ORDERS ?? 200);
const CONCURRENCY = 8;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const perSecond = (count: number, ms: number) => (count * 1000) / ms;

async function main(): Promise<void> {
  const world = await startWorld();
  try {
    const services = world.api.instance.services;
    const admin = await adminToken(world);
    const product = await createProduct(world, admin, { priceFen: 990, stock: NOTIFICATIONS + ORDERS + 10 });
    const token = await shopperToken(world, 'bench');
    const openid = (await world.sandbox.control.loginCode('bench')).openid;

    // Orders to be paid by forged-but-valid notifications (signed with the sandbox's WeChat Pay key).
    const orders: { id: string; outTradeNo: string }[] = [];
    await inParallel(Array.from({ length: NOTIFICATIONS }, (_, i) => i), CONCURRENCY, async () => {
      const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
      await call(world.api.url, 'POST', `/api/orders/${res.body.id}/pay`, { token });
      orders.push({ id: res.body.id, outTradeNo: res.body.outTradeNo });
    });
    const notifications = orders.map((o) => forgeNotification(world, transactionFor(world, o.outTradeNo, 990, openid)));

    // 1. The floor: verification and decryption alone, in this process.
    let started = performance.now();
    for (const n of notifications) {
      const parsed = parseNotification({ headers: n.headers, rawBody: n.raw }, { keyRing: services.keyRing, apiV3Key: services.config.wechatPay.apiV3Key });
      if (!parsed.ok) throw new Error(parsed.reason);
    }
    const floor = perSecond(notifications.length, performance.now() - started);

    // 2. The whole notification path through HTTP.
    started = performance.now();
    await inParallel(notifications, CONCURRENCY, async (n) => {
      const res = await call(world.api.url, 'POST', '/api/pay/notify', { headers: n.headers, raw: n.raw });
      if (res.status !== 204) throw new Error(`notify answered ${res.status}`);
    });
    const applied = perSecond(notifications.length, performance.now() - started);
    await services.drain();
    const paid = await services.models.Order.countDocuments({ _id: { $in: orders.map((o) => o.id) }, status: 'PAID' });
    if (paid !== orders.length) throw new Error(`only ${paid} of ${orders.length} orders paid`);

    // 3. Orders + prepay against the sandbox.
    started = performance.now();
    await inParallel(Array.from({ length: ORDERS }, (_, i) => i), CONCURRENCY, async () => {
      const res = await call(world.api.url, 'POST', '/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } });
      const pay = await call(world.api.url, 'POST', `/api/orders/${res.body.id}/pay`, { token });
      if (pay.status !== 200) throw new Error(`pay answered ${pay.status}`);
    });
    const ordersPerSecond = perSecond(ORDERS, performance.now() - started);

    const row = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
    console.log(`\nXiaodian payment-core benchmark (${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded database'}, API + sandbox in one process, concurrency ${CONCURRENCY})`);
    row('crypto floor: verify + decrypt (notifications/s)', floor.toFixed(0));
    row('notifications verified + decrypted + applied via HTTP (/s)', applied.toFixed(0));
    row('ratio applied / floor', (applied / floor).toFixed(3));
    row('orders + prepay against the sandbox (/s)', ordersPerSecond.toFixed(1));
    row('ratio orders+prepay / applied notifications', (ordersPerSecond / applied).toFixed(3));
  } finally {
    await world.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
